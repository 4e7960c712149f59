#!/bin/sh
# Plan for the DV-Ext host boot check: what KVM and the kernel see.
if dmesg | grep -q 'kvm \[[0-9]*\]: hypervisor extension available'; then
	echo "DUVISOR-TEST: hext-available"
fi
[ -c /dev/kvm ] && echo "DUVISOR-TEST: dev-kvm"
echo "DUVISOR-TEST: isa $(cat /proc/device-tree/cpus/cpu@0/riscv,isa 2>/dev/null | tr -d "\\0")"
exit 0
