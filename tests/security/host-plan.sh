#!/bin/sh
# Plan of the modelled host for the security suite and `make security`
# (issue 12). /etc/sectest.conf sets what to run:
#   DVFUZZ_SEEDS="1 2 3" DVFUZZ_OPS=N DVFUZZ_THREADS=N   ioctl/mmap fuzzer
#   TABLE6="s2 plic ..."                                  Table 6 classes
#   GFUZZ_SEEDS="1 2 3" GFUZZ_OPS=N                       guest fuzzer, both VMMs
# One "DVTEST: ok|FAIL - what" line per check; "SECROW: ..." lines carry
# the figures for results/security.md.
cd /opt/duvisor || exit 1
KO=bin/duvisor.ko
DVFUZZ_SEEDS=1 DVFUZZ_OPS=300 DVFUZZ_THREADS=4 TABLE6= BYSTANDER_MMIO=600000 CONTROLS=1
GFUZZ_SEEDS= GFUZZ_OPS=2000 GFUZZ_STOPS=40
G=guests
[ -f /etc/sectest.conf ] && . /etc/sectest.conf

t() { # STATUS WHAT
	if [ "$1" = 0 ]; then echo "DVTEST: ok - $2"; else echo "DVTEST: FAIL - $2"; fi
}
# kB the CMA allocator has handed out (CONFIG_CMA_DEBUGFS; pages of 4 kB), or
# -1. Exact: CmaFree also moves with movable pages the kernel keeps in CMA.
cmaused() { cat /sys/kernel/debug/cma/*/used 2>/dev/null | awk '{s += $1} END {print NR ? s * 4 : -1}'; }
# Host-side problems in the kernel log since the last mark: oops, BUG,
# WARN, RCU stalls, soft/hard lockups, hung tasks.
kbad() { dmesg | grep -E 'Oops|BUG:|WARNING:|rcu.*stall|soft lockup|hard LOCKUP|hung_task|blocked for more than|Kernel panic|general protection' ; }
kmark() { dmesg -c >/dev/null; }

sig() { # STATUS -> signal name or "exit N"
	case $1 in
	132) echo SIGILL ;; 133) echo SIGTRAP ;; 134) echo SIGABRT ;; 135) echo SIGBUS ;;
	137) echo SIGKILL ;; 139) echo SIGSEGV ;; 124) echo timeout ;; *) echo "exit $1" ;;
	esac
}

insmod $KO
t $? "DV-driver loads (insmod)"
kmark

# ---- part 4: /dev/duvisor ioctl and mmap fuzzer ----
for seed in $DVFUZZ_SEEDS; do
	kmark
	before=$(cmaused)
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
	after=$(cmaused)
	echo "SECROW: dvfuzz|$seed|$rc|$([ -z "$k" ] && echo none || echo KERNEL)|$r1|$before|$after|$start|$end|$stats"
done

# ---- part 3: the guest fuzzer, same seeds on DuVisor and KVM ----
gfuzz() { # NAME BINARY SEED
	# The VMM may end the guest's run on an input (an error exit): that is
	# recorded as a stop with the input that caused it (seed, index, what
	# it was: "from=I ops=1" replays it alone) and the run goes on from the
	# next input, up to GFUZZ_STOPS stops. A signal, a hang or a kernel
	# complaint is a finding.
	name=$1 bin=$2 seed=$3
	kmark
	dd if=/dev/zero of=/tmp/gf.img bs=65536 count=16 2>/dev/null
	before=$(cmaused)
	start=$(cut -d' ' -f1 /proc/uptime)
	pos=0 stops=0 ran=0 sigs=0 exc=0
	: >/tmp/gf-stops.txt
	while [ $pos -lt $GFUZZ_OPS ] && [ $stops -le $GFUZZ_STOPS ]; do
		timeout 300 $bin --kernel $G/guestfuzz.elf --disk /tmp/gf.img --virtio-console \
			--append "seed=$seed ops=$((GFUZZ_OPS - pos)) from=$pos verbose=1" >/tmp/gf.log 2>&1 </dev/null
		rc=$?
		if grep -aq 'GFUZZ: done' /tmp/gf.log && [ $rc = 0 ]; then
			ran=$((ran + GFUZZ_OPS - pos))
			e=$(sed -n 's/.*GFUZZ: done.* exceptions=\([0-9]*\).*/\1/p' /tmp/gf.log)
			exc=$((exc + ${e:-0}))
			break
		fi
		last=$(grep -a 'GFUZZ: input ' /tmp/gf.log | tail -1 | sed 's/.*input \([0-9]*\):.*/\1/')
		[ -z "$last" ] && last=$pos
		what=$(grep -a 'GFUZZ: ' /tmp/gf.log | tail -1 | sed 's/.*GFUZZ: //')
		err=$(grep -av 'GFUZZ' /tmp/gf.log | grep -av '^$' | tail -1)
		[ $rc -gt 128 ] && sigs=$((sigs + 1))
		echo "$seed|$last|$(sig $rc)|$what|$err" >>/tmp/gf-stops.txt
		ran=$((ran + last - pos))
		stops=$((stops + 1))
		pos=$((last + 1))
	done
	end=$(cut -d' ' -f1 /proc/uptime)
	sed "s/^/gfuzz-$name-stop| /" /tmp/gf-stops.txt | head -5
	k=$(kbad)
	[ -n "$k" ] && echo "$k" | sed 's/^/# kernel: /'
	t "$([ -z "$k" ] && echo 0)" "gfuzz $name seed $seed: the host kernel logged no oops, BUG, WARN, stall or lockup"
	t "$([ $sigs = 0 ] && ! grep -q '|timeout|' /tmp/gf-stops.txt && echo 0)" \
		"gfuzz $name seed $seed: the VMM never crashed or hung ($ran inputs run, $stops error stops)"
	i=0
	while [ $i -lt 50 ] && [ "$(cmaused)" != "$before" ]; do usleep 200000; i=$((i + 1)); done
	after=$(cmaused)
	secs=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
	echo "SECROW: gfuzz|$name|$seed|$ran|$stops|$sigs|$([ -z "$k" ] && echo none || echo KERNEL)|$before|$after|$secs|$exc|$([ $pos -ge $GFUZZ_OPS ] || grep -aq 'GFUZZ: done' /tmp/gf.log && echo all || echo "capped at $pos")"
	sed "s/^/SECSTOP: $name|/" /tmp/gf-stops.txt
}
if [ -n "$GFUZZ_SEEDS" ]; then
	for seed in $GFUZZ_SEEDS; do
		gfuzz duvisor bin/duvisor "$seed"
		gfuzz kvm bin/dv-kvm "$seed"
	done
	bin/dvfuzz --idle 1 >/tmp/idle.log 2>&1
	t $? "gfuzz: afterwards the DV-driver holds nothing"
