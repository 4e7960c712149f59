# OSDI'23 Fig. 6 (a)-(c) as stacked phases: the paper's bars (FireSim Rocket
# cycles; hypercall from the AE data, the others pixel estimates) beside ours
# (median cycles per exit from the model's transition trace, bench-phases;
# docs/methodology.md defines our phases). The vocabularies differ: the paper
# split its handlers by instrumenting them, we split only at mode changes.
load 'plots/common.gp'
if (kind eq 'pdf') { set terminal pdfcairo enhanced font 'Sans,8' size 10in,4in } else { set terminal pngcairo enhanced font 'Sans,10' size 1700,720 }
set output out
set style histogram rowstacked gap 1
set style fill solid 0.9 border -1
set boxwidth 0.75
set key outside bottom center horizontal maxrows 2
set xtics rotate by 0 font ',8'
set ylabel 'cycles per operation'
set bmargin 4
set yrange [0:*]
set multiplot layout 1,3 title "Phases of hypervisor primitives: paper (OSDI'23 Fig. 6) beside ours (model trace, profiles insn and rocket)"
cols = 'exit entry entry-exit handling kernel firmware transfer getpage mapping metadata decode other'
titles = "exit entry entry/exit handling kernel\\n(exit+handling+entry) firmware transfer getpage mapping metadata decode other"
colors = '#1f4e9c #a61c00 #6a1b9a #6fa8dc #f1c232 #999999 #e69138 #38761d #93c47d #b6d7a8 #c27ba0 #cccccc'
panel(i) = i == 0 ? '(a) null hypercall' : i == 1 ? '(b) stage-2 page fault' : '(c) MMIO read'
do for [i=0:2] {
	set title panel(i)
	if (i < 2) { set key off } else { set key outside right top vertical maxrows 12 font ',8' }
	plot for [j=1:12] data.'/fig6_phases.dat' index i using (column(j+1)):xtic(1) \
		title word(cols, j) lc rgb word(colors, j)
}
unset multiplot
