#!/bin/sh
# Plan of the modelled host for the duvisor suite: loads the DV-driver, runs
# DuVisor on the shared guest cases (tests/guest-cases.sh, the same list the
# kvm suite runs), then the DuVisor-only cases: ABI errors, PMC containment
# and hostile DuVisors (with another VM running), preemption and signals,
# kill mid-run, load/use/unload. One "DVTEST: ok|FAIL - what" line per check.
cd /opt/duvisor || exit 1
# Address-space randomisation off, as for measurements (icount runs repeat).
echo 0 >/proc/sys/kernel/randomize_va_space
VMM=bin/duvisor
BACKEND=duvisor
TAG=DVTEST
BM_CPUS=4
HSM_ARGS=
HSM_WHAT="retentive and non-retentive as the SBI spec says, SUSPENDED meanwhile, bad types INVALID_PARAM; a disabled pending interrupt wakes neither WFI nor suspend"
IDLE_VCPUS="1 2 4"
TOOL=bin/dvtool
KO=bin/duvisor.ko
# What to run: all (the suite boots it without icount), icount, baremetal.
mode=all
[ -f /etc/dvtest-mode ] && mode=$(cat /etc/dvtest-mode)
# The idle rates need the model's virtual time.
ICOUNT=1
[ -f /etc/dvtest-noicount ] && ICOUNT=0
. bin/guest-cases.sh
# kB the CMA allocator has handed out (CONFIG_CMA_DEBUGFS; pages of 4 kB), or
# -1. Exact, so memory checks want it back to the byte: CmaFree also moves by
# a few MiB with movable pages the kernel keeps in CMA (tmpfs logs, page cache).
cmaused() { cat /sys/kernel/debug/cma/*/used 2>/dev/null | awk '{s += $1} END {print NR ? s * 4 : -1}'; }
# dvtool's DVT-OK/DVT-FAIL lines as checks
tool() {
	"$TOOL" "$@" >/tmp/tool.log 2>&1
	sed -n -e 's/^DVT-OK: /DVTEST: ok - driver: /p' -e 's/^DVT-FAIL: /DVTEST: FAIL - driver: /p' \
		-e 's/^DVT: /# /p' /tmp/tool.log
}

insmod $KO
t $? "DV-driver loads (insmod)"
dmesg | grep 'duvisor:' | sed 's/^/# /'

backend_baremetal() {
	# registers across exits: the exit stub's fast path (SBI base) and the C
	# path (DUVISOR_FAST_SBI=0) give the same answers and the same counts
	for fast in 1 0; do
		DUVISOR_FAST_SBI=$fast $LIMIT $VMM --kernel $G/selftest.elf --append "regs=1" --stats \
			>/tmp/rg$fast.log 2>/tmp/rg$fast.err
		echo $? >/tmp/rg$fast.rc
		show /tmp/rg$fast.log
	done
	for fast in 1 0; do
		rc=$(cat /tmp/rg$fast.rc)
		t "$([ "$rc" = 0 ] && ! has /tmp/rg$fast.log "DVTEST: FAIL" && [ "$(grep -c 'DVTEST: ok regs:' /tmp/rg$fast.log)" = 8 ] && echo 0)" \
			"registers across exits (DUVISOR_FAST_SBI=$fast): SBI base answers, s-registers to and from devices, everything else kept (status $rc)"
	done
	grep '^stats: \(exit_sbi\|sbi_base\|exit_mmio\) ' /tmp/rg1.err >/tmp/rg1.cnt
	grep '^stats: \(exit_sbi\|sbi_base\|exit_mmio\) ' /tmp/rg0.err >/tmp/rg0.cnt
	sed -n 's/.* hu_exit_ecall=\([0-9]*\) .*/hu_exit_ecall \1/p' /tmp/rg1.err >>/tmp/rg1.cnt
	sed -n 's/.* hu_exit_ecall=\([0-9]*\) .*/hu_exit_ecall \1/p' /tmp/rg0.err >>/tmp/rg0.cnt
	sed 's/^/counts| /' /tmp/rg1.cnt
	t "$([ "$(wc -l </tmp/rg1.cnt)" = 4 ] && cmp -s /tmp/rg1.cnt /tmp/rg0.cnt && echo 0)" \
		"the exit stub's SBI fast path counts what the C path counts (exit_sbi, sbi_base, exit_mmio, hu_exit_ecall)"

	# What vanilla KVM stops the VM for (tests/kvm/host-plan.sh, kvm_stop):
	# on DuVisor the guest gets the architectural exception.
	$LIMIT $VMM --kernel $G/selftest.elf --append "illegal=1 misaligned=1 fetchmmio=1" --stats \
		>/tmp/arch.log 2>&1 </dev/null
	rc=$?
	show /tmp/arch.log
	has /tmp/arch.log "DVTEST: ok illegal: the guest's handler got cause 2 at "
	t "$([ $? = 0 ] && [ $rc = 0 ] && echo 0)" \
		"illegal instruction: the guest's own handler gets cause 2 at its pc (delegated), the VM runs on (status $rc)"
	has /tmp/arch.log "DVTEST: ok misaligned: load: the guest's handler got cause 4" &&
		has /tmp/arch.log "DVTEST: ok misaligned: store: the guest's handler got cause 6" &&
		grep -q "^stats: duvisor vcpu0 .* mmio_misaligned=2 " /tmp/arch.log
	t $? "misaligned MMIO load and store: address-misaligned exceptions (cause 4, 6) with stval = the address, counted (mmio_misaligned=2)"
	has /tmp/arch.log "DVTEST: ok fetchmmio: the guest's handler got cause 1 at 0x100000"
	t $? "instruction fetch from a device: instruction access fault (cause 1) at its address"
}

