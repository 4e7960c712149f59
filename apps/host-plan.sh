#!/bin/sh
# Plan of the modelled host for the application benchmarks (issue 11; run by
# init as /plan, driven by scripts/bench/apps). Reads /opt/duvisor/apps.conf:
#   SYSTEM     native, kvm, kvm-opt or duvisor (the rows' system; kvm-opt:
#              the host kernel must post through DV-Ext, else every cell fails)
#   VMM        the VMM binary (not for native);  SETUP  run once first (insmod)
#   VCPUS      vCPU (native: CPU) counts;  WORKLOADS  hackbench prime iperf memcached nuttcp fio bwmem
#   FIO_HOOK   (optional) fio's test hook (apps/workloads.sh): corrupt, noverify
#   MC_BASE    (optional) memcached requests per connection and SCALE
#   SCALE      the work's size (apps/workloads.sh);  GUEST_MEM  guest RAM (MiB)
#   HARTS      the host's harts: CPUs 0..N-1 run the server (native); the
#              VMM (every thread of it: N vCPU threads and the I/O threads)
#              gets CPUs 0..N (one more, for its I/O threads); hart HARTS-1
#              runs the load client
#   PROFILE    timing profile (for the rows)
#   PERF       off: no perf stat around the runs (default on if $APPS/perf is there)
#   PERF_EVENTS (optional) perf events to count instead of the default set (BENCH_PERF_EVENTS)
#   BESIDE     (optional) duvisor-idle: an idle DuVisor VM on CPU 0 throughout (Fig. 8)
#   MULTIVM    instead of the above: K VMs of 1 vCPU at once (each K of the
#              list), each pinned to its own hart, each running hackbench once;
#              rows "hackbench-vms" with vcpus = K: every VM's time (time.vmI)
#              and their mean (time)
# Prints one "DVAPP,system,workload,vcpus,metric,value,unit,note" row per
# measurement, "DVAPP-FAIL: system workload vcpus: why" for a cell that
# failed (the matrix goes on) and exits with the number of failed cells.
. /opt/duvisor/apps.conf || exit 100
cd /opt/duvisor || exit 100
export APPS=/opt/apps/bin
# MC_BASE: memcached requests per connection and SCALE (Fig. 9a's runs set it)
[ -n "${MC_BASE:-}" ] && export MC_BASE
# fio's test hook, for the guests on their command line (apps.fiohook)
[ -n "${FIO_HOOK:-}" ] && export FIO_HOOK
. $APPS/workloads.sh
G=/opt/duvisor/guests
client=$((HARTS - 1))
failed=0
echo "DVAPP-CONTEXT: system=$SYSTEM profile=$PROFILE harts=$HARTS scale=$SCALE vcpus=$VCPUS workloads=$WORKLOADS"
# a cma= the host kernel could not reserve (DuVisor's guest RAM is one CMA block)
cma=
for a in $(cat /proc/cmdline); do case $a in cma=*) cma=${a#cma=} ;; esac; done
if [ -n "$cma" ] && [ "$(awk '/^CmaTotal:/ {print $2}' /proc/meminfo)" = 0 ]; then
	for n in $VCPUS; do for w in $WORKLOADS; do
		echo "DVAPP-FAIL: $SYSTEM $w $n: the host could not reserve cma=$cma for the guest's RAM (CMA lies below 4 GiB physical, RAM starts at 2 GiB)"
	done; done
	exit 102
fi
# kvm-opt: a host kernel whose KVM posts vIPIs and device interrupts
# through DV-Ext (the paper's KVM-OPT); anything else would be vanilla KVM
# under another name
if [ "$SYSTEM" = kvm-opt ] && [ "$(cat /sys/module/kvm/parameters/dvext_post 2>/dev/null)" != Y ]; then
	for n in $VCPUS; do for w in $WORKLOADS; do
		echo "DVAPP-FAIL: $SYSTEM $w $n: the host kernel does not post through DV-Ext (/sys/module/kvm/parameters/dvext_post is not Y: not the kvm-opt kernel, or no DV-Ext)"
	done; done
	exit 103
fi
if [ -n "$SETUP" ]; then
	sh -c "$SETUP" || { echo "DVAPP-FAIL: $SYSTEM all all: setup failed: $SETUP"; exit 101; }
fi
ip link set lo up
# BESIDE=duvisor-idle (Fig. 8's kvm-dvext): with the DV-driver loaded
# (SETUP), a DuVisor VM of 1 vCPU and 128 MiB, the test Linux guest asleep
# (dvtest.idle), pinned to CPU 0 beside the measured VMs: its vCPU thread
# and the DV state the driver switches in and out share a hart with KVM's
# vCPU 0 for the whole run. Its exits and its threads' context switches from
# first to last cell are reported.
beside=
beside_exits() { # K: hu_exits + irq_exits of the beside VM's K-th --stats block
	awk -v k="$1" '/^stats: backend / { blk++; next }
	blk == k && /^stats: duvisor vcpu[0-9]+ / {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "hu_exits" || kv[1] == "irq_exits") s += kv[2] } }
	END { print s + 0 }' /tmp/beside.err
}
# stats_snap PID FILE K: SIGQUIT makes the VMM print its counters (--stats);
# wait until FILE holds K blocks of them
stats_snap() {
	kill -QUIT "$1" 2>/dev/null || return 1
	i=0
	while [ "$(grep -c '^stats: backend ' "$2")" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -le 200 ] || return 1
		usleep 20000
	done
	usleep 50000 # the rest of the block
}
beside_snap() { stats_snap "$beside" /tmp/beside.err "$1"; }
# how often the beside VM's threads were switched in (voluntary + forced;
# the SIGQUIT for its counters adds one or two)
beside_switches() { cat /proc/$beside/task/*/status 2>/dev/null | awk '/ctxt_switches:/ { s += $2 } END { print s + 0 }'; }
if [ "${BESIDE:-}" = duvisor-idle ]; then
	taskset -c 0 bin/duvisor --kernel $G/Image --initrd $G/linux-initramfs.cpio --mem 128M --cpus 1 --stats \
		--append "console=ttyS0 quiet dvtest.idle=1000000" </dev/null >/tmp/beside.con 2>/tmp/beside.err &
	beside=$!
	i=0
	while ! grep -q "DVGUEST: idle" /tmp/beside.con; do
		i=$((i + 1))
		if ! kill -0 $beside 2>/dev/null || [ $i -gt 15000 ]; then
			tail -5 /tmp/beside.err /tmp/beside.con | sed 's/^/# beside: /'
			echo "DVAPP-FAIL: $SYSTEM all all: the idle DuVisor VM beside did not come up (its guest never went idle within 300 s)"
			exit 104
		fi
		usleep 20000
	done
	beside_snap 1 || { echo "DVAPP-FAIL: $SYSTEM all all: the idle DuVisor VM beside gave no counters (--stats)"; exit 104; }
	beside_t0=$(cut -d' ' -f1 /proc/uptime) beside_cs0=$(beside_switches)
	echo "DVAPP-BESIDE: an idle DuVisor VM (pid $beside, 1 vCPU on CPU 0) runs beside from uptime=$beside_t0"
fi

row() { echo "DVAPP,$SYSTEM,$1,$2,$3,$4,$5,$6"; }
cellfail() { # W N WHY
	echo "DVAPP-FAIL: $SYSTEM $1 $2: $3"
	failed=$((failed + 1))
}
up() { cut -d' ' -f1 /proc/uptime; }
cpulist() { [ "$1" = 1 ] && echo 0 || echo "0-$(($1 - 1))"; }

# fio_check N LOG: fio's own verdict on its two runs (apps/workloads.sh,
# fio_all): both exited 0, every job says err=0, no verify failure, and the
# verify run read back and checked every written block (so verify was on)
fio_check() {
	l=$(grep -o 'fio: runs=2 rc=[0-9]*,[0-9]*' $2 | tail -1)
	v=$(grep -m1 -i '^verify: \|verify failed\|bad magic\|bad header' $2)
	# a failed run: its status (a signal named), the first verify failure or fio error
	if [ -n "$v" ] || [ "$l" != "fio: runs=2 rc=0,0" ]; then
		sig=$(grep -m1 '^Segmentation fault\|^Bus error\|^Illegal instruction\|^Killed\|^Aborted' $2)
		[ -n "$v" ] || v=$(grep -v '^fio: runs=\|^fio: hook' $2 | grep -m1 '^fio: \|err= *[1-9]' | sed 's/^ *//')
		echo "fio: exit status ${l#fio: runs=2 rc=} (write,verify)${sig:+, $sig}: ${v:-no fio error line}"
		return 1
	fi
	e=$(grep -c '(groupid=[0-9]*, jobs=[0-9]*): err= 0' $2)
	[ "$e" = 4 ] || { echo "fio: $e of 4 jobs with err=0 ($(grep -m1 'groupid=.*err=' $2 | sed 's/^ *//'))"; return 1; }
	awk -v seq=$FIO_SEQ_KB -v rk=$(((FIO_RAND_KB / $1 / 4 * 4) * $1)) '
	/^fio-(write|check): 3;/ { split($0, f, ";"); k = substr($1, 5, length($1) - 5) "-" f[3]; n++
		if (f[5] != 0) bad = bad " " k " error=" f[5]; r[k] = f[6]; w[k] = f[47] }
	END {
		if (n != 4) { print "fio: " n " terse result lines, not 4"; exit 1 }
		if (bad != "") { print "fio: jobs with an error:" bad; exit 1 }
		if (w["write-seq"] != seq) { print "fio: seq wrote " w["write-seq"] " KiB, not " seq; exit 1 }
		if (r["write-rand"] + w["write-rand"] != rk) { print "fio: rand moved " (r["write-rand"] + w["write-rand"]) " KiB, not " rk; exit 1 }
		# the verify run replays the write run (its reads counted, not done): the rest is what it checked
		vr = r["check-rand"] - r["write-rand"]
		if (r["check-seq"] != seq || vr != w["write-rand"] || w["write-rand"] == 0) {
			printf "fio: the verify run read back %d of %d KiB (seq) and %d of %d KiB (rand): verify off?\n", r["check-seq"], seq, vr, w["write-rand"]
			exit 1 } }' $2
}
# ---- perf stat per process around each measured run (issue 11) ----
# $APPS/perf (Linux 6.1's tools/perf, build/perf) counts software events
# (task-clock, context-switches, cpu-migrations, page-faults) of the
# processes a cell measures: a VM's VMM (every thread of it, perf stat -p),
# native's workload (perf stat -- CMD, its children inherit) or native's
# server (-p). Rows "perf:EVENT" per second of the run's window (task-clock:
# CPUs busy). No perf (or PERF=off in apps.conf): a note, the workloads run
# as before. Instructions per process (the legacy PMU: the instret CSR)
# only when asked for (PERF_EVENTS, e.g. ...,instructions): counting them
# cost memcached on KVM 15% of its throughput, DuVisor 9%, against 4% and 6%
# for the software events (4 seeds each, docs/methodology.md).
PERF_EV=
perf_probe() {
	if [ "${PERF:-on}" = off ]; then echo "DVAPP-NOTE: $SYSTEM: perf off (BENCH_PERF=0): no perf rows"; return; fi
	[ -x $APPS/perf ] || { echo "DVAPP-NOTE: $SYSTEM: perf not in the host (build/perf missing): no perf rows"; return; }
	$APPS/perf list hw sw 2>&1 | grep -v '^$' | sed 's/^/perf-list| /'
	if ! $APPS/perf stat -x, -e task-clock,context-switches true >/tmp/perf-probe 2>&1; then
		echo "DVAPP-NOTE: $SYSTEM: perf stat does not work here ($(head -1 /tmp/perf-probe)): no perf rows"
		return
	fi
	if [ -n "${PERF_EVENTS:-}" ]; then # BENCH_PERF_EVENTS: these, as given
		PERF_EV=$PERF_EVENTS
		echo "DVAPP-CONTEXT: perf events $PERF_EV (BENCH_PERF_EVENTS)"
		return
	fi
	PERF_EV=task-clock,context-switches,cpu-migrations,page-faults
	echo "DVAPP-CONTEXT: perf events $PERF_EV"
}
# perf_start PID: perf stat on every thread of PID, counters off until
# perf_ctl enable (its control FIFO: each command is acknowledged, so the
# window is exact); PERF_PID is perf's pid ("" when not started)
perf_start() {
	PERF_PID=
	[ -n "$PERF_EV" ] || return 1
	rm -f /tmp/perf.ctl /tmp/perf.ack /tmp/perf.out
	mkfifo /tmp/perf.ctl /tmp/perf.ack
	exec 7<>/tmp/perf.ctl 8<>/tmp/perf.ack
	$APPS/perf stat -x, -e $PERF_EV -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack -o /tmp/perf.out -p $1 \
		2>/tmp/perf.err 7>&- 8>&- &
	PERF_PID=$!
}
perf_ctl() { # enable|disable: sent, acknowledged within 60 s
	[ -n "$PERF_PID" ] || return 1
	echo $1 >&7
	read -t 60 a <&8 && [ "$a" = ack ] && return 0
	echo "DVAPP-NOTE: $SYSTEM: perf did not acknowledge '$1' ($(head -2 /tmp/perf.err | tr '\n' ' '))"
	return 1
}
perf_end() { # perf prints its counts in /tmp/perf.out and ends
	[ -n "$PERF_PID" ] || return 0
	kill -INT $PERF_PID 2>/dev/null
	wait $PERF_PID
	exec 7>&- 8>&-
	PERF_PID=
}
# perf_rows W N WINDOW-S WHAT: the rows of /tmp/perf.out (perf stat -x,:
# value,unit,event,...), per second of the window
perf_rows() {
	[ -s /tmp/perf.out ] || { echo "DVAPP-NOTE: $SYSTEM $1 $2: no perf output ($(head -2 /tmp/perf.err 2>/dev/null | tr '\n' ' '))"; return; }
	sed 's/^/perf| /' /tmp/perf.out
	awk -F, -v sys=$SYSTEM -v w=$1 -v n=$2 -v win=$3 -v what="$4" '
	/^#/ || NF < 3 || $3 == "" { next }
	$1 !~ /^[0-9.]+$/ { printf "DVAPP-NOTE: %s %s %s: perf %s %s\n", sys, w, n, $3, $1; next }
	$3 == "task-clock" { printf "DVAPP,%s,%s,%d,perf:task-clock,%.3f,CPUs,msec=%s;window=%.3fs;%s\n", sys, w, n, $1 / 1000 / win, $1, win, what; next }
	{ printf "DVAPP,%s,%s,%d,perf:%s,%.1f,1/s,count=%s;window=%.3fs;%s\n", sys, w, n, $3, $1 / win, $1, win, what }' /tmp/perf.out
}

