# Thread placement (--vcpu-cpus, --io-cpus; vmm/include/vmm/place.h) inside
# the modelled host, 2 harts. Sourced by the kvm and duvisor host plans, which
# define t (a check line), $VMM and $G. placement_checks prints two checks:
#   1. a guest with 2 vCPUs, --vcpu-cpus 1,0 --io-cpus 0: every thread of the
#      VMM (by its name in /proc/PID/task/TID/comm) has the affinity asked
#      for (Cpus_allowed_list) and runs there (field 39 of .../stat, the CPU
#      it last ran on);
#   2. bad lists: one error line each, status 2.
placement_checks() {
	$VMM --kernel $G/selftest.elf --cpus 2 --vcpu-cpus 1,0 --io-cpus 0 \
		--append "harts=2 mmio=4000000000" >/tmp/pl.log 2>&1 </dev/null &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! cat /proc/$pid/task/*/comm 2>/dev/null | grep -q '^vcpu1$'; do
		usleep 100000
		i=$((i + 1))
	done
	usleep 200000
	bad= seen=
	for d in /proc/$pid/task/*; do
		comm=$(cat $d/comm 2>/dev/null) || continue
		cpu=$(sed 's/.*) //' $d/stat | cut -d' ' -f37)
		allowed=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' $d/status)
		case $comm in vcpu0) want=1 ;; *) want=0 ;; esac
		echo "# placement: thread $comm on CPU $cpu, allowed $allowed (want $want)"
		[ "$cpu" = $want ] && [ "$allowed" = $want ] || bad="$bad $comm"
		seen="$seen $comm"
	done
	kill $pid
	wait $pid
	[ -n "$seen" ] || sed 's/^/# placement: vmm| /' /tmp/pl.log
	t "$([ -z "$bad" ] && case "$seen" in *vcpu0*vcpu1* | *vcpu1*vcpu0*) echo 0 ;; esac)" \
		"placement: --vcpu-cpus 1,0 --io-cpus 0: vCPU 0 runs on CPU 1, vCPU 1 and the other threads ($seen) on CPU 0${bad:+; misplaced:$bad}"

	ok=0 n=0
	for args in "--vcpu-cpus 1-0" "--vcpu-cpus x" "--io-cpus 0," "--cpus 2 --vcpu-cpus 1" \
		"--io-cpus 0,7" "--vcpu-cpus 2000"; do
		# shellcheck disable=SC2086
		$VMM --kernel $G/selftest.elf $args >/tmp/pl.out 2>/tmp/pl.err </dev/null
		rc=$?
		lines=$(wc -l </tmp/pl.err)
		echo "# placement: $args -> status $rc: $(head -1 /tmp/pl.err)"
		[ $rc = 2 ] && [ "$lines" = 1 ] || ok=1
		n=$((n + 1))
	done
	t $ok "placement: $n bad lists (reversed range, not a number, trailing comma, fewer CPUs than vCPUs, a CPU the host lacks, out of range): one error line each, status 2"
}