backend_errors() {
	err "RAM not a multiple of 2 MiB" "multiple of 2M" --kernel $G/selftest.elf --mem 17M
	err "more RAM than CMA holds" "contiguous memory" --kernel $G/selftest.elf --mem 4G
	err "more RAM than the DV-driver gives" "out of range (16M to 4G" --kernel $G/selftest.elf --mem 8G
	$VMM --help >/tmp/help.txt
	t "$(grep -q "guest RAM, 16M to 4G" /tmp/help.txt && grep -q "CMA" /tmp/help.txt && echo 0)" \
		"--help states DuVisor's RAM limit: '$(grep -A2 -e '--mem' /tmp/help.txt | tr -s ' ' | tr '\n' ' ')'"
	mv /dev/duvisor /dev/duvisor.away
	err "no /dev/duvisor" "cannot open /dev/duvisor" --kernel $G/selftest.elf
	mv /dev/duvisor.away /dev/duvisor
}

backend_linux1() {
	line=$(grep '^stats: duvisor vcpu0 ' /tmp/linux1.log)
	hu=$(echo "$line" | sed -n 's/.* hu_exits=\([0-9]*\) .*/\1/p')
	irq=$(echo "$line" | sed -n 's/.* irq_exits=\([0-9]*\) .*/\1/p')
	t "$([ "${hu:-0}" -gt 1000 ] && echo 0)" \
		"Linux boot --stats: ${hu:-?} VM exits handled in HU without entering the kernel; ${irq:-?} host interrupts stopped the guest"
}

idle_check() { # VCPUS EXITS/S WFI/S SECS RC
	n=$1 ex=$2 wfi=$3 secs=$4 rc=$5
	t "$([ $rc = 0 ] && [ -n "$ex" ] && [ "$ex" -le $((IDLE_BOUND * n)) ] && echo 0)" \
		"idle Linux guest, $n vCPU(s): ${ex:-?} exits/s (${wfi:-?} WFI) over $secs s, at most $IDLE_BOUND per vCPU"
}

backend_all() {
	hostile
	pmc_cache
	signals
	kill_midrun
	reload
}

# ---- DuVisor only ----
hostile() {
	tool errors
	# Another VM keeps running while hostile DuVisors are stopped.
	$VMM --kernel $G/selftest.elf --append "mmio=20000 timer=1" >/tmp/bystander.log 2>&1 &
	by=$!
	tool hostile
	wait $by
	rc=$?
	show /tmp/bystander.log
	t "$([ $rc = 0 ] && ! has /tmp/bystander.log "DVTEST: FAIL" && has /tmp/bystander.log "DVTEST: ok mmio" && echo 0)" \
		"another VM ran on during the hostile tests and finished correctly (status $rc)"
	dmesg | grep -E 'unhandled signal' | sed 's/^/# /'
}

