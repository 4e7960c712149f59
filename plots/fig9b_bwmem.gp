# Fig. 9b: memory bandwidth with and without the PMC check: bwmem (ours,
# lmbench bw_mem's nine operations) in a 1-vCPU Linux guest on DuVisor and
# duvisor-nopmc (MB/s of model time), beside the artifact's rerun of the
# paper's bw_mem (FireSim; not the paper, whose values were not recovered).
# Written by scripts/bench/apps-plot from results/apps.csv.
# data: fig9b_bwmem.dat
load 'plots/common.gp'
set multiplot layout 1,2 title "Memory bandwidth and the PMC check (Fig. 9b): the paper reports no impact (values not recovered); '?' = no run"
set ylabel 'MB/s'
set yrange [0:*]
set key top right
set title 'ours: bwmem (not lmbench) in a Linux guest, model time (icount)'
plot data.'/fig9b_bwmem.dat' using 2:xtic(1) title 'DuVisor' lc rgb '#a61c00', \
     '' using 3 title 'duvisor-nopmc (pmc=0)' lc rgb '#ea9999'
set title "the artifact's rerun of bw\\_mem (FireSim; not the paper)"
plot data.'/fig9b_bwmem.dat' using 4:xtic(1) title 'DuVisor (PMP)' lc rgb '#1f4e9c', \
     '' using 5 title 'DuVisor-noPMP' lc rgb '#cfe2f3'
unset multiplot
