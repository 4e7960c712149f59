# The application workloads' command lines (sourced by apps/guest-plan.sh in
# the Linux guest and apps/host-plan.sh in the modelled host; busybox sh).
# Every size is a function of SCALE (BENCH_SCALE of scripts/bench/apps) so
# that a run is a fixed amount of work whose time is measured.
#   hackbench  10 groups (the paper's), 10*SCALE loops (the paper: 100)
#   prime      busybox factor over 5000*SCALE numbers from 10^9+1, split
#              into one contiguous range per CPU (threads = CPUs, as the
#              paper's sysbench); fixed total work
#   iperf      one TCP stream of IPERF_KB KiB (8 MiB x SCALE), guest server, host client
#   memcached  memcached with one worker thread per CPU, mcload with 2
#              connections per CPU, MC_REQS requests each (1 SET : 10 GET,
#              32-byte values); MC_BASE (default 500) requests per SCALE
#   nuttcp     the Netperf substitute: one TCP stream of NT_KB KiB (8 MiB x
#              SCALE) in 16 KiB writes, guest server (nuttcp -1), host client
#   bwmem      memory bandwidth (Fig. 9b): apps/bwmem.c's nine operations over
#              a BW_KB KiB buffer (4 MiB), BW_PASSES passes (2 x SCALE) timed,
#              the median of BW_REPS (5) repetitions
#   fio        FileIO (the paper's v1): fio 3.33, psync, on FIO_DEV: in a guest
#              its virtio-blk disk /dev/vda with O_DIRECT (every I/O reaches
#              the VMM, whose disk image is a file in the host's tmpfs);
#              native, a file in the host's tmpfs (no O_DIRECT there: the
#              page cache is the storage). Two jobs, verify=crc32c:
#                seq   128 KiB writes over FIO_SEQ_KB KiB (16 MiB x SCALE)
#                rand  4 KiB randrw 50:50 over FIO_RAND_KB KiB (4 MiB x SCALE)
#                      after it, one region and job per CPU
#              a first fio run writes (do_verify=0), a second reads every
#              written block back and checks it (verify_only=1, the same
#              jobs and random seeds; it replays the first run's I/O without
#              doing it, and its rand read count includes the replayed
#              reads: the checked KiB are the rest). invalidate only with
#              O_DIRECT (tmpfs has no fadvise DONTNEED: fio warns). FIO_HOOK (a test hook, tests/suites/
#              apps): "corrupt" zeroes a block of the seq region between the
#              runs, "noverify" runs both with verify=none; either must fail
#              the cell's check
# A bin/ directory holding the programs is $APPS (default /opt/apps/bin).
# SCALE 0 is the smoke size (tests/suites/apps): a few messages, numbers,
# KiB and requests, enough to check that each workload works.
APPS=${APPS:-/opt/apps/bin}
SCALE=${SCALE:-1}
export APPS SCALE
HB_GROUPS=10
HB_LOOPS=$((10 * SCALE))
PRIME_BASE=1000000001
PRIME_COUNT=$((5000 * SCALE))
IPERF_KB=$((8192 * SCALE))
MC_REQS=$((${MC_BASE:-500} * SCALE))
NT_KB=$((8192 * SCALE))
BW_KB=4096
BW_PASSES=$((2 * SCALE))
BW_REPS=5
FIO_SEQ_KB=$((16384 * SCALE))
FIO_RAND_KB=$((4096 * SCALE))
if [ "$SCALE" = 0 ]; then
	HB_GROUPS=2 HB_LOOPS=2 PRIME_COUNT=40 IPERF_KB=256 MC_REQS=50 NT_KB=256 BW_KB=256 BW_PASSES=1 BW_REPS=3
	FIO_SEQ_KB=1024 FIO_RAND_KB=256
