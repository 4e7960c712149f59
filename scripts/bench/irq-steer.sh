#!/bin/sh
# irq-steer CPULIST: steer the modelled host's device interrupts to CPULIST
# (like 0 or 0,2-3), away from the harts that run vCPU threads (Fig. 3 of
# the paper: vCPU harts take only their timer). Writes every
# /proc/irq/N/smp_affinity_list; per-CPU interrupts (the timer, IPIs) refuse
# and stay where they are. One line per IRQ, then a summary line:
#   DVBENCH-IRQ: steered=N fixed=M to=CPULIST
# Exit status 0 (1 for a usage error). Runs in the host (busybox sh).
[ $# = 1 ] && [ -n "$1" ] || { echo "usage: irq-steer CPULIST" >&2; exit 1; }
steered=0 fixed=0
for d in /proc/irq/[0-9]*; do
	[ -e "$d/smp_affinity_list" ] || continue
	n=${d##*/}
	name=$(grep "^ *$n:" /proc/interrupts | awk '{print $NF}')
	if echo "$1" >"$d/smp_affinity_list" 2>/dev/null; then
		steered=$((steered + 1))
		echo "# irq $n (${name:-?}): CPUs $(cat "$d/smp_affinity_list")"
	else
		fixed=$((fixed + 1))
		echo "# irq $n (${name:-?}): stays on CPUs $(cat "$d/smp_affinity_list")"
	fi
done
echo "DVBENCH-IRQ: steered=$steered fixed=$fixed to=$1"
exit 0
