#!/bin/sh
# Plan for the platform boot test: report what the test checks as markers.
dmesg | grep -i -E 'kvm|hypervisor|riscv: ISA'
if dmesg | grep -q 'kvm \[[0-9]*\]: hypervisor extension available'; then
	echo "DUVISOR-TEST: hext-available"
fi
[ -c /dev/kvm ] && echo "DUVISOR-TEST: dev-kvm"
echo "DUVISOR-TEST: harts=$(grep -c '^processor' /proc/cpuinfo)"
echo "DUVISOR-TEST: uptime $(cut -d' ' -f1 /proc/uptime)"
# Per-hart interrupt counts depend on exact timing: the determinism check
# compares them (with the whole log) across two identical boots.
cat /proc/interrupts
exit 0