fi
# the disk (image or native file): 64 MiB, or what the jobs need
FIO_DISK_MB=$(((FIO_SEQ_KB + FIO_RAND_KB + 1023) / 1024))
[ $FIO_DISK_MB -ge 64 ] || FIO_DISK_MB=64
FIO_DEV=${FIO_DEV:-/dev/vda}
FIO_DIRECT=${FIO_DIRECT:-1}
MC_PORT=11211
IPERF_PORT=5001
NT_PORT=5101 # control; data on the next port

# kind W: "local" (runs where it is measured) or "server" (a server here, the
# client on the host)
wl_kind() {
	case $1 in iperf | memcached | nuttcp) echo server ;; *) echo local ;; esac
}

wl_port() { case $1 in iperf) echo $IPERF_PORT ;; memcached) echo $MC_PORT ;; nuttcp) echo $NT_PORT ;; esac; }

# listening PORT: wait (4 s at most) until a server listens on PORT
listening() {
	i=0
	while ! netstat -ltn 2>/dev/null | grep -q ":$1 "; do
		i=$((i + 1))
		[ $i -le 200 ] || return 1
		usleep 20000
	done
}

# run_local W CPUS: the measured command of a local workload; prints its
# own lines and "APPTIME: ns=N rc=R"; returns R
run_local() {
	case $1 in
	hackbench) $APPS/apptime $APPS/hackbench -g $HB_GROUPS -l $HB_LOOPS ;;
	prime) $APPS/apptime sh -c ". $APPS/workloads.sh; PRIME_COUNT=$PRIME_COUNT; prime_all $2" ;;
	bwmem) $APPS/apptime $APPS/bwmem -n $BW_PASSES -r $BW_REPS ${BW_KB}K ;;
	fio) $APPS/apptime sh -c ". $APPS/workloads.sh; FIO_SEQ_KB=$FIO_SEQ_KB FIO_RAND_KB=$FIO_RAND_KB FIO_DEV=$FIO_DEV \
		FIO_DIRECT=$FIO_DIRECT FIO_HOOK=${FIO_HOOK:-}; fio_all $2" ;;
	*) echo "APPS: unknown workload $1"; return 2 ;;
	esac
}

# prime_all CPUS: factor PRIME_COUNT numbers in CPUS parallel ranges; prints
# "prime: numbers=N primes=P sum=S" (S: a checksum of every factor line)
prime_all() {
	n=$1 i=0 per=$(((PRIME_COUNT + $1 - 1) / $1)) pids=
	while [ $i -lt $n ]; do
		lo=$((PRIME_BASE + i * per))
		hi=$((lo + per - 1))
		[ $hi -lt $((PRIME_BASE + PRIME_COUNT - 1)) ] || hi=$((PRIME_BASE + PRIME_COUNT - 1))
		seq $lo $hi | factor >/tmp/prime.$i &
		pids="$pids $!"
		i=$((i + 1))
	done
	rc=0
	for p in $pids; do wait $p || rc=1; done
	i=0
	: >/tmp/prime.all
	while [ $i -lt $n ]; do cat /tmp/prime.$i >>/tmp/prime.all; rm -f /tmp/prime.$i; i=$((i + 1)); done
	echo "prime: numbers=$(wc -l </tmp/prime.all) primes=$(awk 'NF == 2' /tmp/prime.all | wc -l) sum=$(md5sum </tmp/prime.all | cut -c1-16)"
	return $rc
}

# fio_job CPUS VERIFY-ONLY: the job file of fio_all's runs on FIO_DEV
fio_job() {
	per=$((FIO_RAND_KB / $1 / 4 * 4))
	v=crc32c
	[ "${FIO_HOOK:-}" = noverify ] && v=0
	cat <<JOB
[global]
filename=$FIO_DEV
ioengine=psync
direct=$FIO_DIRECT
invalidate=$FIO_DIRECT
verify=$v
do_verify=$2
verify_only=$2
randrepeat=1
[seq]
rw=write
bs=128k
offset=0
size=${FIO_SEQ_KB}k
[rand]
stonewall
rw=randrw
rwmixread=50
bs=4k
numjobs=$1
offset=${FIO_SEQ_KB}k
offset_increment=${per}k
size=${per}k
group_reporting
JOB
}

