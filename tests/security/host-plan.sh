#!/bin/sh
# Plan of the modelled host for the security suite and `make security`
# (issue 12). /etc/sectest.conf sets what to run:
#   DVFUZZ_SEEDS="1 2 3" DVFUZZ_OPS=N DVFUZZ_THREADS=N   ioctl/mmap fuzzer
#   TABLE6="s2 plic ..."                                  Table 6 classes
# One "DVTEST: ok|FAIL - what" line per check; "SECROW: ..." lines carry
# the figures for results/security.md.
cd /opt/duvisor || exit 1
KO=bin/duvisor.ko
DVFUZZ_SEEDS=1 DVFUZZ_OPS=300 DVFUZZ_THREADS=4 TABLE6= BYSTANDER_MMIO=25000 CONTROLS=1
G=guests
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

# ---- part 1: Table 6, one planted bug per class, fired by the guest ----
sig() { # STATUS -> signal name or "exit N"
	case $1 in
	132) echo SIGILL ;; 133) echo SIGTRAP ;; 134) echo SIGABRT ;; 135) echo SIGBUS ;;
	137) echo SIGKILL ;; 139) echo SIGSEGV ;; 124) echo timeout ;; *) echo "exit $1" ;;
	esac
}
show() { sed "s/^/$2| /" "$1"; }
ok_guest() { [ "$1" = 0 ] && grep -q "DVTEST: ok mmio" "$2" && ! grep -q "DVTEST: FAIL" "$2"; }

table6() { # CLASS
	c=$1
	kmark
	before=$(cmafree)
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
	while [ $i -lt 50 ] && [ $((before - $(cmafree))) -ge 2048 ]; do usleep 200000; i=$((i + 1)); done
	after=$(cmafree)
	bin/dvfuzz --idle 1 >/tmp/idle.log 2>&1
	idle=$?
	t "$([ $((before - after)) -lt 2048 ] && [ $idle = 0 ] && echo 0)" \
		"table6 $c: CMA came back (CmaFree $before kB before, $after kB after) and the driver holds nothing"
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
