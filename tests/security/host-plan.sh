#!/bin/sh
# Plan of the modelled host for the security suite and `make security`
# (issue 12). /etc/sectest.conf sets what to run:
#   DVFUZZ_SEEDS="1 2 3" DVFUZZ_OPS=N DVFUZZ_THREADS=N   ioctl/mmap fuzzer
#   TABLE6="s2 plic ..."                                  Table 6 classes
# One "DVTEST: ok|FAIL - what" line per check; "SECROW: ..." lines carry
# the figures for results/security.md.
cd /opt/duvisor || exit 1
KO=bin/duvisor.ko
DVFUZZ_SEEDS=1 DVFUZZ_OPS=300 DVFUZZ_THREADS=4 TABLE6=
[ -f /etc/sectest.conf ] && . /etc/sectest.conf

t() { # STATUS WHAT
	if [ "$1" = 0 ]; then echo "DVTEST: ok - $2"; else echo "DVTEST: FAIL - $2"; fi
}
cmafree() { sed -n 's/^CmaFree: *\([0-9]*\) kB/\1/p' /proc/meminfo; }
# Host-side problems in the kernel log since the last mark: oops, BUG,
# WARN, RCU stalls, soft/hard lockups, hung tasks.
kbad() { dmesg | grep -E 'Oops|BUG:|WARNING:|rcu.*stall|soft lockup|hard LOCKUP|hung_task|blocked for more than|Kernel panic|general protection' ; }
kmark() { dmesg -c >/dev/null; }

insmod $KO
t $? "DV-driver loads (insmod)"
kmark

# ---- part 4: /dev/duvisor ioctl and mmap fuzzer ----
for seed in $DVFUZZ_SEEDS; do
	kmark
	before=$(cmafree)
	start=$(cut -d' ' -f1 /proc/uptime)
	timeout 300 bin/dvfuzz --seed "$seed" --ops "$DVFUZZ_OPS" --threads "$DVFUZZ_THREADS" \
		--mem-max 16 >/tmp/dvfuzz.log 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	sed -n -e 's/^DVT-OK: /DVTEST: ok - /p' -e 's/^DVT-FAIL: /DVTEST: FAIL - /p' -e 's/^DVT: /# dvfuzz: /p' /tmp/dvfuzz.log
	stats=$(sed -n 's/^DVT: //p' /tmp/dvfuzz.log)
	k=$(kbad)
	[ -n "$k" ] && echo "$k" | sed 's/^/# kernel: /'
	t "$([ -z "$k" ] && echo 0)" "dvfuzz seed $seed: the host kernel logged no oops, BUG, WARN, stall or lockup"
	t "$([ $rc -lt 128 ] && echo 0)" "dvfuzz seed $seed: the fuzzer itself ran to its end (status $rc)"
	rmmod duvisor
	r1=$?
	t $r1 "dvfuzz seed $seed: rmmod works afterwards (nothing pins the module)"
	insmod $KO
	after=$(cmafree)
	echo "SECROW: dvfuzz|$seed|$rc|$([ -z "$k" ] && echo none || echo KERNEL)|$r1|$before|$after|$start|$end|$stats"
done

dmesg | grep -E 'duvisor|Oops|BUG' | sed 's/^/# dmesg: /' | tail -20
rmmod duvisor
t $? "DV-driver unloads at the end"
exit 0
