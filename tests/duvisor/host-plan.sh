#!/bin/sh
# Plan of the modelled host for the duvisor suite: loads the DV-driver, runs
# DuVisor on the same guests and cases as the kvm suite (tests/kvm/host-plan.sh),
# then the DuVisor-only cases: ABI errors, PMC containment and hostile
# DuVisors (with another VM running), preemption and signals, kill mid-run,
# load/use/unload. One "DVTEST: ok|FAIL - what" line per check.
cd /opt/duvisor || exit 1
VMM=bin/duvisor
TOOL=bin/dvtool
KO=bin/duvisor.ko
LIMIT="timeout 180"
G=guests
mode=all
[ -f /etc/dvtest-mode ] && mode=$(cat /etc/dvtest-mode)

t() { # STATUS WHAT
	if [ "$1" = 0 ]; then echo "DVTEST: ok - $2"; else echo "DVTEST: FAIL - $2"; fi
}
show() { sed "s/^/guest| /" "$1"; }
has() { grep -q "$2" "$1"; }
# console_checks: the VMM on a terminal (tests/console/checks.sh)
. bin/console-checks.sh
# placement_checks: --vcpu-cpus, --io-cpus (tests/placement/checks.sh)
. bin/placement-checks.sh
# CmaFree also moves by a few MiB with other movable allocations (tmpfs logs,
# page cache: 2.8 MiB once in 20 loaded runs); a leaked VM is at least its RAM
# (128 MiB by default), so memory checks allow this much (kB).
CMA_SLACK=16384
cmafree() { sed -n 's/^CmaFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
# dvtool's DVT-OK/DVT-FAIL lines as checks
tool() {
	"$TOOL" "$@" >/tmp/tool.log 2>&1
	sed -n -e 's/^DVT-OK: /DVTEST: ok - driver: /p' -e 's/^DVT-FAIL: /DVTEST: FAIL - driver: /p' \
		-e 's/^DVT: /# /p' /tmp/tool.log
}

insmod $KO
t $? "DV-driver loads (insmod)"
dmesg | grep 'duvisor:' | sed 's/^/# /'

# ---- the kvm suite's cases, on DuVisor ----
baremetal() {
	$LIMIT $VMM --kernel $G/selftest.elf --append "badmmio=1 sbi=1 timer=1 exit=5" >/tmp/bm.log 2>&1
	rc=$?
	show /tmp/bm.log
	t "$([ $rc = 5 ] && echo 0)" "bare metal (ELF): exits with its status (5, got $rc)"
	! has /tmp/bm.log "DVTEST: FAIL" && has /tmp/bm.log "DVTEST: ok timer" && has /tmp/bm.log "DVTEST: ok badmmio"
	t $? "bare metal: unmapped MMIO reads as zero, unknown SBI calls answered, timer interrupt arrives"

	$LIMIT $VMM --kernel $G/selftest.elf --disk $G/disk.ext2,ro --append "badvirtio=1" --stats >/tmp/bv.log 2>&1
	rc=$?
	show /tmp/bv.log
	t "$([ $rc = 0 ] && ! has /tmp/bv.log "DVTEST: FAIL" && has /tmp/bv.log "malformed=2" && echo 0)" \
		"malformed virtqueue from a guest: device needs reset, counted, VMM fine (status $rc)"

	$LIMIT $VMM --kernel $G/selftest.elf --append "doorbell=100" --stats >/tmp/db.log 2>&1
	rc=$?
	show /tmp/db.log
	t "$([ $rc = 0 ] && has /tmp/db.log "DVTEST: ok doorbell: 100 of 100" && has /tmp/db.log "irq_raise total=100 " && echo 0)" \
		"external interrupts posted from an I/O thread (hu_vitr): 100 doorbell rings, 100 interrupts taken (status $rc)"

	$LIMIT $VMM --kernel $G/selftest.bin --kernel-format raw --cpus 4 --append "harts=4" >/tmp/bm4.log 2>&1
	rc=$?
	show /tmp/bm4.log
	t "$([ $rc = 0 ] && has /tmp/bm4.log "DVTEST: ok harts: 3 harts ran" && echo 0)" \
		"bare metal (raw), 4 vCPUs: HSM starts harts 1-3, posted IPIs reach hart 0, clean exit (status $rc)"

	# registers across exits: the exit stub's fast path (SBI base) and the C
	# path (DUVISOR_FAST_SBI=0) give the same answers and the same counts
	for fast in 1 0; do
		DUVISOR_FAST_SBI=$fast $VMM --kernel $G/selftest.elf --append "regs=1" --stats \
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

	n=1000
	$LIMIT $VMM --kernel $G/selftest.elf --append "mmio=$n" --stats >/tmp/st.log 2>/tmp/st.err
	rc=$?
	show /tmp/st.log
	sed 's/^/stats| /' /tmp/st.err
	grep -q "^stats: exit_mmio total=$n " /tmp/st.err && grep -q "^stats: exit_mmio_read total=$n " /tmp/st.err &&
		grep -q "^stats: device test@100000 accesses=$n$" /tmp/st.err &&
		grep -q "^stats: duvisor vcpu0 .* hu_exit_mmio=$n " /tmp/st.err
	t $(($? + rc)) "--stats: $n MMIO reads by the guest show $n MMIO exits, all handled in HU"

	$LIMIT $VMM --kernel $G/selftest.elf --append "reset=1" --reboots 2 >/tmp/rs.log 2>&1
	rc=$?
	show /tmp/rs.log
	boots=$(grep -c "DVTEST: selftest on" /tmp/rs.log)
	t "$([ $rc = 0 ] && [ "$boots" = 3 ] && has /tmp/rs.log "guest requested a reset; stopping" && echo 0)" \
		"guest reset: rebooted twice (--reboots 2), then stopped cleanly (boots $boots, status $rc)"

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

err() { # WHAT EXPECTED ARGS...
	what=$1 want=$2
	shift 2
	timeout 60 "$VMM" "$@" >/tmp/err.out 2>/tmp/err.txt </dev/null
	rc=$?
	lines=$(wc -l </tmp/err.txt)
	msg=$(cat /tmp/err.txt)
	if [ $rc != 0 ] && [ "$lines" = 1 ] && grep -qF -- "$want" /tmp/err.txt; then
		echo "DVTEST: ok - error path: $what -> '$msg' (status $rc)"
	else
		echo "DVTEST: FAIL - error path: $what (status $rc, $lines lines: '$msg')"
	fi
}
errors() {
	err "missing kernel" "No such file or directory" --kernel /nonexistent/Image
	err "kernel of the wrong format" "is neither a RISC-V Linux Image nor an ELF" --kernel /init
	err "bad memory size" "--mem" --kernel $G/selftest.elf --mem 12X
	err "memory size out of range" "out of range" --kernel $G/selftest.elf --mem 8M
	err "too many vCPUs" "--cpus must be 1 to 8" --kernel $G/selftest.elf --cpus 9
	err "missing initrd" "initrd '/nonexistent'" --kernel $G/Image --initrd /nonexistent
	err "unknown option" "unknown option" --kernel $G/selftest.elf --frobnicate
	err "RAM not a multiple of 2 MiB" "multiple of 2M" --kernel $G/selftest.elf --mem 17M
	err "more RAM than CMA holds" "contiguous memory" --kernel $G/selftest.elf --mem 4G
	err "more RAM than the DV-driver gives" "out of range (16M to 4G" --kernel $G/selftest.elf --mem 8G
	$VMM --help >/tmp/help.txt
	t "$(grep -q "guest RAM, 16M to 4G" /tmp/help.txt && grep -q "CMA" /tmp/help.txt && echo 0)" \
		"--help states DuVisor's RAM limit: '$(grep -A2 -e '--mem' /tmp/help.txt | tr -s ' ' | tr '\n' ' ')'"
	bad_input
	disk_lock
	mv /dev/duvisor /dev/duvisor.away
	err "no /dev/duvisor" "cannot open /dev/duvisor" --kernel $G/selftest.elf
	mv /dev/duvisor.away /dev/duvisor
}

# Inputs that used to hang or fail late: refused at load with one line.
bad_input() {
	: >/tmp/empty
	head -c 1000000 $G/Image >/tmp/Image.cut
	head -c 5000 $G/selftest.elf >/tmp/selftest.cut
	err "empty kernel" "kernel '/tmp/empty' is empty" --kernel /tmp/empty
	err "empty raw kernel" "kernel '/tmp/empty' is empty" --kernel /tmp/empty --kernel-format raw
	err "truncated Linux Image" "is truncated: 1000000 bytes, its PE/COFF header says $(wc -c <$G/Image)" \
		--kernel /tmp/Image.cut --initrd $G/linux-initramfs.cpio
	err "truncated ELF" "is truncated: 5000 bytes, ELF segment" --kernel /tmp/selftest.cut
	err "empty initrd" "initrd '/tmp/empty' is empty" --kernel $G/Image --initrd /tmp/empty
}

# Disk images are locked as QEMU locks them: a writable one for one VMM alone,
# read-only ones shared. A VMM in the background holds the disk.
hold() { # DISK-ARG: start a VMM on it, wait for its lock
	$VMM --kernel $G/selftest.elf --disk "$1" --append "mmio=4000000000" >/tmp/hold.log 2>&1 </dev/null &
	holder=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q OFDLCK /proc/locks 2>/dev/null; do
		usleep 100000
		i=$((i + 1))
	done
}
disk_lock() {
	cp $G/disk.ext2 /tmp/lock.ext2
	hold /tmp/lock.ext2
	err "a second VMM on a writable disk in use" "disk '/tmp/lock.ext2' is in use by another VMM (it holds it writable)" \
		--kernel $G/selftest.elf --disk /tmp/lock.ext2
	err "a read-only user of a disk in use for writing" "is in use by another VMM (it holds it writable)" \
		--kernel $G/selftest.elf --disk /tmp/lock.ext2,ro
	kill -9 $holder
	wait $holder 2>/dev/null
	$VMM --kernel $G/selftest.elf --disk /tmp/lock.ext2 >/tmp/lk.log 2>&1 </dev/null
	rc=$?
	t "$([ $rc = 0 ] && echo 0)" "disk lock: gone with the VMM that held it (kill -9), the next VMM runs (status $rc)"
	hold /tmp/lock.ext2,ro
	$VMM --kernel $G/selftest.elf --disk /tmp/lock.ext2,ro >/tmp/lk.log 2>&1 </dev/null
	rc=$?
	t "$([ $rc = 0 ] && echo 0)" "disk lock: two VMMs share a read-only disk (status $rc)"
	err "a writer next to a read-only user" "is in use by another VMM (it holds it read-only)" \
		--kernel $G/selftest.elf --disk /tmp/lock.ext2
	kill $holder
	wait $holder 2>/dev/null
	rm -f /tmp/lock.ext2
}

linux() { # VCPUS EXTRA-ARGS APPEND
	n=$1 extra=$2 append=$3 log=/tmp/linux$1.log quiet=quiet
	[ "$n" = 4 ] && quiet=
	start=$(cut -d' ' -f1 /proc/uptime)
	$LIMIT $VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M --cpus "$n" $extra \
		--append "console=ttyS0 $quiet $append" >$log 2>&1 </dev/null
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	show $log
	t "$([ $rc = 0 ] && has $log "DVGUEST: shell up harts=$n" && has $log "DVGUEST: done rc=0 " && echo 0)" \
		"Linux, $n vCPU(s): boots to the shell marker with $n harts and powers off (status $rc, $start-$end s host uptime)"
}
linux_all() {
	linux 1 "--disk $G/disk.ext2,ro --net tap=tap0,host-ip=192.0.2.1/24 --stats" "dvtest.blk dvtest.net"
	has /tmp/linux1.log "DVDISK: hello from virtio-blk" && has /tmp/linux1.log "DVGUEST: blk ok"
	t $? "Linux: reads a file from the virtio-blk disk"
	has /tmp/linux1.log "DVGUEST: net ok"
	t $? "Linux: pings the host (192.0.2.1 on tap0) through virtio-net"
	line=$(grep '^stats: duvisor vcpu0 ' /tmp/linux1.log)
	hu=$(echo "$line" | sed -n 's/.* hu_exits=\([0-9]*\) .*/\1/p')
	irq=$(echo "$line" | sed -n 's/.* irq_exits=\([0-9]*\) .*/\1/p')
	t "$([ "${hu:-0}" -gt 1000 ] && echo 0)" \
		"Linux boot --stats: ${hu:-?} VM exits handled in HU without entering the kernel; ${irq:-?} host interrupts stopped the guest"
	linux 2 "--virtio-console" "console=hvc0"
	has /tmp/linux2.log "DUVISOR-INIT: up harts=2"
	t $? "Linux, 2 vCPUs: init prints through the virtio console (console=hvc0)"
	cp $G/rootfs.ext2 /tmp/rootfs.ext2
	log=/tmp/linuxroot.log
	$LIMIT $VMM --kernel $G/Image --mem 256M --disk /tmp/rootfs.ext2 \
		--append "console=ttyS0 quiet root=/dev/vda rw rootwait init=/init" >$log 2>&1 </dev/null
	rc=$?
	show $log
	t "$([ $rc = 0 ] && has $log "DVGUEST: shell up harts=1" && has $log "DVGUEST: done rc=0 " && echo 0)" \
		"Linux: boots from a virtio-blk root file system without an initramfs (status $rc)"
	log=/tmp/linuxin.log
	# Type once the guest's shell is up (input before its console opens is lost).
	(wait_for $log "DVGUEST: shell up" 120; sleep 1; printf 'echo in-$((6*7))-put\n'; sleep 1; printf 'exit\n') |
		$LIMIT $VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M \
			--append "console=ttyS0 quiet dvtest.shell" >$log 2>&1
	rc=$?
	show $log
	t "$([ $rc = 0 ] && has $log "^in-42-put" && has $log "DVGUEST: done rc=0 " && echo 0)" \
		"Linux: standard input reaches the guest's shell through the UART (status $rc)"
	linux 4 "--disk $G/disk.ext2,ro" "dvtest.blk"
	has /tmp/linux4.log "DVGUEST: blk ok"
	t $? "Linux, 4 vCPUs: reads the virtio-blk disk"
	panic_case
}

# A Linux guest that panics (rdinit= names a file that does not exist, so the
# kernel looks for a root device it has none of) reboots at once with a warm
# reset (panic=-1 reboot=panic_warm in front of its command line): DuVisor
# stops with status 1 instead of running forever.
panic_case() {
	log=/tmp/panic.log
	start=$(cut -d' ' -f1 /proc/uptime)
	$LIMIT $VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M \
		--append "console=ttyS0 quiet rdinit=/nonexistent" >$log 2>/tmp/panic.err </dev/null
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	# The guest's panic is expected: shown so that the host log check
	# (conlog) does not take it for the host's.
	sed -e 's/Kernel panic - not syncing/Kernel panic (provoked) - not syncing/' -e 's/^/guest| /' $log
	sed 's/^/stderr| /' /tmp/panic.err
	t "$([ $rc = 1 ] && has $log "Kernel panic - not syncing" && has /tmp/panic.err "guest kernel panic" &&
		[ "$(wc -l </tmp/panic.err)" = 1 ] && echo 0)" \
		"Linux guest panic (rdinit=/nonexistent): DuVisor stops with status $rc and one line, '$(cat /tmp/panic.err)' ($start-$end s host uptime)"
}

# ---- SBI HSM suspend and WFI wake-up (guests/baremetal/tests/hsm.c) ----
hsm() {
	for n in 1 2 4; do
		log=/tmp/hsm$n.log
		$LIMIT $VMM --kernel $G/hsm.elf --cpus $n --append "harts=$n" --stats >$log 2>&1 </dev/null
		rc=$?
		show $log
		t "$([ $rc = 0 ] && has $log "DVTEST: done, 0 failure" && ! has $log "DVTEST: FAIL" && echo 0)" \
			"HSM suspend, $n vCPU(s): retentive and non-retentive as the SBI spec says, SUSPENDED meanwhile, bad types INVALID_PARAM; a disabled pending interrupt wakes neither WFI nor suspend ($(grep -c 'DVTEST: ok' $log) guest checks, status $rc)"
	done
}

# ---- idle Linux guests (bin/idle-rate: exits per second of the idle window) ----
IDLE_BOUND=100 # exits per second per vCPU
idle() {
	for n in 1 2 4; do
		bin/idle-rate duvisor $VMM $n 10 >/tmp/idle$n.out 2>&1
		rc=$?
		sed 's/^/idle| /' /tmp/idle$n.out
		line=$(grep '^IDLE: ' /tmp/idle$n.out)
		ex=$(echo "$line" | sed -n 's/.* exits_per_s=\([0-9]*\).*/\1/p')
		wfi=$(echo "$line" | sed -n 's/.* wfi_per_s=\([0-9]*\).*/\1/p')
		t "$([ $rc = 0 ] && [ -n "$ex" ] && [ "$ex" -le $((IDLE_BOUND * n)) ] && echo 0)" \
			"idle Linux guest, $n vCPU(s): ${ex:-?} exits/s (${wfi:-?} WFI) over 10 s, at most $IDLE_BOUND per vCPU"
	done
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
	# the cache is off by default (duvisor/driver: pmc_cache); on for these
	echo 1 >/sys/module/duvisor/parameters/pmc_cache
	tool twovm
	echo 0 >/sys/module/duvisor/parameters/pmc_cache
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
	before=$(cmafree)
	# A guest that runs until killed: 2 vCPUs, 256 MiB, an endless MMIO loop.
	$VMM --kernel $G/selftest.elf --mem 256M --cpus 2 \
		--append "harts=2 mmio=4000000000" >/tmp/kill.log 2>&1 &
	pid=$!
	sleep 2
	during=$(cmafree)
	kill -9 $pid
	wait $pid
	rc=$?
	sleep 1
	after=$(cmafree)
	tool expect-idle
	t "$([ $rc = 137 ] && [ $((before - after)) -lt $CMA_SLACK ] && [ $((before - during)) -gt 250000 ] && echo 0)" \
		"kill -9 mid-run (2 vCPUs, 256 MiB): CmaFree ${before} kB before, ${during} kB during, ${after} kB after (status $rc)"
}

reload() {
	before=$(cmafree)
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
	after=$(cmafree)
	t "$([ $ok = 10 ] && [ $((before - after)) -lt $CMA_SLACK ] && echo 0)" \
		"driver load/use/unload x10: $ok clean rounds, CmaFree ${before} kB -> ${after} kB"
	insmod $KO
}

case "$mode" in
all)
	baremetal
	errors
	linux_all
	console_checks
	placement_checks
	hsm
	hostile
	pmc_cache
	signals
	kill_midrun
	reload
	;;
stats)
	baremetal
	hsm
	idle
	;;
esac
dmesg | grep -E 'duvisor|Oops|BUG' | sed 's/^/# dmesg: /' | tail -20
rmmod duvisor
t $? "DV-driver unloads at the end"
exit 0
