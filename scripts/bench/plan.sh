#!/bin/sh
# Benchmark plan, run by the modelled host's init as /plan (see scripts/bench/run).
# Reads /opt/duvisor/bench.conf:
#   SYSTEM   system name for the result rows (kvm, duvisor, duvisor-nopmc)
#   VMM      the VMM binary in the host;  VMM_ARGS  extra VMM options
#   SETUP    shell commands run once before the first VMM run (e.g. insmod)
#   BENCHES  microbenchmark entries, one VMM run each
#   ARGS     guest boot arguments common to every run (iters= reps= ...)
#   RING     1: also run bin/ring (host syscall/ioctl round trips), RING_ITERS RING_REPS,
#            RING_SET kvm (syscall, /dev/kvm ioctl) or duvisor (DV-driver ioctl)
#   RAM      guest RAM in MiB;  PROFILE QUANTUM HARTS DVEXT  what host-run was given
#   IDLE_VCPUS IDLE_SECS  for the benchmark "idle": an idle Linux guest with each
#            vCPU count, measured by bin/idle-rate (scripts/bench/idle-rate.sh)
#   VCPU_CPUS1 VCPU_CPUS2 IO_CPUS  thread placement of the microbenchmark runs:
#            --vcpu-cpus for 1- and 2-vCPU guests, --io-cpus (empty: none)
#   IRQ_CPUS host device interrupts steered there first (bin/irq-steer; empty: left)
#   VEXT_ARGS VMM options of the vext runs (kvm-opt: --vpost, user-level posting)
#   DVSWITCH 1: also run bin/dvswitch (a DuVisor thread switch on one hart),
#            DVSWITCH_ROUNDS DVSWITCH_REPS
# Prints DVBENCH-CONTEXT/-RUN/-END around each run and the VMM's --stats
# (bench-collect reads them); exits with the number of failed runs.
. /opt/duvisor/bench.conf || exit 100
cd /opt/duvisor || exit 100
echo "DVBENCH-CONTEXT: profile=$PROFILE quantum=$QUANTUM kick=${KICK:-off} harts=$HARTS dvext=$DVEXT system=$SYSTEM"
if [ -n "$SETUP" ]; then
	sh -c "$SETUP" || { echo "DVBENCH-SETUP: failed: $SETUP"; exit 101; }
fi
failed=0
if [ -n "${IRQ_CPUS:-}" ]; then
	bin/irq-steer "$IRQ_CPUS" || failed=$((failed + 1))
fi
if [ "$RING" = 1 ] && [ -x bin/ring ]; then
	echo "DVBENCH-RUN: system=host bench=ring cpus=0"
	bin/ring "$RING_ITERS" "$RING_REPS" "$PROFILE" "${RING_SET:-kvm}"
	rc=$?
	echo "DVBENCH-END: system=host bench=ring rc=$rc"
	[ $rc = 0 ] || failed=$((failed + 1))
fi
if [ "${DVSWITCH:-0}" = 1 ] && [ -x bin/dvswitch ]; then
	echo "DVBENCH-RUN: system=host bench=dv-switch cpus=0"
	# two VMs of RAM/2 each: the CMA area is sized for one of RAM (run: sys_append)
	bin/dvswitch "$DVSWITCH_ROUNDS" "$DVSWITCH_REPS" "$PROFILE" $((RAM / 2))
	rc=$?
	echo "DVBENCH-END: system=host bench=dv-switch rc=$rc"
	[ $rc = 0 ] || failed=$((failed + 1))
fi
# vipi-vpost (the guest posts its IPIs from V mode) runs wherever vipi does
# (not in a traced boot: one VMM run per trace, VPOST_WITH_VIPI=0);
# the VMM gets --vpost if it has it, else the guest reports "not supported"
# and gives no row.
benches=
for b in $BENCHES; do
	benches="$benches $b"
	[ "$b" = vipi ] && [ "${VPOST_WITH_VIPI:-1}" = 1 ] && benches="$benches vipi-vpost"
done
for b in $benches; do
	if [ "$b" = idle ]; then
		for n in $IDLE_VCPUS; do
			echo "DVBENCH-RUN: system=$SYSTEM bench=idle cpus=$n"
			t0=$(cut -d' ' -f1 /proc/uptime)
			PROFILE=$PROFILE IDLE_RAM=$IDLE_RAM bin/idle-rate "$SYSTEM" "$VMM" "$n" "$IDLE_SECS" $VMM_ARGS
			rc=$?
			t1=$(cut -d' ' -f1 /proc/uptime)
			echo "DVBENCH-END: system=$SYSTEM bench=idle rc=$rc uptime=$t0-$t1"
			[ $rc = 0 ] || failed=$((failed + 1))
		done
		continue
	fi
	cpus=1 extra=
	case $b in vipi | vipi-vpost) cpus=2 ;; esac
	[ "$b" = vipi-vpost ] && $VMM --help 2>/dev/null | grep -q -- '--vpost' && extra=--vpost
	[ "$b" = vext ] && extra=${VEXT_ARGS:-}
	place=
	if [ -n "${IO_CPUS:-}" ]; then
		[ $cpus = 1 ] && place="--vcpu-cpus $VCPU_CPUS1 --io-cpus $IO_CPUS"
		[ $cpus = 2 ] && place="--vcpu-cpus $VCPU_CPUS2 --io-cpus $IO_CPUS"
	fi
	echo "DVBENCH-RUN: system=$SYSTEM bench=$b cpus=$cpus"
	echo "DVBENCH-PLACE: system=$SYSTEM bench=$b ${place:-none}"
	t0=$(cut -d' ' -f1 /proc/uptime)
	$VMM $VMM_ARGS $place $extra --kernel guests/microbench.elf --mem "${RAM}M" --cpus $cpus --stats \
		--console none --append "bench=$b ram=$RAM profile=$PROFILE $ARGS" >/tmp/run.log 2>&1 </dev/null
	rc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	cat /tmp/run.log
	echo "DVBENCH-END: system=$SYSTEM bench=$b rc=$rc uptime=$t0-$t1"
	[ $rc = 0 ] || failed=$((failed + 1))
done
exit $failed
