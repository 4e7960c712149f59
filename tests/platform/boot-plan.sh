#!/bin/sh
# Plan for the platform boot test: report what the test checks as markers.
dmesg | grep -i -E 'kvm|hypervisor|riscv: ISA'
if dmesg | grep -q 'kvm \[[0-9]*\]: hypervisor extension available'; then
	echo "DUVISOR-TEST: hext-available"
fi
[ -c /dev/kvm ] && echo "DUVISOR-TEST: dev-kvm"
echo "DUVISOR-TEST: harts=$(grep -c '^processor' /proc/cpuinfo)"
echo "DUVISOR-TEST: uptime $(cut -d' ' -f1 /proc/uptime)"
exit 0
