#!/bin/sh
# Plan of the Linux guest (run by the shared init as /plan). What it does is
# chosen on the kernel command line:
#   dvtest.blk   mount /dev/vda (ext2) and print guests/linux/disk/hello.txt
#   dvtest.net   configure eth0 as 192.0.2.2/24 and ping the host at 192.0.2.1
#   dvtest.shell an interactive shell on the console
#   dvtest.idle=S  do nothing for S seconds (sleep): the idle measurement
hostname duvisor-guest # the shared init named it after the host
echo "DVGUEST: shell up harts=$(grep -c '^processor' /proc/cpuinfo) uptime=$(cut -d' ' -f1 /proc/uptime)"
rc=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	dvtest.blk)
		mkdir -p /mnt
		if mount -t ext2 -o ro /dev/vda /mnt && cat /mnt/hello.txt; then
			echo "DVGUEST: blk ok"
		else
			echo "DVGUEST: blk FAILED"
			rc=1
		fi
		umount /mnt 2>/dev/null
		;;
	dvtest.net)
		ip addr add 192.0.2.2/24 dev eth0 && ip link set eth0 up
		if ping -c 3 -W 10 192.0.2.1; then
			echo "DVGUEST: net ok"
		else
			ip addr
			echo "DVGUEST: net FAILED"
			rc=1
		fi
		;;
	dvtest.shell)
		setsid cttyhack sh -l
		;;
	dvtest.idle=*)
		echo "DVGUEST: idle ${arg#dvtest.idle=} s from uptime=$(cut -d' ' -f1 /proc/uptime)"
		sleep "${arg#dvtest.idle=}" || rc=1
		echo "DVGUEST: idle done uptime=$(cut -d' ' -f1 /proc/uptime)"
		usleep 300000 # time for bin/idle-rate's second snapshot
		;;
	esac
done
echo "DVGUEST: done rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
exit $rc