# check W N LOG: the workload's own correctness and its result row(s);
# non-zero (with the reason printed) when the run is not right
check() {
	w=$1 n=$2 log=$3
	if [ $w = fio ]; then why=$(fio_check $n $log) || { echo "$why"; return 1; }; fi
	ns=$(sed -n 's/^.*APPTIME: ns=\([0-9]*\) rc=0$/\1/p' $log | tail -1)
	[ -n "$ns" ] || { echo "status $(sed -n 's/^.*APPTIME: ns=[0-9]* rc=\([0-9]*\)$/\1/p' $log | tail -1) (or no APPTIME line)"; return 1; }
	case $w in
	hackbench)
		grep -q "hackbench: groups=$HB_GROUPS loops=$HB_LOOPS messages=$((HB_GROUPS * 400 * HB_LOOPS)) " $log ||
			{ echo "no summary line for $HB_GROUPS groups x $HB_LOOPS loops"; return 1; }
		row $w $n time "$(awk -v ns=$ns 'BEGIN{printf "%.6f", ns / 1e9}')" s "groups=$HB_GROUPS loops=$HB_LOOPS"
		;;
	prime)
		l=$(grep -o 'prime: numbers=[0-9]* primes=[0-9]* sum=[0-9a-f]*' $log | tail -1)
		[ "$(echo "$l" | sed 's/.*numbers=\([0-9]*\).*/\1/')" = "$PRIME_COUNT" ] ||
			{ echo "factor did not print $PRIME_COUNT lines ($l)"; return 1; }
		row $w $n time "$(awk -v ns=$ns 'BEGIN{printf "%.6f", ns / 1e9}')" s "${l#prime: }"
		;;
	iperf)
		sent=$((IPERF_KB * 1024))
		# the server's report: "[  1] 0.0000-1.2345 sec  8192 KBytes  ..." (KBytes = 1024 bytes)
		kb=$(grep -o 'sec *[0-9.]* KBytes' $log | tail -1 | awk '{print $2}')
		[ -n "$kb" ] || { echo "no server report (bytes received)"; return 1; }
		got=$(awk -v k=$kb 'BEGIN{printf "%.0f", k * 1024}')
		[ "$got" = "$sent" ] || { echo "bytes received $got != bytes sent $sent"; return 1; }
		row $w $n throughput "$(awk -v b=$sent -v ns=$ns 'BEGIN{printf "%.3f", b * 8 / ns * 1000}')" Mbit/s \
			"bytes=$sent received=$got"
		;;
	nuttcp)
		sent=$((NT_KB * 1024))
		# -fparse -v: the client's and the server's (relayed) exact byte counts
		tx=$(grep -o 'nuttcp-t: bytes=[0-9]*' $log | tail -1 | cut -d= -f2)
		rx=$(grep -o 'nuttcp-r: bytes=[0-9]*' $log | tail -1 | cut -d= -f2)
		[ -n "$tx" ] && [ -n "$rx" ] || { echo "no byte counts from nuttcp (sent '$tx', received '$rx')"; return 1; }
		[ "$tx" = "$sent" ] && [ "$rx" = "$sent" ] ||
			{ echo "bytes received $rx, sent $tx, want $sent"; return 1; }
		row $w $n throughput "$(awk -v b=$sent -v ns=$ns 'BEGIN{printf "%.3f", b * 8 / ns * 1000}')" Mbit/s \
			"bytes=$sent received=$rx write=16384"
		;;
	bwmem)
		grep -q 'bwmem: ops=9 failed=0' $log ||
			{ echo "bwmem: $(grep -o 'bwmem: op=.*check=FAILED.*' $log | head -1 || true) ($(grep -o 'bwmem: ops=.*' $log | tail -1))"; return 1; }
		[ "$(grep -c 'bwmem: op=[a-z]* .* check=ok' $log)" = 9 ] || { echo "bwmem: not 9 operations checked ok"; return 1; }
		row $w $n time "$(awk -v ns=$ns 'BEGIN{printf "%.6f", ns / 1e9}')" s "ops=9"
		grep -o 'bwmem: op=[a-z]* .* check=ok' $log | while read -r _ op size passes reps bytes t mb _; do
			row $w $n "bw:${op#op=}" "${mb#mbps=}" MB/s "$size;$passes;$reps;$bytes;median_$t"
		done
		;;
	fio)
		# fio's own verdict first (fio_check); then the rows from the terse
		# lines: write run seq, rand; verify run seq, rand
		awk -v seq=$FIO_SEQ_KB -v ns=$ns -v w=$w -v n=$n -v row="DVAPP,$SYSTEM" -v dev=$FIO_DEV -v direct=$FIO_DIRECT '
		/^fio-(write|check): 3;/ { split($0, f, ";"); k = substr($1, 5, length($1) - 5) "-" f[3]
			rkb[k] = f[6]; rbw[k] = f[7]; riops[k] = f[8]; rrt[k] = f[9]
			wkb[k] = f[47]; wbw[k] = f[48]; wiops[k] = f[49]; wrt[k] = f[50] }
		END {
			# MiB moved over the runs'"'"' own runtimes (the verify run: its reads)
			# the rand verify: its reads less the replayed ones (fio_check)
			vkb = rkb["check-rand"] - rkb["write-rand"]; vrt = rrt["check-rand"] > 0 ? rrt["check-rand"] : 1
			kb = wkb["write-seq"] + rkb["write-rand"] + wkb["write-rand"] + rkb["check-seq"] + vkb
			rt = wrt["write-seq"] + (rrt["write-rand"] > wrt["write-rand"] ? rrt["write-rand"] : wrt["write-rand"]) + rrt["check-seq"] + rrt["check-rand"]
			if (rt <= 0) rt = 1
			printf "%s,%s,%d,throughput,%.3f,MiB/s,kb=%d;runtime_ms=%d;fio_all_s=%.6f;seq_kb=%d;dev=%s;direct=%d\n", row, w, n, kb / 1024 / (rt / 1000), kb, rt, ns / 1e9, seq, dev, direct
			printf "%s,%s,%d,bw:seq-write,%.3f,MiB/s,kb=%d;bs=128k\n", row, w, n, wbw["write-seq"] / 1024, wkb["write-seq"]
			printf "%s,%s,%d,bw:seq-verify,%.3f,MiB/s,kb=%d;bs=128k;crc32c\n", row, w, n, rbw["check-seq"] / 1024, rkb["check-seq"]
			printf "%s,%s,%d,bw:rand-read,%.3f,MiB/s,kb=%d;bs=4k\n", row, w, n, rbw["write-rand"] / 1024, rkb["write-rand"]
			printf "%s,%s,%d,bw:rand-write,%.3f,MiB/s,kb=%d;bs=4k\n", row, w, n, wbw["write-rand"] / 1024, wkb["write-rand"]
			printf "%s,%s,%d,bw:rand-verify,%.3f,MiB/s,kb=%d;bs=4k;crc32c;runtime_ms=%d\n", row, w, n, vkb / 1024 / (vrt / 1000), vkb, rrt["check-rand"]
			printf "%s,%s,%d,iops:rand-read,%d,IO/s,jobs=%d\n", row, w, n, riops["write-rand"], n
			printf "%s,%s,%d,iops:rand-write,%d,IO/s,jobs=%d\n", row, w, n, wiops["write-rand"], n
			printf "%s,%s,%d,iops:rand-verify,%d,IO/s,jobs=%d\n", row, w, n, vkb / 4 / (vrt / 1000), n
		}' $log
		;;
	memcached)
		l=$(grep -o 'MCLOAD: .*' $log | tail -1)
		[ -n "$l" ] || { echo "no MCLOAD line"; return 1; }
		row $w $n throughput "$(echo "$l" | sed 's/.*ops_per_s=\([0-9]*\).*/\1/')" ops/s \
			"$(echo "$l" | sed 's/MCLOAD: //; s/ ns=.*//; s/ /;/g')"
		;;
	esac
}

