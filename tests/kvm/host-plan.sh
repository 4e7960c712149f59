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

# ---- bare metal ----
baremetal() {
	$VMM --kernel $G/selftest.elf --append "badmmio=1 sbi=1 timer=1 exit=5" --dtb-out /tmp/vm.dtb \
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
	$VMM --kernel $G/selftest.elf --append "regs=1" >/tmp/rg.log 2>&1
	rc=$?
	show /tmp/rg.log
	fails=$(grep -c 'DVTEST: FAIL' /tmp/rg.log)
	lbfail=$(grep -c 'DVTEST: FAIL regs: lb of a device register' /tmp/rg.log)
	t "$([ "$(grep -c 'DVTEST: ok regs:' /tmp/rg.log)" -ge 6 ] && [ "$fails" = "$lbfail" ] && [ $rc = "$fails" ] && echo 0)" \
		"registers across exits: SBI base calls, loads and stores to and from s-registers, everything else kept (status $rc)"
	[ "$lbfail" = 0 ] || echo "# KVM (the host kernel's MMIO emulation) returned an MMIO lb zero-extended: $(grep 'regs: lb of' /tmp/rg.log | sed 's/.*: //')"

	$VMM --kernel $G/selftest.elf --disk $G/disk.ext2,ro --append "badvirtio=1" --stats >/tmp/bv.log 2>&1
	rc=$?
	show /tmp/bv.log
	t "$([ $rc = 0 ] && ! has /tmp/bv.log "DVTEST: FAIL" && has /tmp/bv.log "malformed=2" && echo 0)" \
		"malformed virtqueue from a guest (buffer outside RAM, descriptor loop): device needs reset, counted, VMM fine (status $rc)"

	$VMM --kernel $G/selftest.elf --append "doorbell=100" --stats >/tmp/db.log 2>&1
	rc=$?
	show /tmp/db.log
	t "$([ $rc = 0 ] && has /tmp/db.log "DVTEST: ok doorbell: 100 of 100" && has /tmp/db.log "irq_raise total=100 " && echo 0)" \
		"external interrupts from an I/O thread: 100 doorbell rings, 100 interrupts raised and taken (status $rc)"

	$VMM --kernel $G/selftest.bin --kernel-format raw --cpus 8 --append "harts=8" >/tmp/bm4.log 2>&1
	rc=$?
	show /tmp/bm4.log
	t "$([ $rc = 0 ] && has /tmp/bm4.log "DVTEST: ok harts: 7 harts ran" && echo 0)" \
		"bare metal (raw), 8 vCPUs: HSM starts harts 1-7, IPIs reach hart 0, clean exit (status $rc)"

	n=1000
	$VMM --kernel $G/selftest.elf --append "mmio=$n" --stats >/tmp/st.log 2>/tmp/st.err
	rc=$?
	show /tmp/st.log
	sed 's/^/stats| /' /tmp/st.err
	grep -q "^stats: exit_mmio total=$n " /tmp/st.err && grep -q "^stats: exit_mmio_read total=$n " /tmp/st.err &&
		grep -q "^stats: device test@100000 accesses=$n$" /tmp/st.err
	t $(($? + rc)) "--stats: $n MMIO reads by the guest show $n MMIO exits"

	$VMM --kernel $G/selftest.elf --append "reset=1" --reboots 2 >/tmp/rs.log 2>&1
	rc=$?
	show /tmp/rs.log
	boots=$(grep -c "DVTEST: selftest on" /tmp/rs.log)
	t "$([ $rc = 0 ] && [ "$boots" = 3 ] && has /tmp/rs.log "guest requested a reset; stopping" && echo 0)" \
		"guest reset: rebooted twice (--reboots 2), then stopped cleanly (boots $boots, status $rc)"
}

# ---- error paths: one clear line on stderr, non-zero status ----
err() { # WHAT EXPECTED ARGS...
	what=$1 want=$2
	shift 2
	"$VMM" "$@" >/tmp/err.out 2>/tmp/err.txt </dev/null
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
	mv /dev/kvm /dev/kvm.away
	err "no /dev/kvm" "cannot open /dev/kvm" --kernel $G/selftest.elf
	mv /dev/kvm.away /dev/kvm
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
	# Type only once the guest's plan is up (at most 120 s), not after a
	# guessed delay: a slow boot on a loaded machine must not lose the input.
	rm -f $log
	(i=0; while [ $i -lt 600 ] && ! grep -q "DVGUEST: shell up" $log 2>/dev/null; do
		usleep 200000; i=$((i + 1)); done
	 sleep 1; printf 'echo in-$((6*7))-put\n'; sleep 1; printf 'exit\n') |
		$LIMIT $VMM --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 256M \
			--append "console=ttyS0 quiet dvtest.shell" >$log 2>&1
	rc=$?
	show $log
	t "$([ $rc = 0 ] && has $log "^in-42-put" && has $log "DVGUEST: done rc=0 " && echo 0)" \
		"Linux: standard input reaches the guest's shell through the UART (status $rc)"
	linux 4 "--disk $G/disk.ext2,ro" "dvtest.blk"
	has /tmp/linux4.log "DVGUEST: blk ok"
	t $? "Linux, 4 vCPUs: reads the virtio-blk disk"
}

case "$mode" in
all)
	baremetal
	errors
	linux_all
	;;
baremetal)
	baremetal
	;;
esac
exit 0
