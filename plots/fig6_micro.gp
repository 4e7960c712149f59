# OSDI'23 Fig. 6 beside ours: cost of each hypervisor primitive on KVM and
# DuVisor (left, log scale), and the KVM/DuVisor ratio (right).
load 'plots/common.gp'
set multiplot layout 1,2 title "Hypervisor primitives: the paper (FireSim Rocket cycles) and ours (model cycles; vIPI and vEXT in virtual ns)"
set title 'cost per operation'
set logscale y
set yrange [10:*]
set ylabel 'cycles (vIPI, vEXT: virtual ns)'
set xtics rotate by -20
plot data.'/fig6.dat' using 2:xtic(1) title 'paper KVM' lc rgb '#9e9e9e', \
     '' using 3 title 'paper DuVisor' lc rgb '#e0e0e0', \
     '' using 4 title 'ours KVM (insn)' lc rgb '#1f4e9c', \
     '' using 5 title 'ours DuVisor (insn)' lc rgb '#6fa8dc', \
     '' using 6 title 'ours KVM (rocket)' lc rgb '#a61c00', \
     '' using 7 title 'ours DuVisor (rocket)' lc rgb '#ea9999'
unset logscale y
set title 'KVM / DuVisor (higher: DuVisor cheaper)'
set yrange [0:*]
set ylabel 'ratio'
plot data.'/fig6_ratio.dat' using 2:xtic(1) title 'paper' lc rgb '#9e9e9e', \
     '' using 3 title 'ours (insn)' lc rgb '#1f4e9c', \
     '' using 4 title 'ours (rocket)' lc rgb '#a61c00'
unset multiplot
