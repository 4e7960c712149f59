#!/bin/sh
# Plan of the modelled host for the kvmopt suite: the kvm-opt host kernel
# (KVM posting VSSI/VSEI through DV-Ext, docs/dv-ext.md "Kernel-level
# posting (KVM-OPT)"). First its own checks (posting on or off as the model
# says, dv-kvm's --vpost, a V-mode posting guest), then the kvm suite's plan
# (bin/kvm-plan.sh: the shared guest cases, Linux with 1, 2 and 4 vCPUs,
# in the mode kvmtest.mode= names). One "KVMTEST: ok|FAIL - what" line per
# check. kvmopt.posting=Y|N on the command line: what the host must show.
cd /opt/duvisor || exit 1
echo 0 >/proc/sys/kernel/randomize_va_space
TAG=KVMTEST
t() { if [ "$1" = 0 ]; then echo "$TAG: ok - $2"; else echo "$TAG: FAIL - $2"; fi; }
want=Y
for a in $(cat /proc/cmdline); do
	case "$a" in kvmopt.posting=*) want=${a#kvmopt.posting=} ;; esac
done
param=$(cat /sys/module/kvm/parameters/dvext_post 2>/dev/null)
line=$(dmesg | grep -m1 'kvm.*DV-Ext' | sed 's/^\[[^]]*\] //')
if [ "$want" = Y ]; then
	t "$([ "$param" = Y ] && echo "$line" | grep -q 'kernel-level posting of VSSI/VSEI' && echo 0)" \
		"kvm-opt kernel on DV-Ext: posting on (dvext_post=$param; '$line')"
	bin/dv-kvm --help | grep -q -- '--vpost'
	t $? "dv-kvm lists --vpost on this host"
	for b in vipi vipi-vpost vext; do
		extra=
		[ $b = vipi-vpost ] && extra=--vpost
		n=200
		timeout 180 bin/dv-kvm $extra --kernel guests/microbench.elf --mem 64M --cpus 2 --stats \
			--console none --append "bench=$b ram=64 profile=insn iters=$n reps=1" >/tmp/mb.log 2>&1
		rc=$?
		sed 's/^/guest| /' /tmp/mb.log
		row=$(grep -a "^DVRESULT,[^,]*,$b,total,post-to-handler," /tmp/mb.log | head -1)
		ns=$(echo "$row" | cut -d, -f9)
		# exits KVM kept in the kernel: kvm.exits less those that came out to
		# dv-kvm (the guest's console output is SBI putchar), as in expect.csv
		st() { v=$(sed -n "s/^stats: $1 total=\([0-9]*\).*/\1/p" /tmp/mb.log); echo "${v:-0}"; }
		ex=$(($(st kvm.exits) - $(st exit_sbi) - $(st exit_system) - $(st exit_mmio)))
		[ "$(st kvm.exits)" -gt 0 ] || ex=
		ops=$(sed -n "s/^DVBENCH-OPS: $b:post-to-handler \([0-9]*\).*/\1/p" /tmp/mb.log | head -1)
		# in-kernel KVM exits of the whole run (boot and HSM included: slack 64):
		# vipi one per IPI (the sender's SBI call; vanilla KVM also kicks the
		# receiver out: two), vipi-vpost none per IPI, vext not bounded here
		case $b in
		vipi) max=$((${ops:-0} * 3 / 2 + 64)) what="at most 1.5 per IPI" ;;
		vipi-vpost) max=$((${ops:-0} / 4 + 64)) what="none per IPI" ;;
		*) max=999999999 what="not bounded" ;;
		esac
		t "$([ $rc = 0 ] && [ -n "$row" ] && [ -n "$ops" ] && [ -n "$ex" ] && [ "$ex" -le $max ] && echo 0)" \
			"$b on kvm-opt: a post-to-handler row (${ns:-?} ns); ${ex:-?} in-kernel KVM exits for ${ops:-?} operations, $what (status $rc)"
	done
else
	t "$([ "$param" = N ] && echo 0)" "kvm-opt kernel without DV-Ext: posting off, vanilla KVM (dvext_post=$param)"
	out=$(bin/dv-kvm --vpost --kernel guests/selftest.elf 2>&1 </dev/null)
	rc=$?
	t "$([ $rc != 0 ] && [ "$(echo "$out" | wc -l)" = 1 ] && echo "$out" | grep -q 'kvm-opt' && echo 0)" \
		"dv-kvm --vpost on a host that does not post: one line '$out' (status $rc)"
	! bin/dv-kvm --help | grep -q -- '--vpost'
	t $? "dv-kvm does not list --vpost on this host"
fi
exec sh bin/kvm-plan.sh
