#!/bin/sh
# idle-rate: VM exits per second of an idle Linux guest. Runs in the
# modelled host (busybox sh and awk), installed as bin/idle-rate by the bench
# and test plans.
#
#   idle-rate SYSTEM VMM VCPUS SECS [VMM-ARGS...]
#
# Boots the Linux guest (guests/Image, guests/linux-initramfs.cpio) with
# --stats and dvtest.idle=SECS: after boot the guest's plan sleeps SECS
# seconds (guests/linux/plan.sh), printing "DVGUEST: idle ... from" before
# and "DVGUEST: idle done" after. When the first line reaches the console
# the VMM gets SIGQUIT (it prints its counters so far), and again when the
# second does: the idle window is the time between the two snapshots (the
# host's /proc/uptime: virtual time under icount, docs/methodology.md "Idle
# guests"), its exits the difference of the counters. Counters, summed
# over vCPUs:
#   exits   every exit from the guest: KVM's kvm.exits; DuVisor's
#           hu_exits + irq_exits (delegated exits and host interrupts)
#   wfi     WFI exits: kvm.wfi_exit_stat; DuVisor's hu_exit_wfi
#   sleeps  WFIs that blocked: DuVisor's wfi_sleep; for KVM kvm.halt_wakeup
#           (wake-ups of a vCPU blocked in kvm_vcpu_block)
# Prints the counters at the end of the window ("idle-stats| " lines,
# cumulative since boot: wfi_timer_masked and the like), one "IDLE:
# system=... vcpus=N secs=S window=W exits=... wfi=... sleeps=...
# exits_per_s=... wfi_per_s=... sleeps_per_s=..." line and three DVRESULT
# rows (benchmark idle, phase total, parameter exits|wfi|sleeps, unit 1/s,
# iterations = SECS). Exit status 1 (and no row) if the run failed.
[ $# -ge 4 ] || { echo "usage: idle-rate SYSTEM VMM VCPUS SECS [VMM-ARGS...]" >&2; exit 2; }
sys=$1 vmm=$2 n=$3 secs=$4
shift 4
G=${IDLE_GUESTS:-/opt/duvisor/guests}
RAM=${IDLE_RAM:-128}
PROFILE=${PROFILE:-insn}
con=/tmp/idle-console.log err=/tmp/idle-stats.log

up() { cut -d' ' -f1 /proc/uptime; }
fail() {
	echo "IDLE-FAIL: $sys $n vCPU(s), idle $secs s: $*"
	sed 's/^/idle| /' $con $err | tail -30
	kill -9 "$pid" 2>/dev/null
	exit 1
}
# snapshot K: the K-th "stats: backend" block of $err -> "exits wfi sleeps"
counters() {
	awk -v k="$1" '
	/^stats: backend / { blk++ }
	blk != k { next }
	/^stats: duvisor vcpu[0-9]+ / {
		for (i = 4; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "hu_exits" || kv[1] == "irq_exits") ex += kv[2]
			else if (kv[1] == "hu_exit_wfi") wfi += kv[2]
			else if (kv[1] == "wfi_sleep") sl += kv[2]
		}
	}
	$1 == "stats:" && $3 ~ /^total=/ {
		split($3, kv, "=")
		if ($2 == "kvm.exits") ex = kv[2]
		else if ($2 == "kvm.wfi_exit_stat") wfi = kv[2]
		else if ($2 == "kvm.halt_wakeup") sl = kv[2]
	}
	END { printf "%d %d %d\n", ex, wfi, sl }' $err
}
# wait_for PATTERN FILE TIMEOUT-S: poll (50 ms), 0 when it appears
wait_for() {
	i=0
	while ! grep -q "$1" "$2"; do
		kill -0 "$pid" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -le $(($3 * 20)) ] || return 1
		usleep 50000
	done
}
# snap K: SIGQUIT, then wait for the K-th block to be complete
snap() {
	kill -QUIT "$pid"
	i=0
	while [ "$(grep -c '^stats: backend ' $err)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -le 200 ] || return 1
		usleep 50000
	done
	usleep 50000 # the rest of the block
}

$vmm --kernel "$G/Image" --initrd "$G/linux-initramfs.cpio" --mem "${RAM}M" --cpus "$n" \
	--stats "$@" --append "console=ttyS0 quiet dvtest.idle=$secs" >$con 2>$err </dev/null &
pid=$!
wait_for "DVGUEST: idle .* from" $con 300 || fail "the guest did not reach its idle step"
t0=$(up)
snap 1 || fail "no counters on SIGQUIT (--stats)"
wait_for "DVGUEST: idle done" $con $((secs * 10 + 300)) || fail "the guest did not finish idling"
t1=$(up)
snap 2 || fail "no counters on the second SIGQUIT"
wait "$pid"
rc=$?
[ $rc = 0 ] && grep -q "DVGUEST: done rc=0" $con || fail "status $rc"
# The counters at the end of the window, in full (KVM: halt polling too).
awk '/^stats: backend /{b++} b == 2' $err | sed 's/^/idle-stats| /'
echo "$(counters 1) $(counters 2)" | awk -v sys="$sys" -v n="$n" -v secs="$secs" -v t0="$t0" -v t1="$t1" \
	-v prof="$PROFILE" '{
	w = t1 - t0
	if (w <= 0) w = 0.01
	ex = $4 - $1; wfi = $5 - $2; sl = $6 - $3
	printf "IDLE: system=%s vcpus=%d secs=%d window=%.2f exits=%d wfi=%d sleeps=%d", sys, n, secs, w, ex, wfi, sl
	printf " exits_per_s=%.0f wfi_per_s=%.0f sleeps_per_s=%.0f boot_exits=%d\n", ex / w, wfi / w, sl / w, $1
	printf "DVRESULT,%s,idle,total,exits,%s,%d,1,%.0f,1/s\n", sys, prof, secs, ex / w
	printf "DVRESULT,%s,idle,total,wfi,%s,%d,1,%.0f,1/s\n", sys, prof, secs, wfi / w
	printf "DVRESULT,%s,idle,total,sleeps,%s,%d,1,%.0f,1/s\n", sys, prof, secs, sl / w
}'