fi

# ---- part 1: Table 6, one planted bug per class, fired by the guest ----
show() { sed "s/^/$2| /" "$1"; }
ok_guest() { [ "$1" = 0 ] && grep -q "DVTEST: ok mmio" "$2" && ! grep -q "DVTEST: FAIL" "$2"; }

table6() { # CLASS
	c=$1
	kmark
	before=$(cmaused)
	# The bystanders: one DuVisor VM and one KVM VM, running through the fault.
	# The spinning class runs longest before it is killed: longer bystanders.
	n=$BYSTANDER_MMIO
	[ "$c" = sbi-loop ] && n=$((n * 4))
	bstart=$(cut -d' ' -f1 /proc/uptime)
	bin/duvisor --kernel $G/selftest.elf --append "mmio=$n timer=1" >/tmp/by-dv.log 2>&1 &
	bdv=$!
	bin/dv-kvm --kernel $G/selftest.elf --append "mmio=$n timer=1" >/tmp/by-kvm.log 2>&1 &
	bkvm=$!
	usleep 500000
	spin=-
	if [ "$c" = sbi-loop ]; then
		DV_FAULT=$c bin/duvisor-faults --kernel $G/secguest.elf --append "trigger=$c" >/tmp/f.log 2>&1 &
		fp=$!
		i=0
		while [ $i -lt 150 ] && ! grep -q 'fault-inject:' /tmp/f.log; do usleep 200000; i=$((i + 1)); done
		usleep 500000
		# Only its own thread burns its hart: its CPU time grows by about
		# the wall time, and the host still answers: a shell loop, a fork.
		u1=$(awk '{print $14 + $15}' /proc/$fp/stat)
		t1=$(cut -d' ' -f1 /proc/uptime)
		n=0
		while [ $n -lt 2000 ]; do n=$((n + 1)); done
		/bin/true
		sleep 2
		u2=$(awk '{print $14 + $15}' /proc/$fp/stat)
		t2=$(cut -d' ' -f1 /proc/uptime)
		spin="$((u2 - u1)) ticks of CPU in $(echo "$t1 $t2" | awk '{printf "%.1f", $2 - $1}') s"
		kill -0 $bdv 2>/dev/null && kill -0 $bkvm 2>/dev/null
		alive=$?
		kill -9 $fp
		wait $fp
		rc=$?
		t "$([ $((u2 - u1)) -gt 50 ] && [ $alive = 0 ] && echo 0)" \
			"table6 $c: DuVisor spins in its SBI handler ($spin), the host answers and the bystanders run; kill -9 ends it"
	else
		DV_FAULT=$c timeout 60 bin/duvisor-faults --kernel $G/secguest.elf --append "trigger=$c" \
			>/tmp/f.log 2>&1
		rc=$?
		kill -0 $bdv 2>/dev/null && kill -0 $bkvm 2>/dev/null
		alive=$?
	fi
	show /tmp/f.log "fault-$c"
	fired=$(grep -c 'fault-inject:' /tmp/f.log)
	survived=$(grep -c 'SECGUEST: survived' /tmp/f.log)
	outcome=$(sig $rc)
	t "$([ "$fired" -ge 1 ] && [ "$survived" = 0 ] && [ $rc -gt 128 ] && [ $rc != 124 ] && echo 0)" \
		"table6 $c: the guest fired the planted bug and DuVisor died ($outcome)"
	wait $bdv
	rdv=$?
	wait $bkvm
	rkvm=$?
	bend=$(cut -d' ' -f1 /proc/uptime)
	echo "# table6 $c: bystanders ran $(echo "$bstart $bend" | awk '{printf "%.1f", $2 - $1}') s"
	show /tmp/by-dv.log "bystander-dv"
	show /tmp/by-kvm.log "bystander-kvm"
	ok_guest $rdv /tmp/by-dv.log
	bd=$?
	ok_guest $rkvm /tmp/by-kvm.log
	bk=$?
	t "$([ $alive = 0 ] && [ $bd = 0 ] && [ $bk = 0 ] && echo 0)" \
		"table6 $c: the bystander VMs (one DuVisor, one KVM) were running at the fault and finished correctly (status $rdv, $rkvm)"
	k=$(kbad)
	[ -n "$k" ] && echo "$k" | sed 's/^/# kernel: /'
	t "$([ -z "$k" ] && echo 0)" "table6 $c: the host kernel logged no oops, BUG, WARN, stall or lockup"
	i=0
	while [ $i -lt 50 ] && [ "$(cmaused)" != "$before" ]; do usleep 200000; i=$((i + 1)); done
	after=$(cmaused)
	bin/dvfuzz --idle 1 >/tmp/idle.log 2>&1
	idle=$?
	t "$([ "$before" -ge 0 ] && [ "$after" = "$before" ] && [ $idle = 0 ] && echo 0)" \
		"table6 $c: CMA came back ($before kB allocated from CMA before, $after kB after) and the driver holds nothing"
	echo "SECROW: table6|$c|$outcome|$fired|$([ -z "$k" ] && echo none || echo KERNEL)|$rdv|$rkvm|$alive|$before|$after|$spin"
	if [ "$CONTROLS" = 1 ]; then
		# Controls: the same guest action with the switch off (DV_FAULT
		# unset) and on the normal DuVisor (no switches built in).
		timeout 60 bin/duvisor-faults --kernel $G/secguest.elf --append "trigger=$c" >/tmp/c1.log 2>&1
		r1=$?
		timeout 60 bin/duvisor --kernel $G/secguest.elf --append "trigger=$c" >/tmp/c2.log 2>&1
		r2=$?
		t "$([ $r1 = 7 ] && [ $r2 = 7 ] && ! grep -q fault-inject /tmp/c1.log && echo 0)" \
			"table6 $c: control: without DV_FAULT, and on the normal DuVisor, the same guest action is harmless (guest exits 7: $r1, $r2)"
	fi
}

if [ -n "$TABLE6" ]; then
	has_kvm=0
	[ -c /dev/kvm ] && has_kvm=1
	t "$([ $has_kvm = 1 ] && echo 0)" "KVM is there for the KVM bystander (/dev/kvm)"
	for c in $TABLE6; do
		table6 "$c"
	done
fi

dmesg | grep -E 'duvisor|Oops|BUG' | sed 's/^/# dmesg: /' | tail -20
rmmod duvisor
t $? "DV-driver unloads at the end"
exit 0
