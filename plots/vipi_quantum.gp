# Virtual IPI one-way latency (post to handler) against the model's round-robin quantum.
load 'plots/common.gp'
set style data linespoints
set title "Virtual IPI (post to handler, one way) vs the icount round-robin quantum, profile insn, kick on\nsolid: one-way in the shared clock (ns); dashed: per-hart path, sender post-to-raise + receiver pend-to-handler (cycles)"
set xlabel 'quantum (instructions)'
set ylabel 'virtual ns / cycles (insn: 1 per instruction)'
set logscale xy
set key top left
plot data.'/vipi_quantum.dat' using 1:2 title 'KVM (SBI)' lw 2 pt 7 lc rgb '#1f4e9c', \
     '' using 1:3 title 'DuVisor (hu_vitr)' noenhanced lw 2 pt 5 lc rgb '#6fa8dc', \
     '' using 1:4 title 'DuVisor (SBI)' lw 2 pt 9 lc rgb '#9e9e9e', \
     '' using 1:5 title 'KVM (SBI), path' lw 2 dt 2 pt 6 lc rgb '#1f4e9c', \
     '' using 1:6 title 'DuVisor (hu_vitr), path' noenhanced lw 2 dt 2 pt 4 lc rgb '#6fa8dc', \
     '' using 1:7 title 'DuVisor (SBI), path' lw 2 dt 2 pt 8 lc rgb '#9e9e9e'
