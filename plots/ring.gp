# Ring crossings in the modelled host: a host syscall and ioctl, a KVM exit
# kept in the kernel, a KVM exit to the user VMM, DuVisor's HU exit + HURET.
load 'plots/common.gp'
set title 'Ring crossings in the modelled host (round trip, model cycles)'
set ylabel 'cycles'
set yrange [0:*]
set xtics rotate by -15
plot data.'/ring.dat' using 2:xtic(1) title 'insn' lc rgb '#1f4e9c', \
     '' using 3 title 'rocket' lc rgb '#a61c00'
