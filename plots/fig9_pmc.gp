# Memory bandwidth (the paper's bw_mem figure) per system: PMC on (duvisor)
# and off (duvisor-nopmc), KVM for reference; both profiles.
# data: mem.dat
load 'plots/common.gp'
set title 'Guest memory bandwidth (bytes per 1000 model cycles; MB/s of virtual time in insn)'
set ylabel 'bytes/kcycle'
set yrange [0:*]
plot data.'/mem.dat' using 2:xtic(1) title 'KVM insn' lc rgb '#1f4e9c', \
     '' using 3 title 'DuVisor insn' lc rgb '#6fa8dc', \
     '' using 4 title 'DuVisor no-PMC insn' lc rgb '#cfe2f3', \
     '' using 5 title 'KVM rocket' lc rgb '#a61c00', \
     '' using 6 title 'DuVisor rocket' lc rgb '#ea9999', \
     '' using 7 title 'DuVisor no-PMC rocket' lc rgb '#f4cccc'
