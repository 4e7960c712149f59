# data: pmc_sweep.dat
# PMC-check penalty sweep (x-dvext-pmc-cost, cycles per TLB fill; DuVisor,
# profile insn) beside the paper's bw_mem result (AE rerun of fig10b: MB/s
# with and without PMP; the paper itself only says "no impact").
load 'plots/common.gp'
ctl = data.'/pmc_control.dat'
hasctl = system("grep -vc '^#' ".ctl." 2>/dev/null") + 0
set multiplot layout 1,3 title 'PMC cost: our sweep of the model penalty (DuVisor, insn) and the paper artifact''s bw\_mem (PMP on/off)'
set style data linespoints
set key bottom left
set xlabel 'PMC-check penalty (cycles per TLB fill)'
set title 'guest memory bandwidth (ours)'
set ylabel 'bytes per 1000 cycles'
set yrange [0:*]
if (hasctl) {
plot data.'/pmc_sweep.dat' using 1:2 title 'rd' lw 2 pt 7 lc rgb '#1f4e9c', \
     '' using 1:3 title 'wr' lw 2 pt 5 lc rgb '#a61c00', \
     '' using 1:4 title 'cp' lw 2 pt 9 lc rgb '#38761d', \
     ctl using 1:2 title 'rd, no PMC (pmc=0)' with points pt 6 ps 2 lc rgb '#1f4e9c', \
     ctl using 1:3 title 'wr, no PMC' with points pt 4 ps 2 lc rgb '#a61c00', \
     ctl using 1:4 title 'cp, no PMC' with points pt 8 ps 2 lc rgb '#38761d'
} else {
plot data.'/pmc_sweep.dat' using 1:2 title 'rd' lw 2 pt 7 lc rgb '#1f4e9c', \
     '' using 1:3 title 'wr' lw 2 pt 5 lc rgb '#a61c00', \
     '' using 1:4 title 'cp' lw 2 pt 9 lc rgb '#38761d'
}
set title 'page-stride load latency (ours)'
set ylabel 'cycles per load'
if (hasctl) {
plot data.'/pmc_sweep.dat' using 1:5 title 'mem-lat' lw 2 pt 7 lc rgb '#6a1b9a', \
     ctl using 1:5 title 'no PMC (pmc=0)' with points pt 6 ps 2 lc rgb '#6a1b9a'
} else {
plot data.'/pmc_sweep.dat' using 1:5 title 'mem-lat' lw 2 pt 7 lc rgb '#6a1b9a'
}
set style data histogram
set style histogram clustered gap 1
set xlabel ''
set key top right
set title 'paper artifact bw\_mem (AE rerun, MB/s)'
set ylabel 'MB/s'
plot data.'/paper_bwmem.dat' using 2:xtic(1) title 'DuVisor (PMP)' lc rgb '#9e9e9e', \
     '' using 3 title 'DuVisor no-PMP' lc rgb '#e0e0e0'
unset multiplot
