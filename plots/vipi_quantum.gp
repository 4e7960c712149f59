# Virtual IPI one-way latency against the model's round-robin quantum.
load 'plots/common.gp'
set style data linespoints
set title 'Virtual IPI (one way, half a ping-pong) vs the icount round-robin quantum, profile insn'
set xlabel 'quantum (instructions)'
set ylabel 'virtual ns'
set logscale xy
set key top left
plot data.'/vipi_quantum.dat' using 1:2 title 'KVM' lw 2 pt 7 lc rgb '#1f4e9c', \
     '' using 1:3 title 'DuVisor' lw 2 pt 5 lc rgb '#6fa8dc'
