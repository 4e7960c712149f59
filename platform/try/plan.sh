#!/bin/sh
# Plan of the modelled host for scripts/try (make run-host, make run-guest):
# load the DV-driver, say what is where, then either a shell (mode=host) or
# the Linux guest on one VMM with its console on this terminal (mode=guest).
# /etc/dvtry.conf (written by scripts/try): mode, vmm, cpus, gmem, vmmargs.
. /etc/dvtry.conf
cd /opt/duvisor || exit 1
if insmod driver/duvisor.ko 2>/tmp/insmod.err; then
	drv="loaded, /dev/duvisor"
else
	drv="NOT loaded: $(cat /tmp/insmod.err)"
fi
kvm=$([ -c /dev/kvm ] && echo "/dev/kvm present" || echo "no /dev/kvm")
echo "DUVISOR-TRY: host up; DV-driver $drv; $kvm"
cat <<BANNER
------------------------------------------------------------------------------
 The modelled host (Linux 6.1 on QEMU riscv64 + DV-Ext), $(grep -c ^processor /proc/cpuinfo) harts.
   /opt/duvisor/bin      duvisor (DuVisor), dv-kvm (KVM baseline), linux-guest
   /opt/duvisor/driver   duvisor.ko (the DV-driver): $drv
   /opt/duvisor/guests   Image (Linux guest kernel), linux-initramfs.cpio,
                         rootfs.ext2, disk.ext2, selftest.elf/.bin (bare metal)
 A Linux guest with a shell (VMM duvisor or kvm, vCPUs, RAM):
   linux-guest duvisor 2 256M      linux-guest kvm 2
 which runs
   duvisor --kernel guests/Image --initrd guests/linux-initramfs.cpio \\
           --cpus 2 --mem 256M --append "console=ttyS0 quiet dvtest.shell"
 A bare-metal guest:  dv-kvm --kernel guests/selftest.elf --append mmio=1000 --stats
 In a guest: Ctrl-] x leaves (stops the VMM); Ctrl-C goes to the guest.
 Here: 'exit' powers the host off; Ctrl-A x quits QEMU at any time.
------------------------------------------------------------------------------
BANNER
case "$mode" in
host)
	setsid cttyhack sh -l
	exit 0
	;;
guest)
	echo "DUVISOR-TRY: linux-guest $vmm $cpus $gmem $vmmargs"
	# Its own session on the console: the VMM is the foreground job of the
	# terminal, so it takes the terminal in raw mode.
	# shellcheck disable=SC2086
	setsid cttyhack linux-guest "$vmm" "$cpus" "$gmem" $vmmargs
	rc=$?
	echo "DUVISOR-TRY: the VMM exited with status $rc"
	exit $rc
	;;
esac
