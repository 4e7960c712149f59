# Fig. 7: application overhead normalised to native (100% = native; higher
# is slower), 1/2/4 vCPUs, ours (KVM, KVM-OPT, DuVisor) beside the paper's
# (KVM-OPT, DuVisor). Written by scripts/bench/apps-plot from results/apps.csv.
# data: fig7_apps.dat
load 'plots/common.gp'
set title "Application overhead normalised to native (Fig. 7): ours on the model (icount) beside the paper's; '?' = no run"
set ylabel 'percent of native (higher = slower)'
set yrange [0:*]
set xtics rotate by -30
set key top right
set rmargin 10
set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 2 lc rgb '#555555'
plot data.'/fig7_apps.dat' using 2:xtic(1) title 'paper KVM-OPT' lc rgb '#cfe2f3', \
     '' using 3 title 'paper DuVisor' lc rgb '#f4cccc', \
     '' using 4 title 'ours KVM (dv-kvm)' lc rgb '#1f4e9c', \
     '' using 6 title 'ours KVM-OPT (kvm-opt)' lc rgb '#6fa8dc', \
     '' using 5 title 'ours DuVisor' lc rgb '#a61c00'
