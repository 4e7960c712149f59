# Fig. 9a: Memcached with 4 vCPUs against guest memory size, KVM vs DuVisor
# (ops/s of model time), beside the artifact's rerun (FireSim; the paper's
# values were not recovered). Written by scripts/bench/apps-plot.
# data: fig9a_memcached.dat
load 'plots/common.gp'
set multiplot layout 1,2 title "Memcached, 4 vCPUs, against guest memory (Fig. 9a); '?' = no run. Ours: 1792 MiB, not 2048: DuVisor's guest RAM is one CMA block below 4 GiB physical, at most about 1.85 GiB here"
set ylabel 'ops/s'
set xlabel 'guest memory (MiB)'
set yrange [0:*]
set key top right
set title 'ours: memcached + mcload on the model (icount)'
plot data.'/fig9a_memcached.dat' using 2:xtic(1) title 'KVM (dv-kvm)' lc rgb '#1f4e9c', \
     '' using 3 title 'DuVisor' lc rgb '#a61c00'
set title "the artifact's rerun (FireSim, memtier; not the paper)"
plot data.'/fig9a_memcached.dat' using 4:xtic(1) title 'KVM' lc rgb '#cfe2f3', \
     '' using 5 title 'DuVisor' lc rgb '#f4cccc'
unset multiplot
