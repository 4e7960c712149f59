#!/bin/sh
# Plan of the Linux guest of the application benchmarks (/plan in
# build/apps-run/guest-initramfs.cpio; the host side is apps/host-plan.sh).
# Kernel command line: apps.w=W1,W2,...  apps.scale=N  apps.ip=A.B.C.D/N
# For each workload W, after a warm-up run at the smallest scale:
#   local W:  print "APPS-READY: W", read a line from the console (the host
#             took its counter snapshot), run W, print its lines and
#             "APPS-DONE: W rc=R"
#   server W: start the server, wait until it listens, print "APPS-READY: W",
#             read a line (the host ran its client meanwhile), stop the
#             server, print its log and "APPS-DONE: W rc=R"
# Then "APPS-GUEST: end" and power off.
hostname apps-guest
. /opt/apps/bin/workloads.sh
ws= ip=
for a in $(cat /proc/cmdline); do
	case "$a" in
	apps.w=*) ws=$(echo "${a#apps.w=}" | tr , ' ') ;;
	apps.scale=*) SCALE=${a#apps.scale=} ;;
	apps.ip=*) ip=${a#apps.ip=} ;;
	apps.fiohook=*) FIO_HOOK=${a#apps.fiohook=} ;; # a test hook (apps/workloads.sh, fio)
	esac
done
. /opt/apps/bin/workloads.sh # again, with SCALE
cpus=$(grep -c '^processor' /proc/cpuinfo)
echo "APPS-GUEST: up cpus=$cpus scale=$SCALE workloads=$ws uptime=$(cut -d' ' -f1 /proc/uptime)"
if [ -n "$ip" ]; then
	ip addr add "$ip" dev eth0 && ip link set eth0 up && ip link set lo up ||
		echo "APPS-GUEST: eth0 not configured"
fi
for w in $ws; do
	rc=0
	case $(wl_kind $w) in
	local)
		(HB_LOOPS=1; PRIME_COUNT=$cpus; BW_KB=64; BW_PASSES=1; BW_REPS=1; FIO_SEQ_KB=128; FIO_RAND_KB=64; run_local $w $cpus >/dev/null 2>&1) # warm-up
		echo "APPS-READY: $w"
		read -r go
		run_local $w $cpus
		rc=$?
		;;
	server)
		server_start $w $cpus
		listening $(wl_port $w) || { echo "APPS: $w server not listening on $(wl_port $w)"; rc=1; }
		echo "APPS-READY: $w"
		read -r go
		server_stop $w
		;;
	esac
	echo "APPS-DONE: $w rc=$rc"
done
echo "APPS-GUEST: end uptime=$(cut -d' ' -f1 /proc/uptime)"
