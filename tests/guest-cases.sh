# The guest cases both VMMs run, and the list of what each mode of a boot
# runs: one case list with the VMM as a parameter (as kvm-unit-tests'
# unittests.cfg), the backends' own cases apart. Sourced inside the modelled
# host by tests/kvm/host-plan.sh and tests/duvisor/host-plan.sh, which set
#   VMM       the VMM binary (bin/dv-kvm, bin/duvisor)
#   BACKEND   kvm | duvisor
#   TAG       the check lines' prefix (KVMTEST, DVTEST)
#   BM_CPUS   vCPUs of the raw bare-metal HSM/IPI case
#   HSM_ARGS  what the HSM guest expects of the backend (kvm61=1 on KVM)
# and define the backend's own cases:
#   backend_baremetal  after the shared bare-metal cases
#   backend_errors     the backend's error paths (RAM limits, its device)
#   backend_linux1     checks on /tmp/linux1.log (a Linux boot with --stats)
#   idle_check N EXITS WFI SECS RC   the idle bound as the backend meets it
#   backend_all        the backend-only cases of a full run
# One "$TAG: ok|FAIL - what" line per check; guest consoles go to files,
# printed afterwards with a "guest|" prefix.

LIMIT="timeout 180" # a hung guest fails its check, not the whole boot
G=guests

t() { # STATUS WHAT
	if [ "$1" = 0 ]; then echo "$TAG: ok - $2"; else echo "$TAG: FAIL - $2"; fi
}
show() { sed "s/^/guest| /" "$1"; }
has() { grep -q "$2" "$1"; }
# console_checks: the VMM on a terminal (tests/console/checks.sh)
. bin/console-checks.sh
# placement_checks: --vcpu-cpus, --io-cpus (tests/placement/checks.sh)
. bin/placement-checks.sh

# ---- the case list ----
#   all        everything shared, then the backend's own cases
#   baremetal  the bare-metal guests alone (boots without icount, and the
#              icount runs whose results must repeat)
#   icount     what must also hold under icount on a backend whose full run
#              is without it: bare metal, HSM, Linux, idle rates
run_mode() {
	case "$1" in
	all)
		baremetal
		errors
		linux_all
		console_checks
		placement_checks
		hsm
		[ "${ICOUNT:-1}" = 1 ] && idle
		backend_all
		;;
	baremetal)
		baremetal
		hsm
		;;
	icount)
		baremetal
		hsm
		linux_all
		idle
		;;
	*)
		t 1 "plan mode '$1' is one of all, baremetal, icount"
		;;
	esac
}

# ---- bare metal (guests/baremetal/tests/selftest.c) ----
baremetal() {
	$LIMIT $VMM --kernel $G/selftest.elf --append "badmmio=1 sbi=1 timer=1 exit=5" --dtb-out /tmp/vm.dtb \
		>/tmp/bm.log 2>&1
	rc=$?
	show /tmp/bm.log
	t "$([ $rc = 5 ] && echo 0)" "bare metal (ELF): exits with its status (5, got $rc)"
	magic=$(hexdump -n 4 -e '4/1 "%02x"' /tmp/vm.dtb 2>/dev/null)
	t "$([ "$magic" = d00dfeed ] && echo 0)" "--dtb-out writes the device tree ($(wc -c </tmp/vm.dtb) bytes, magic $magic)"
	! has /tmp/bm.log "DVTEST: FAIL" && has /tmp/bm.log "DVTEST: ok timer" && has /tmp/bm.log "DVTEST: ok badmmio"
	t $? "bare metal: unmapped MMIO reads as zero, unknown SBI calls answered, timer interrupt arrives"

	$LIMIT $VMM --kernel $G/selftest.elf --disk $G/disk.ext2,ro --append "badvirtio=1" --stats >/tmp/bv.log 2>&1
	rc=$?
	show /tmp/bv.log
	t "$([ $rc = 0 ] && ! has /tmp/bv.log "DVTEST: FAIL" && has /tmp/bv.log "malformed=2" && echo 0)" \
		"malformed virtqueue from a guest (buffer outside RAM, descriptor loop): device needs reset, counted, VMM fine (status $rc)"

	$LIMIT $VMM --kernel $G/selftest.elf --append "doorbell=100" --stats >/tmp/db.log 2>&1
	rc=$?
	show /tmp/db.log
	t "$([ $rc = 0 ] && has /tmp/db.log "DVTEST: ok doorbell: 100 of 100" && has /tmp/db.log "irq_raise total=100 " && echo 0)" \
		"external interrupts from an I/O thread: 100 doorbell rings, 100 interrupts raised and taken (status $rc)"

	$LIMIT $VMM --kernel $G/selftest.bin --kernel-format raw --cpus $BM_CPUS --append "harts=$BM_CPUS" \
		>/tmp/bm4.log 2>&1
	rc=$?
	show /tmp/bm4.log
	t "$([ $rc = 0 ] && has /tmp/bm4.log "DVTEST: ok harts: $((BM_CPUS - 1)) harts ran" && echo 0)" \
		"bare metal (raw), $BM_CPUS vCPUs: HSM starts harts 1-$((BM_CPUS - 1)), IPIs reach hart 0, clean exit (status $rc)"

	n=1000
	$LIMIT $VMM --kernel $G/selftest.elf --append "mmio=$n" --stats >/tmp/st.log 2>/tmp/st.err
	rc=$?
	show /tmp/st.log
	sed 's/^/stats| /' /tmp/st.err
	grep -q "^stats: exit_mmio total=$n " /tmp/st.err && grep -q "^stats: exit_mmio_read total=$n " /tmp/st.err &&
		grep -q "^stats: device test@100000 accesses=$n$" /tmp/st.err &&
		{ [ $BACKEND != duvisor ] || grep -q "^stats: duvisor vcpu0 .* hu_exit_mmio=$n " /tmp/st.err; }
	t $(($? + rc)) "--stats: $n MMIO reads by the guest show $n MMIO exits$([ $BACKEND = duvisor ] && echo ', all handled in HU')"

	$LIMIT $VMM --kernel $G/selftest.elf --append "reset=1" --reboots 2 >/tmp/rs.log 2>&1
	rc=$?
	show /tmp/rs.log
	boots=$(grep -c "DVTEST: selftest on" /tmp/rs.log)
	t "$([ $rc = 0 ] && [ "$boots" = 3 ] && has /tmp/rs.log "guest requested a reset; stopping" && echo 0)" \
		"guest reset: rebooted twice (--reboots 2), then stopped cleanly (boots $boots, status $rc)"

	backend_baremetal
}