# ---- native: the same programs on the host, CPUs 0..N-1 ----
native() { # N
	n=$1
	for w in $WORKLOADS; do
		log=/tmp/app-$w-$n.log
		echo "DVAPP-RUN: $SYSTEM $w vcpus=$n"
		# fio: a file in the host's tmpfs (the VMs' disk image lives there too), written in full first
		if [ $w = fio ]; then
			export FIO_DEV=/tmp/fio-native.img FIO_DIRECT=0
			rm -f $FIO_DEV
			dd if=/dev/zero of=$FIO_DEV bs=1M count=$FIO_DISK_MB 2>/dev/null || echo "APPS: cannot create $FIO_DEV"
		fi
		if [ "$(wl_kind $w)" = local ]; then
			taskset -c "$(cpulist $n)" sh -c ". $APPS/workloads.sh; HB_LOOPS=1; PRIME_COUNT=$n; BW_KB=64; BW_PASSES=1; BW_REPS=1; FIO_SEQ_KB=128; FIO_RAND_KB=64; run_local $w $n" >/dev/null 2>&1
			rm -f /tmp/perf.out /tmp/perf.win
			if [ -n "$PERF_EV" ]; then
				# the workload's processes: perf stat around them (children inherit)
				$APPS/perf stat -x, -e $PERF_EV -o /tmp/perf.out -- \
					taskset -c "$(cpulist $n)" sh -c ". $APPS/workloads.sh; run_local $w $n" >$log 2>&1
				sed -n 's/^.*APPTIME: ns=\([0-9]*\) rc=.*$/\1/p' $log | tail -1 |
					awk '{ printf "%.6f\n", $1 / 1e9 }' >/tmp/perf.win
			else
				taskset -c "$(cpulist $n)" sh -c ". $APPS/workloads.sh; run_local $w $n" >$log 2>&1
			fi
		else
			rm -f /tmp/perf.out /tmp/perf.win
			(
				PIN="taskset -c $(cpulist $n)"
				server_start $w $n
				listening $(wl_port $w) || echo "APPS: $w server not listening"
				# the server's process (every thread), while the client runs
				perf_start $SRV && perf_ctl enable || { perf_end; rm -f /tmp/perf.out; }
				t0=$(up)
				taskset -c $client sh -c ". $APPS/workloads.sh; run_client $w $n 127.0.0.1"
				t1=$(up)
				if [ -n "$PERF_PID" ]; then
					perf_ctl disable
					perf_end
					awk -v a=$t0 -v b=$t1 'BEGIN { w = b - a; if (w < 0.01) w = 0.01; print w }' >/tmp/perf.win
				fi
				server_stop $w
			) >$log 2>&1
			# the server runs on CPUs 0..N-1: taskset -p on its pid
		fi
		sed "s/^/app| /" $log
		if why=$(check $w $n $log); then
			echo "$why"
			if [ -n "$PERF_EV" ]; then
				[ -s /tmp/perf.win ] && perf_rows $w $n "$(cat /tmp/perf.win)" \
					"proc=$([ "$(wl_kind $w)" = local ] && echo workload || echo server)" ||
					echo "DVAPP-NOTE: $SYSTEM $w $n: perf did not count (see app| lines)"
			fi
		else cellfail $w $n "$why"; fi
		[ $w = fio ] && rm -f $FIO_DEV
	done
}

