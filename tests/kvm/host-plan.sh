#!/bin/sh
# Plan of the modelled host for the kvm suite: dv-kvm on the shared guest
# cases (tests/guest-cases.sh, the same list the duvisor suite runs) and the
# cases of vanilla KVM alone. One "KVMTEST: ok|FAIL - what" line per check.
cd /opt/duvisor || exit 1
# Address-space randomisation is the one thing that makes icount runs of the
# VMM differ (about 1% in MMIO round trips): off, as for measurements.
echo 0 >/proc/sys/kernel/randomize_va_space
VMM=bin/dv-kvm
BACKEND=kvm
TAG=KVMTEST
BM_CPUS=8
# KVM 6.1 keeps HSM in the kernel (arch/riscv/kvm/vcpu_sbi_hsm.c): the guest
# expects its answers where they differ from the spec.
HSM_ARGS=kvm61=1
HSM_WHAT="vanilla KVM 6.1's answers (retentive = its WFI, non-retentive NOT_SUPPORTED, bad types INVALID_PARAM), registers kept"
IDLE_VCPUS="1 2"
# What to run: kvmtest.mode=all|baremetal on the host's kernel command line.
mode=all
for a in $(cat /proc/cmdline); do
	case "$a" in kvmtest.mode=*) mode=${a#kvmtest.mode=} ;; esac
done
. bin/guest-cases.sh

backend_baremetal() {
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

	# What vanilla KVM (Linux 6.1) does not run: KVM_RUN fails; dv-kvm says
	# in one line what the guest did and where (the guest prints where first).
	# DuVisor gives the guest the architectural exception instead.
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

backend_errors() {
	err "more RAM than the memory map has" "out of range (16M to 16G" --kernel $G/selftest.elf --mem 17G
	$VMM --help >/tmp/help.txt
	t "$(grep -q "guest RAM, 16M to 16G" /tmp/help.txt && grep -q "more than the host's RAM" /tmp/help.txt && echo 0)" \
		"--help states dv-kvm's RAM limit: '$(grep -A1 -e '--mem' /tmp/help.txt | tr -s ' ' | tr '\n' ' ')'"
	host=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	$VMM --kernel $G/selftest.elf --mem 16G --append "mmio=10" >/tmp/big.log 2>/tmp/big.err </dev/null
	rc=$?
	t "$([ $rc = 0 ] && [ "$(wc -l </tmp/big.err)" = 1 ] && grep -q "more than the host's" /tmp/big.err && echo 0)" \
		"--mem 16G on a host of $((host / 1024)) MiB: runs, one warning '$(cat /tmp/big.err)' (status $rc)"
	mv /dev/kvm /dev/kvm.away
	err "no /dev/kvm" "cannot open /dev/kvm" --kernel $G/selftest.elf
	mv /dev/kvm.away /dev/kvm
}

backend_linux1() {
	# kvm.exits counts the exits KVM kept in the kernel too; exit_mmio only
	# those that came out to dv-kvm (virtio-blk and -net were used)
	kx=$(sed -n 's/^stats: kvm\.exits total=\([0-9]*\).*/\1/p' /tmp/linux1.log)
	mx=$(sed -n 's/^stats: exit_mmio total=\([0-9]*\).*/\1/p' /tmp/linux1.log)
	t "$([ "${mx:-0}" -gt 0 ] && [ "${kx:-0}" -gt "${mx:-0}" ] && echo 0)" \
		"Linux boot --stats: ${kx:-?} exits counted by KVM (kvm.exits, in-kernel ones included), ${mx:-?} of them MMIO exits to dv-kvm"
}

idle_check() { # VCPUS EXITS/S WFI/S SECS RC
	n=$1 ex=$2 wfi=$3 secs=$4 rc=$5
	if [ "$n" = 1 ]; then
		t "$([ $rc = 0 ] && [ -n "$ex" ] && [ "$ex" -le $IDLE_BOUND ] && echo 0)" \
			"idle Linux guest, 1 vCPU: ${ex:-?} exits/s (${wfi:-?} WFI) over ${secs} s, at most $IDLE_BOUND per vCPU"
	else
		# Vanilla KVM 6.1 wakes WFI on a reached timer compare whatever STIE
		# says (kvm_riscv_vcpu_timer_pending): an idle vCPU of Linux 6.1 whose
		# tick stopped may spin. Whether one does in a given window varies,
		# so: under the bound, or the excess all WFI exits.
		t "$([ $rc = 0 ] && [ -n "$ex" ] && { [ "$ex" -le $((IDLE_BOUND * n)) ] || [ $((wfi * 10)) -ge $((ex * 9)) ]; } && echo 0)" \
			"idle Linux guest, $n vCPUs: ${ex:-?} exits/s, ${wfi:-?} of them WFI, over ${secs} s: under $IDLE_BOUND per vCPU or vanilla KVM 6.1's WFI spin (docs/methodology.md)"
	fi
}

backend_all() { :; }

run_mode "$mode"
exit 0
