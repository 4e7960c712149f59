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
ust() { # NAME LOG: the total of a "stats: NAME total=N" line, 0 if none
	v=$(sed -n "s/^stats: $1 total=\([0-9]*\).*/\1/p" "$2" | head -1)
	echo "${v:-0}"
}

# User-level posting (baseline-kvm/kvm-opt/0002-*.patch, docs/dv-ext.md
# "User-level posting by the VMM's threads"): dv-kvm --vpost's I/O threads
# register post-only and write hu_vitr themselves; KVM_INTERRUPT only when
# the target is blocked (WFI).
user_posting() {
	dmesg | grep -q 'kvm.*user-level posting by post-only VMM threads'
	t $? "kvm-opt kernel: user-level posting by post-only threads (h_enable.PO) announced"
	bin/kvmopt-upost >/tmp/upost.log 2>&1
	rc=$?
	cat /tmp/upost.log
	t "$([ $rc = 0 ] && [ "$(grep -c '^KVMTEST: ok - upost:' /tmp/upost.log)" -ge 16 ] &&
		! grep -q '^KVMTEST: FAIL' /tmp/upost.log && echo 0)" \
		"kvmopt-upost: the ioctl, posts from user mode, HURET/HLV/KVM_RUN refused (status $rc)"

	# vEXT as make bench places it (vCPU on hart 1, I/O thread on hart 0):
	# the guest spins in V while the doorbell's I/O thread posts, every
	# post is enough alone, no KVM_INTERRUPT
	n=200
	timeout 180 bin/dv-kvm --vpost --vcpu-cpus 1 --io-cpus 0 --kernel guests/microbench.elf --mem 64M --cpus 1 --stats \
		--console none --append "bench=vext ram=64 profile=insn iters=$n reps=1" >/tmp/uv.log 2>&1
	rc=$?
	sed 's/^/guest| /' /tmp/uv.log
	row=$(grep -a "^DVRESULT,[^,]*,vext,total,post-to-handler," /tmp/uv.log | head -1)
	ns=$(echo "$row" | cut -d, -f9)
	ops=$(sed -n "s/^DVBENCH-OPS: vext:post-to-handler \([0-9]*\).*/\1/p" /tmp/uv.log | head -1)
	up=$(ust kvm-opt.user_post /tmp/uv.log)
	fb=$(ust kvm-opt.user_post_fallback /tmp/uv.log)
	t "$([ $rc = 0 ] && [ -n "$row" ] && [ -n "$ops" ] && [ "$up" -ge "$ops" ] && [ "$fb" = 0 ] && echo 0)" \
		"vext --vpost on kvm-opt: ${ns:-?} ns post-to-handler; $up user-level posts for ${ops:-?} operations, $fb fallbacks to KVM_INTERRUPT (status $rc)"

	# A vCPU that waits in WFI: the I/O thread (on the other hart) raises
	# 2 ms after each ring, past KVM's halt polling, reads "not awake" and
	# wakes it with KVM_INTERRUPT
	timeout 180 bin/dv-kvm --vpost --vcpu-cpus 1 --io-cpus 0 --kernel guests/selftest.elf \
		--append "doorbell=100 dbdelay=2000" --stats >/tmp/udb.log 2>&1
	rc=$?
	sed 's/^/guest| /' /tmp/udb.log
	up=$(ust kvm-opt.user_post /tmp/udb.log)
	fb=$(ust kvm-opt.user_post_fallback /tmp/udb.log)
	t "$([ $rc = 0 ] && grep -q "DVTEST: ok doorbell: 100 of 100" /tmp/udb.log && [ "$fb" -ge 90 ] &&
		[ $((up + fb)) -ge 100 ] && echo 0)" \
		"doorbell=100 dbdelay=2000 --vpost, guest asleep in WFI: 100 of 100 interrupts; $fb woke the vCPU through KVM_INTERRUPT, $up were enough alone (status $rc)"

	# Linux with the I/O threads posting from user mode: virtio-net's
	# receive thread raises the interrupts of the host's ping replies
	net="--net tap=tap0,host-ip=192.0.2.1/24"
	vlinux 1 "--disk guests/disk.ext2,ro $net" "dvtest.blk dvtest.net" "DVGUEST: blk ok" \
		"reads the virtio-blk disk"
	vlinux 2 "--virtio-console $net" "console=hvc0 dvtest.net" "DUVISOR-INIT: up harts=2" \
		"init prints through the virtio console"
	vlinux 4 "--disk guests/disk.ext2,ro $net" "dvtest.blk dvtest.net" "DVGUEST: blk ok" \
		"reads the virtio-blk disk"
}

vlinux() { # VCPUS EXTRA APPEND MARKER WHAT
	n=$1 log=/tmp/vlinux$1.log
	timeout 180 bin/dv-kvm --vpost --stats --kernel guests/Image --initrd guests/linux-initramfs.cpio \
		--mem 256M --cpus "$n" $2 --append "console=ttyS0 quiet $3" >$log 2>&1 </dev/null
	rc=$?
	sed 's/^/guest| /' $log
	up=$(ust kvm-opt.user_post $log)
	fb=$(ust kvm-opt.user_post_fallback $log)
	t "$([ $rc = 0 ] && grep -q "DVGUEST: shell up harts=$n" $log && grep -q "DVGUEST: done rc=0 " $log &&
		grep -q "$4" $log && grep -q "DVGUEST: net ok" $log && [ $((up + fb)) -gt 0 ] && echo 0)" \
		"Linux, $n vCPU(s), --vpost: boots, $5, pings the host through virtio-net, powers off; $up user-level posts, $fb fallbacks (status $rc)"
}

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
	user_posting
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