# ---- a VM: the guest runs every workload in one boot (apps/guest-plan.sh) ----
# counters K: the K-th --stats block of the VMM's stderr as "name value" lines
counters() {
	awk -v k="$1" '
	/^stats: backend / { blk++; next }
	blk != k { next }
	/^stats: duvisor vcpu[0-9]+ / {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); v["dv." kv[1]] += kv[2] }
		next
	}
	$1 == "stats:" && $3 ~ /^total=/ { split($3, kv, "="); v[$2] = kv[2] }
	END { for (x in v) print x, v[x] }' /tmp/vm.err
}
snap() { stats_snap "$vmpid" /tmp/vm.err "$1"; } # K
wait_for() { # PATTERN TIMEOUT-S
	i=0
	while ! grep -q "$1" /tmp/vm.con; do
		kill -0 "$vmpid" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -le $(($2 * 50)) ] || return 1
		usleep 20000
	done
}
# rates W N K1 K2 WINDOW: exit rows from the difference of two snapshots
rates() {
	counters $3 >/tmp/c1
	counters $4 >/tmp/c2
	awk -v sys=$SYSTEM -v w=$1 -v n=$2 -v win=$5 '
	FNR == NR { a[$1] = $2; next }
	{ d = $2 - a[$1]; if (d <= 0) next; r = d / win
	  if ($1 == "kvm.exits" || $1 == "dv.hu_exits" || $1 == "dv.irq_exits") tot += d
	  if ($1 ~ /^(kvm\.|dv\.|exit_|sbi_|irq_)/ && $1 !~ /_ns$/)
		printf "DVAPP,%s,%s,%d,exits:%s,%.1f,1/s,count=%d\n", sys, w, n, $1, r, d }
	END { printf "DVAPP,%s,%s,%d,exits,%.1f,1/s,window=%.2fs\n", sys, w, n, tot / win, win }' /tmp/c1 /tmp/c2
}
vm() { # N
	n=$1
	rm -f /tmp/vm.fifo /tmp/vm.con /tmp/vm.err
	mkfifo /tmp/vm.fifo
	: >/tmp/vm.con
	: >/tmp/vm.err
	wl=$(echo $WORKLOADS | tr ' ' ,)
	echo "DVAPP-RUN: $SYSTEM guest vcpus=$n workloads=$wl"
	# fio: the guest's virtio-blk disk (/dev/vda), an image in the host's tmpfs, written in full first
	disk= fioarg=
	if echo " $WORKLOADS " | grep -q ' fio '; then
		rm -f /tmp/fio.img
		dd if=/dev/zero of=/tmp/fio.img bs=1M count=$FIO_DISK_MB 2>/dev/null && disk="--disk /tmp/fio.img"
		[ -n "${FIO_HOOK:-}" ] && fioarg=" apps.fiohook=$FIO_HOOK"
	fi
	taskset -c "$(cpulist $((n + 1)))" $VMM --kernel $G/Image --initrd $G/apps-initramfs.cpio --mem "${GUEST_MEM}M" \
		--cpus $n --stats --net tap=tap0,host-ip=192.0.2.1/24 $disk \
		--append "console=ttyS0 quiet apps.w=$wl apps.scale=$SCALE apps.ip=192.0.2.2/24$fioarg" \
		</tmp/vm.fifo >/tmp/vm.con 2>/tmp/vm.err &
	vmpid=$!
	exec 3>/tmp/vm.fifo
	k=0
	for w in $WORKLOADS; do
		if ! wait_for "APPS-READY: $w" 120; then
			cellfail $w $n "the guest did not get to $w (VMM $(kill -0 $vmpid 2>/dev/null && echo running || echo ended))"
			continue
		fi
		snap $((k + 1)) || { cellfail $w $n "no counters (--stats) on SIGQUIT"; continue; }
		# perf stat on the VMM's process (every thread), counting in the same window
		rm -f /tmp/perf.out
		perf_start $vmpid && perf_ctl enable || { perf_end; rm -f /tmp/perf.out; }
		t0=$(up)
		if [ "$(wl_kind $w)" = local ]; then
			echo go >&3
			wait_for "APPS-DONE: $w" $((60 + 30 * SCALE)) || { cellfail $w $n "the guest did not finish $w"; perf_end; tr -d '\r' </tmp/vm.con | tail -15 | sed 's/^/guest-tail| /'; continue; }
			t1=$(up)
			[ -n "$PERF_PID" ] && perf_ctl disable
			perf_end
			snap $((k + 2))
			sed -n "/APPS-READY: $w/,/APPS-DONE: $w/p" /tmp/vm.con | tr -d '\r' >/tmp/app-$w-$n.log
		else
			taskset -c $client sh -c ". $APPS/workloads.sh; run_client $w $n 192.0.2.2" >/tmp/app-$w-$n.cli 2>&1
			t1=$(up)
			[ -n "$PERF_PID" ] && perf_ctl disable
			perf_end
			snap $((k + 2))
			echo go >&3
			wait_for "APPS-DONE: $w" 60
			{ cat /tmp/app-$w-$n.cli; sed -n "/APPS-READY: $w/,/APPS-DONE: $w/p" /tmp/vm.con | tr -d '\r'; } >/tmp/app-$w-$n.log
		fi
		k=$((k + 2))
		sed "s/^/app| /" /tmp/app-$w-$n.log
		if why=$(check $w $n /tmp/app-$w-$n.log); then
			echo "$why"
			win=$(awk -v a=$t0 -v b=$t1 'BEGIN{w = b - a; if (w < 0.01) w = 0.01; print w}')
			rates $w $n $((k - 1)) $k "$win"
			[ -n "$PERF_EV" ] && perf_rows $w $n "$win" proc=vmm
		else
			cellfail $w $n "$why"
			tr -d '\r' </tmp/vm.con | tail -15 | sed 's/^/guest-tail| /'
		fi
	done
	exec 3>&-
	i=0
	while kill -0 $vmpid 2>/dev/null && [ $i -lt 3000 ]; do i=$((i + 1)); usleep 20000; done
	kill -9 $vmpid 2>/dev/null
	wait $vmpid
	rc=$?
	grep -q "APPS-GUEST: end" /tmp/vm.con || { echo "DVAPP-NOTE: $SYSTEM vcpus=$n: the guest did not reach its end (status $rc)"; }
	# DuVisor: the DV-driver's view over the whole guest run (the VMM's last
	# --stats block, at its exit; the last snapshot may have missed a guest
	# that powered off at once): firmware calls programming the VM's PMC
	# ranges and switch-ins of its vCPU threads; per switch-in, the ranges + 1
	awk -v k="$(grep -c '^stats: backend ' /tmp/vm.err)" -v sys=$SYSTEM -v n=$n '
	/^stats: backend / { b++ }
	b == k && /^stats: duvisor vcpu[0-9]+ / { for (i = 4; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == "driver_pmc_set") ps += kv[2]; else if (kv[1] == "driver_sched_in") si += kv[2] } }
	END { if (si > 0) {
		printf "DVAPP,%s,guest,%d,driver:pmc_set,%d,calls,sched_in=%d\n", sys, n, ps, si
		printf "DVAPP,%s,guest,%d,driver:pmc_per_switch,%.3f,calls,pmc_set=%d;sched_in=%d\n", sys, n, ps / si, ps, si } }' /tmp/vm.err
	sed 's/^/guest| /' /tmp/vm.con | grep -v '^guest| app' | tail -40
	awk '/^stats: backend /{b++} b == '"$((k + 1))"'' /tmp/vm.err | sed 's/^/stats| /' | head -60
}

