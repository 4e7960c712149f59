# Virtual IPI one-way latency (post to handler) against the model's round-robin quantum.
load 'plots/common.gp'
set style data linespoints
set title 'Virtual IPI (post to handler, one way) vs the icount round-robin quantum, profile insn, kick on'
set xlabel 'quantum (instructions)'
set ylabel 'virtual ns'
set logscale xy
set key top left
plot data.'/vipi_quantum.dat' using 1:2 title 'KVM (SBI)' lw 2 pt 7 lc rgb '#1f4e9c', \
     '' using 1:3 title 'DuVisor (hu_vitr)' lw 2 pt 5 lc rgb '#6fa8dc', \
     '' using 1:4 title 'DuVisor (SBI)' lw 2 pt 9 lc rgb '#9e9e9e'
