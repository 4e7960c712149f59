#!/bin/sh
# Plan of the modelled host for the kvm suite: runs dv-kvm on the bare-metal
# and Linux guests and prints one "KVMTEST: ok|FAIL - what" line per check.
# Guest consoles go to files, printed afterwards with a "guest|" prefix.
cd /opt/duvisor || exit 1
# Address-space randomisation is the one thing that makes icount runs of the
# VMM differ (about 1% in MMIO round trips): off, as for measurements.
echo 0 >/proc/sys/kernel/randomize_va_space
VMM=bin/dv-kvm
# A hung guest fails its check instead of the whole boot timing out.
LIMIT="timeout 180"
G=guests
# What to run: kvmtest.mode=all|baremetal on the host's kernel command line.
mode=all
for a in $(cat /proc/cmdline); do
	case "$a" in kvmtest.mode=*) mode=${a#kvmtest.mode=} ;; esac
done

t() { # STATUS WHAT
	if [ "$1" = 0 ]; then echo "KVMTEST: ok - $2"; else echo "KVMTEST: FAIL - $2"; fi
}
show() { sed "s/^/guest| /" "$1"; }
has() { grep -q "$2" "$1"; }
# console_checks: the VMM on a terminal (tests/console/checks.sh)
. bin/console-checks.sh
# placement_checks: --vcpu-cpus, --io-cpus (tests/placement/checks.sh)
. bin/placement-checks.sh

# ---- bare metal ----
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

	# KVM (Linux 6.1) answers SBI base itself, with its ids, and does not
	# sign-extend an MMIO load (arch/riscv/kvm/vcpu_insn.c shifts an
	# unsigned long): the lb check may fail, and is reported
	$LIMIT $VMM --kernel $G/selftest.elf --append "regs=1" >/tmp/rg.log 2>&1
	rc=$?
	show /tmp/rg.log
	fails=$(grep -c 'DVTEST: FAIL' /tmp/rg.log)
	lbfail=$(grep -c 'DVTEST: FAIL regs: lb of a device register' /tmp/rg.log)
	t "$([ "$(grep -c 'DVTEST: ok regs:' /tmp/rg.log)" -ge 6 ] && [ "$fails" = "$lbfail" ] && [ $rc = "$fails" ] && echo 0)" \
		"registers across exits: SBI base calls, loads and stores to and from s-registers, everything else kept (status $rc)"
	[ "$lbfail" = 0 ] || echo "# KVM (the host kernel's MMIO emulation) returned an MMIO lb zero-extended: $(grep 'regs: lb of' /tmp/rg.log | sed 's/.*: //')"

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

	$LIMIT $VMM --kernel $G/selftest.bin --kernel-format raw --cpus 8 --append "harts=8" >/tmp/bm4.log 2>&1
	rc=$?
	show /tmp/bm4.log
	t "$([ $rc = 0 ] && has /tmp/bm4.log "DVTEST: ok harts: 7 harts ran" && echo 0)" \
		"bare metal (raw), 8 vCPUs: HSM starts harts 1-7, IPIs reach hart 0, clean exit (status $rc)"

	n=1000
	$LIMIT $VMM --kernel $G/selftest.elf --append "mmio=$n" --stats >/tmp/st.log 2>/tmp/st.err
	rc=$?
	show /tmp/st.log
	sed 's/^/stats| /' /tmp/st.err
	grep -q "^stats: exit_mmio total=$n " /tmp/st.err && grep -q "^stats: exit_mmio_read total=$n " /tmp/st.err &&
		grep -q "^stats: device test@100000 accesses=$n$" /tmp/st.err
	t $(($? + rc)) "--stats: $n MMIO reads by the guest show $n MMIO exits"

	$LIMIT $VMM --kernel $G/selftest.elf --append "reset=1" --reboots 2 >/tmp/rs.log 2>&1
	rc=$?
	show /tmp/rs.log
	boots=$(grep -c "DVTEST: selftest on" /tmp/rs.log)
	t "$([ $rc = 0 ] && [ "$boots" = 3 ] && has /tmp/rs.log "guest requested a reset; stopping" && echo 0)" \
		"guest reset: rebooted twice (--reboots 2), then stopped cleanly (boots $boots, status $rc)"

	# What vanilla KVM (Linux 6.1) does not run: KVM_RUN fails; dv-kvm says
	# in one line what the guest did and where (the guest prints where first).
	kvm_stop illegal=1 "illegal instruction" "illegal instruction 0x0000 at pc"
	kvm_stop misaligned=1 "misaligned MMIO load" "misaligned MMIO access at pc"
	kvm_stop fetchmmio=1 "instruction fetch from a device" "instruction fetch from 0x100000, which is not RAM"
}