# ---- K VMs of 1 vCPU at once, hackbench in each (multi-VM scaling) ----
multivm() { # K
	K=$1 i=0
	echo "DVAPP-RUN: $SYSTEM $K VMs of 1 vCPU, hackbench"
	while [ $i -lt $K ]; do
		rm -f /tmp/mv$i.fifo /tmp/mv$i.con /tmp/mv$i.err
		mkfifo /tmp/mv$i.fifo
		: >/tmp/mv$i.con
		taskset -c $i $VMM --kernel $G/Image --initrd $G/apps-initramfs.cpio --mem "${GUEST_MEM}M" --cpus 1 --stats \
			--append "console=ttyS0 quiet apps.w=hackbench apps.scale=$SCALE" \
			</tmp/mv$i.fifo >/tmp/mv$i.con 2>/tmp/mv$i.err &
		eval "pid$i=\$!"
		eval "exec $((i + 3))>/tmp/mv$i.fifo"
		i=$((i + 1))
	done
	ok=1 i=0
	while [ $i -lt $K ]; do
		j=0
		while ! grep -q "APPS-READY: hackbench" /tmp/mv$i.con; do
			j=$((j + 1))
			[ $j -le 30000 ] || { ok=0; break; }
			usleep 20000
		done
		i=$((i + 1))
	done
	[ $ok = 1 ] || { cellfail hackbench-vms $K "not every guest got to hackbench"; }
	i=0
	while [ $i -lt $K ]; do echo go >&$((i + 3)); i=$((i + 1)); done
	i=0 sum=0
	while [ $i -lt $K ]; do
		j=0
		while ! grep -q "APPS-DONE: hackbench" /tmp/mv$i.con; do
			j=$((j + 1))
			[ $j -le 90000 ] || break
			usleep 20000
		done
		tr -d '\r' </tmp/mv$i.con | sed -n "/APPS-READY: hackbench/,/APPS-DONE: hackbench/p" >/tmp/app-mv$i.log
		sed "s/^/app| vm$i: /" /tmp/app-mv$i.log
		if why=$(check hackbench 1 /tmp/app-mv$i.log); then
			t=$(echo "$why" | cut -d, -f6)
			row hackbench-vms $K time.vm$i "$t" s "vm=$i of $K"
			sum=$(awk -v a=$sum -v b=$t 'BEGIN{print a + b}')
		else
			cellfail hackbench-vms $K "VM $i: $why"
			ok=0
		fi
		i=$((i + 1))
	done
	[ $ok = 1 ] && row hackbench-vms $K time "$(awk -v a=$sum -v k=$K 'BEGIN{printf "%.6f", a / k}')" s "mean of $K VMs"
	i=0
	while [ $i -lt $K ]; do
		eval "exec $((i + 3))>&-"
		eval "p=\$pid$i"
		j=0
		while kill -0 $p 2>/dev/null && [ $j -lt 3000 ]; do j=$((j + 1)); usleep 20000; done
		kill -9 $p 2>/dev/null
		wait $p
		i=$((i + 1))
	done
}

[ -n "${MULTIVM:-}" ] || perf_probe
if [ -n "${MULTIVM:-}" ]; then
	for k in $MULTIVM; do multivm $k; done
else
	for n in $VCPUS; do
		if [ "$SYSTEM" = native ]; then native $n; else vm $n; fi
	done
fi
if [ -n "$beside" ]; then
	if beside_snap 2; then
		t1=$(cut -d' ' -f1 /proc/uptime)
		e0=$(beside_exits 1) e1=$(beside_exits 2) cs1=$(beside_switches)
		echo "DVAPP-BESIDE: the idle DuVisor VM ran beside to the end: $((e1 - e0)) exits, its threads switched in $((cs1 - beside_cs0)) times in $(awk -v a=$beside_t0 -v b=$t1 'BEGIN{printf "%.1f", b - a}') s"
		kill -9 $beside 2>/dev/null
		wait $beside
	else
		tail -5 /tmp/beside.err /tmp/beside.con | sed 's/^/# beside: /'
		echo "DVAPP-FAIL: $SYSTEM all all: the idle DuVisor VM beside ended during the run"
		failed=$((failed + 1))
	fi
fi
echo "DVAPP-END: $SYSTEM failed=$failed"
exit $failed