# ---- error paths: one clear line on stderr, non-zero status ----
err() { # WHAT EXPECTED ARGS...
	what=$1 want=$2
	shift 2
	timeout 60 "$VMM" "$@" >/tmp/err.out 2>/tmp/err.txt </dev/null
	rc=$?
	lines=$(wc -l </tmp/err.txt)
	msg=$(cat /tmp/err.txt)
	if [ $rc != 0 ] && [ "$lines" = 1 ] && grep -qF -- "$want" /tmp/err.txt; then
		echo "$TAG: ok - error path: $what -> '$msg' (status $rc)"
	else
		echo "$TAG: FAIL - error path: $what (status $rc, $lines lines: '$msg')"
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
	err "bad --reboots" "--reboots must be 0 to 1000" --kernel $G/selftest.elf --reboots many
	bad_input
	disk_lock
	backend_errors
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

# ---- Linux ----
linux() { # VCPUS EXTRA-ARGS APPEND
	n=$1 extra=$2 append=$3 log=/tmp/linux$1.log quiet=quiet
	[ "$n" = 4 ] && quiet= # the full kernel log of the SMP case, for diagnosis
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
	backend_linux1
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
	panic_cases
}

# A Linux guest that panics (no init: rdinit= names a file that does not
# exist, so the kernel looks for a root device it has none of) reboots at once
# with a warm reset (panic=-1 reboot=panic_warm in front of its command line):
# the VMM stops with status 1 instead of running forever.
panic_cases() {
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
		"Linux guest panic (rdinit=/nonexistent): the VMM stops with status $rc and one line, '$(cat /tmp/panic.err)' ($start-$end s host uptime)"
	$LIMIT $VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M --reboots 1 \
		--append "console=ttyS0 quiet rdinit=/nonexistent" >$log 2>/tmp/panic.err </dev/null
	rc=$?
	n=$(grep -c "Kernel panic - not syncing" $log)
	sed 's/^/stderr| /' /tmp/panic.err
	t "$([ $rc = 1 ] && [ "$n" = 2 ] && has /tmp/panic.err "guest kernel panic (warm reset): rebooting (1 of 1)" && echo 0)" \
		"Linux guest panic with --reboots 1: rebooted once, panicked again, status $rc ($n panics)"
}

# ---- SBI HSM suspend and WFI wake-up (guests/baremetal/tests/hsm.c) ----
hsm() {
	for n in 1 2 4; do
		log=/tmp/hsm$n.log
		$LIMIT $VMM --kernel $G/hsm.elf --cpus $n --append "harts=$n $HSM_ARGS" --stats >$log 2>&1 </dev/null
		rc=$?
		show $log
		t "$([ $rc = 0 ] && has $log "DVTEST: done, 0 failure" && ! has $log "DVTEST: FAIL" && echo 0)" \
			"HSM suspend, $n vCPU(s): $HSM_WHAT ($(grep -c 'DVTEST: ok' $log) guest checks, status $rc)"
	done
}

# ---- idle Linux guests (bin/idle-rate: exits per second of the idle window) ----
IDLE_BOUND=100 # exits per second per vCPU
idle() {
	for n in $IDLE_VCPUS; do
		secs=10
		[ $BACKEND = kvm ] && [ "$n" != 1 ] && secs=3 # a KVM vCPU that spins costs wall time
		bin/idle-rate $BACKEND $VMM $n $secs >/tmp/idle$n.out 2>&1
		rc=$?
		sed 's/^/idle| /' /tmp/idle$n.out
		line=$(grep '^IDLE: ' /tmp/idle$n.out)
		ex=$(echo "$line" | sed -n 's/.* exits_per_s=\([0-9]*\).*/\1/p')
		wfi=$(echo "$line" | sed -n 's/.* wfi_per_s=\([0-9]*\).*/\1/p')
		idle_check "$n" "$ex" "$wfi" "$secs" "$rc"
	done
}