# The per-hart PMC cache (duvisor/driver, docs/dv-ext.md "PMC ranges across
# switches"): two VMs on one hart, each reading only its own RAM, and a
# hostile third stopped (dvtool twovm); the switch counters (dvswitch).
pmc_cache() {
	# the cache is on by default (duvisor/driver: pmc_cache); set for these,
	# the default again afterwards (dvswitch restores what it found)
	c=/sys/module/duvisor/parameters/pmc_cache
	t "$([ "$(cat $c)" = Y ] && echo 0)" "PMC cache: on by default (pmc_cache=$(cat $c))"
	echo 1 >$c
	tool twovm
	bin/dvswitch 100 1 test 4 >/tmp/sw.log 2>&1
	rc=$?
	sed 's/^/# /' /tmp/sw.log
	sw() { grep "^DVSWITCH: $1 cache=$2 " /tmp/sw.log | head -1; }
	val() { echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"; }
	s=$(sw same-vm 1) o=$(sw other-vm 1) s0=$(sw same-vm 0)
	si=$(val "$s" sched_in) sset=$(val "$s" pmc_set) sskip=$(val "$s" pmc_skip)
	oi=$(val "$o" sched_in) oset=$(val "$o" pmc_set) oskip=$(val "$o" pmc_skip)
	zi=$(val "$s0" sched_in) zset=$(val "$s0" pmc_set) zo=$(val "$s0" sched_out) zclr=$(val "$s0" pmc_clear)
	# same VM: at most the first switch-in (and one after an interloper) loads
	t "$([ $rc = 0 ] && [ "${si:-0}" -ge 150 ] && [ $((sset * 20)) -le "$si" ] && [ $((sset + sskip)) = "$si" ] && echo 0)" \
		"PMC cache: switch-ins between two threads of one VM on one hart make no firmware call (${sset:-?} loads, ${sskip:-?} skipped of ${si:-?} switch-ins)"
	t "$([ $rc = 0 ] && [ "${oi:-0}" -ge 150 ] && [ "$oskip" = 0 ] && [ "$oset" = "$oi" ] && echo 0)" \
		"PMC cache: every switch-in between two VMs on one hart reloads the ranges with one call (${oset:-?} loads, ${oskip:-?} skipped of ${oi:-?} switch-ins)"
	t "$([ $rc = 0 ] && [ "${zi:-0}" -ge 150 ] && [ "$zset" -gt "$zi" ] && [ "$zclr" = "$zo" ] && echo 0)" \
		"PMC cache off (pmc_cache=0): a CLEAR_ALL and a SET per range at every switch-in, a CLEAR_ALL at every switch-out (${zset:-?} calls for ${zi:-?} switch-ins, ${zclr:-?} clears for ${zo:-?} switch-outs)"
}

signals() {
	# Two vCPU threads on one hart, a stream of preemptions, stops and handled signals.
	taskset -c 0 $VMM --kernel $G/selftest.elf --cpus 2 \
		--append "harts=2 mmio=30000 timer=1 sbi=1" >/tmp/sig.log 2>&1 &
	pid=$!
	sleep 1
	$TOOL tkill $pid 10 200 2000 &
	tk=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -STOP $pid
		usleep 20000
		kill -CONT $pid
		usleep 50000
	done
	wait $tk
	wait $pid
	rc=$?
	show /tmp/sig.log
	t "$([ $rc = 0 ] && ! has /tmp/sig.log "DVTEST: FAIL" && has /tmp/sig.log "DVTEST: ok mmio: 30000" && has /tmp/sig.log "DVTEST: ok harts: 1 harts ran" && echo 0)" \
		"2 vCPU threads pinned to one hart, 10 SIGSTOP/SIGCONT, 200 signal handlers per thread: guest correct (status $rc)"
}

kill_midrun() {
	before=$(cmaused)
	# A guest that runs until killed: 2 vCPUs, 256 MiB, an endless MMIO loop.
	$VMM --kernel $G/selftest.elf --mem 256M --cpus 2 \
		--append "harts=2 mmio=4000000000" >/tmp/kill.log 2>&1 &
	pid=$!
	sleep 2
	during=$(cmaused)
	kill -9 $pid
	wait $pid
	rc=$?
	sleep 1
	tool expect-idle
	after=$(cmaused)
	t "$([ $rc = 137 ] && [ "$before" -ge 0 ] && [ "$after" = "$before" ] && [ $((during - before)) -ge 262144 ] && echo 0)" \
		"kill -9 mid-run (2 vCPUs, 256 MiB): ${before} kB allocated from CMA before, ${during} kB during, ${after} kB after (status $rc)"
}

reload() {
	before=$(cmaused)
	ok=0
	i=0
	rmmod duvisor || echo "# rmmod before the loop failed"
	while [ $i -lt 10 ]; do
		i=$((i + 1))
		insmod $KO || continue
		$VMM --kernel $G/selftest.elf --cpus 2 --append "harts=2 mmio=100" >/tmp/rl.log 2>&1
		rc=$?
		# A VM or thread left behind pins the module: rmmod would fail.
		rmmod duvisor && [ $rc = 0 ] && ok=$((ok + 1))
	done
	after=$(cmaused)
	t "$([ $ok = 10 ] && [ "$before" -ge 0 ] && [ "$after" = "$before" ] && echo 0)" \
		"driver load/use/unload x10: $ok clean rounds, CMA allocated ${before} kB -> ${after} kB"
	insmod $KO
}

run_mode "$mode"
dmesg | grep -E 'duvisor|Oops|BUG' | sed 's/^/# dmesg: /' | tail -20
rmmod duvisor
t $? "DV-driver unloads at the end"
exit 0