# fio_all CPUS: fio_job's write run, then (FIO_HOOK=corrupt: a block of the
# seq region zeroed) its verify run; prints fio's output, the terse lines
# tagged "fio-write:" and "fio-check:", and "fio: runs=2 rc=R1,R2"; returns
# non-zero if a run did
fio_all() {
	fio_job $1 0 >/tmp/fio-w.job
	fio_job $1 1 >/tmp/fio-v.job
	$APPS/fio --eta=never --output-format=normal,terse /tmp/fio-w.job >/tmp/fio-w.out 2>&1
	r1=$?
	if [ "${FIO_HOOK:-}" = corrupt ]; then
		dd if=/dev/zero of=$FIO_DEV bs=4096 seek=$((FIO_SEQ_KB / 8)) count=1 conv=notrunc 2>/dev/null
		sync
		echo "fio: hook: zeroed 4 KiB at $((FIO_SEQ_KB / 2)) KiB of $FIO_DEV"
	fi
	$APPS/fio --eta=never --output-format=normal,terse /tmp/fio-v.job >/tmp/fio-v.out 2>&1
	r2=$?
	sed 's/^3;fio-/fio-write: 3;fio-/' /tmp/fio-w.out
	sed 's/^3;fio-/fio-check: 3;fio-/' /tmp/fio-v.out
	echo "fio: runs=2 rc=$r1,$r2"
	[ $r1 = 0 ] && [ $r2 = 0 ]
}

# server_start W CPUS: start the server of W in the background (pid in SRV),
# prefixed by $PIN (taskset) if set
server_start() {
	case $1 in
	iperf) $PIN $APPS/iperf -s -p $IPERF_PORT -f k >/tmp/srv.log 2>&1 & ;;
	memcached) $PIN $APPS/runas 1000 $APPS/memcached -p $MC_PORT -U 0 -t $2 -m 64 >/tmp/srv.log 2>&1 & ;;
	nuttcp) $PIN $APPS/nuttcp -1 --nofork -P $NT_PORT -p $((NT_PORT + 1)) >/tmp/srv.log 2>&1 & ;;
	esac
	SRV=$!
}

# server_stop W: stop it, print its exit status and log as "srv| " lines
server_stop() {
	# still running: SIGTERM's 143 (nuttcp -1 ends by itself: 0); else how it ended
	kill $SRV 2>/dev/null
	wait $SRV 2>/dev/null
	echo "srv| server status $?"
	sed 's/^/srv| /' /tmp/srv.log
}

# run_client W CPUS ADDR: the measured client of a server workload; killed
# after CLIENT_LIMIT seconds (virtual under icount: cheap when the machine
# idles, but a spinning one pays for every virtual second), then its status
# is 137
CLIENT_LIMIT=$((20 + 10 * SCALE))
run_client() {
	case $1 in
	iperf) $APPS/apptime timeout -s KILL $CLIENT_LIMIT $APPS/iperf -c $3 -p $IPERF_PORT -n ${IPERF_KB}K -f k ;;
	memcached) $APPS/apptime timeout -s KILL $CLIENT_LIMIT $APPS/mcload -s $3 -p $MC_PORT -c $((2 * $2)) -n $MC_REQS -k 100 -d 32 -r 10 ;;
	# -fparse -v: both ends' byte counts (the server's relayed), "nuttcp-t: bytes=N" and "nuttcp-r: bytes=N"
	nuttcp) $APPS/apptime timeout -s KILL $CLIENT_LIMIT $APPS/nuttcp -fparse -v -t -n $((NT_KB / 16)) -l 16384 \
		-P $NT_PORT -p $((NT_PORT + 1)) $3 ;;
	esac
}