kvm_stop() { # GUEST-ARGS GUEST-MARKER EXPECTED
	$LIMIT $VMM --kernel $G/selftest.elf --append "$1" >/tmp/ks.log 2>/tmp/ks.err </dev/null
	rc=$?
	show /tmp/ks.log
	at=$(tr -d '\r' </tmp/ks.log | sed -n "s/^DVTEST: $2 at \(0x[0-9a-f]*\)$/\1/p" | head -1)
	lines=$(wc -l </tmp/ks.err)
	msg=$(cat /tmp/ks.err)
	t "$([ $rc = 1 ] && [ "$lines" = 1 ] && [ -n "$at" ] && grep -qF -- "$3" /tmp/ks.err &&
		grep -qF -- "$at" /tmp/ks.err && echo 0)" \
		"vanilla KVM stops the guest ($1 at ${at:-?}): one line, '$msg' (status $rc)"
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
		echo "KVMTEST: ok - error path: $what -> '$msg' (status $rc)"
	else
		echo "KVMTEST: FAIL - error path: $what (status $rc, $lines lines: '$msg')"
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
	bad_input
	err "more RAM than the memory map has" "out of range (16M to 16G" --kernel $G/selftest.elf --mem 17G
	$VMM --help >/tmp/help.txt
	t "$(grep -q "guest RAM, 16M to 16G" /tmp/help.txt && grep -q "more than the host's RAM" /tmp/help.txt && echo 0)" \
		"--help states dv-kvm's RAM limit: '$(grep -A1 -e '--mem' /tmp/help.txt | tr -s ' ' | tr '\n' ' ')'"
	host=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	$VMM --kernel $G/selftest.elf --mem 16G --append "mmio=10" >/tmp/big.log 2>/tmp/big.err </dev/null
	rc=$?
	t "$([ $rc = 0 ] && [ "$(wc -l </tmp/big.err)" = 1 ] && grep -q "more than the host's" /tmp/big.err && echo 0)" \
		"--mem 16G on a host of $((host / 1024)) MiB: runs, one warning '$(cat /tmp/big.err)' (status $rc)"
	disk_lock
	mv /dev/kvm /dev/kvm.away
	err "no /dev/kvm" "cannot open /dev/kvm" --kernel $G/selftest.elf
	mv /dev/kvm.away /dev/kvm
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
	[ "$n" = 4 ] && quiet=  # the full kernel log of the SMP case, for diagnosis
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
	linux 1 "--disk $G/disk.ext2,ro --net tap=tap0,host-ip=192.0.2.1/24" "dvtest.blk dvtest.net"
	has /tmp/linux1.log "DVDISK: hello from virtio-blk" && has /tmp/linux1.log "DVGUEST: blk ok"
	t $? "Linux: reads a file from the virtio-blk disk"
	has /tmp/linux1.log "DVGUEST: net ok"
	t $? "Linux: pings the host (192.0.2.1 on tap0) through virtio-net"
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
# KVM 6.1 keeps HSM in the kernel (arch/riscv/kvm/vcpu_sbi_hsm.c): the guest
# expects its answers where they differ from the spec (kvm61=1).
hsm() {
	for n in 1 2 4; do
		log=/tmp/hsm$n.log
		$LIMIT $VMM --kernel $G/hsm.elf --cpus $n --append "harts=$n kvm61=1" >$log 2>&1 </dev/null
		rc=$?
		show $log
		t "$([ $rc = 0 ] && has $log "DVTEST: done, 0 failure" && ! has $log "DVTEST: FAIL" && echo 0)" \
			"HSM suspend, $n vCPU(s): vanilla KVM 6.1's answers (retentive = its WFI, non-retentive NOT_SUPPORTED, bad types INVALID_PARAM), registers kept ($(grep -c 'DVTEST: ok' $log) guest checks, status $rc)"
	done
}

# ---- idle Linux guests (bin/idle-rate: exits per second of the idle window) ----
IDLE_BOUND=100 # exits per second per vCPU
idle() {
	for n in 1 2; do
		secs=10
		[ "$n" = 1 ] || secs=3 # a KVM vCPU that spins costs wall time
		bin/idle-rate kvm $VMM $n $secs >/tmp/idle$n.out 2>&1
		rc=$?
		sed 's/^/idle| /' /tmp/idle$n.out
		line=$(grep '^IDLE: ' /tmp/idle$n.out)
		ex=$(echo "$line" | sed -n 's/.* exits_per_s=\([0-9]*\).*/\1/p')
		wfi=$(echo "$line" | sed -n 's/.* wfi_per_s=\([0-9]*\).*/\1/p')
		if [ "$n" = 1 ]; then
			t "$([ $rc = 0 ] && [ -n "$ex" ] && [ "$ex" -le $IDLE_BOUND ] && echo 0)" \
				"idle Linux guest, 1 vCPU: ${ex:-?} exits/s (${wfi:-?} WFI) over ${secs} s, at most $IDLE_BOUND per vCPU"
		else
			# Vanilla KVM 6.1 wakes WFI on a reached timer compare whatever
			# STIE says (kvm_riscv_vcpu_timer_pending): an idle vCPU of Linux 6.1
			# whose tick stopped may spin. Whether one does in a given window
			# varies, so: under the bound, or the excess all WFI exits.
			t "$([ $rc = 0 ] && [ -n "$ex" ] && { [ "$ex" -le $((IDLE_BOUND * n)) ] || [ $((wfi * 10)) -ge $((ex * 9)) ]; } && echo 0)" \
				"idle Linux guest, $n vCPUs: ${ex:-?} exits/s, ${wfi:-?} of them WFI, over ${secs} s: under $IDLE_BOUND per vCPU or vanilla KVM 6.1's WFI spin (docs/methodology.md)"
		fi
	done
}

case "$mode" in
all)
	baremetal
	errors
	linux_all
	console_checks
	placement_checks
	hsm
	idle
	;;
baremetal)
	baremetal
	hsm
	;;
esac
exit 0
