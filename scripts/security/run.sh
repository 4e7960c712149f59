#!/usr/bin/env bash
# make security (issue 12, part 6): Tables 1-2 (cloc), the VMM-core fuzzers
# on 3 seeds, and one boot of the modelled host with the /dev/duvisor fuzzer
# (3 seeds) and every Table 6 class with its bystander VMs and controls;
# writes results/security.md (and the raw data in results/security/).
#   SEC_FUZZ_TIME  seconds per VMM-core fuzzer and seed (default 15)
#   SEC_SEEDS      seeds (default "1 2 3")
#   SEC_GFUZZ_OPS  guest-fuzzer inputs per seed and VMM (default 1500; at most 60 error stops each)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
B=build
out=results sec=results/security
fuzz_time=${SEC_FUZZ_TIME:-15} seeds=${SEC_SEEDS:-1 2 3}
classes="s2 plic isa exit sbi-panic sbi-loop uart"
start=$SECONDS
mkdir -p "$sec"
rm -f "$sec/fuzz-core.tsv" "$sec/checks.txt"
ntarget=6
est=$(( ntarget * fuzz_time * $(echo "$seeds" | wc -w) / 60 + 12 ))
echo "security: Tables 1-2, VMM-core fuzzers ${fuzz_time} s x $ntarget targets x seeds $seeds, one host boot (about $est min)"

echo "## Tables 1-2" >>"$sec/checks.txt"
if scripts/security/tables.sh "$sec/tables" >"$sec/tables.log" 2>&1; then
	echo "ok - Tables 1-2 measured with cloc" | tee -a "$sec/checks.txt"
else
	echo "not ok - Tables 1-2: see $sec/tables.log" | tee -a "$sec/checks.txt"
fi

for s in $seeds; do
	scripts/security/fuzz-core.sh --time "$fuzz_time" --seed "$s" --tsv "$sec/fuzz-core.tsv" \
		mmio sbi insn fdt loader config | tee -a "$sec/checks.txt"
done

conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
printf 'DVFUZZ_SEEDS="%s"\nDVFUZZ_OPS=1000\nDVFUZZ_THREADS=4\nTABLE6="%s"\nCONTROLS=1\nGFUZZ_SEEDS="%s"\nGFUZZ_OPS=%s\nGFUZZ_STOPS=60\n' \
	"$seeds" "$classes" "$seeds" "${SEC_GFUZZ_OPS:-1500}" >"$conf"
rc=0
echo "security: booting the modelled host (log $sec/host.log)"
scripts/host-run --harts 2 --mem 2G --append "cma=1G" --no-icount --timeout 1500 --log "$sec/host.log" \
	--plan tests/security/host-plan.sh --add "$conf=/etc/sectest.conf" \
	--add "$B/duvisor/driver/duvisor.ko=/opt/duvisor/bin/duvisor.ko" \
	--add "$B/security/dvfuzz=/opt/duvisor/bin/dvfuzz" \
	--add "$B/security/duvisor-faults=/opt/duvisor/bin/duvisor-faults" \
	--add "$B/duvisor/duvisor=/opt/duvisor/bin/duvisor" \
	--add "$B/baseline-kvm/dv-kvm=/opt/duvisor/bin/dv-kvm" \
	--add "$B/security/secguest.elf=/opt/duvisor/guests/secguest.elf" \
	--add "$B/security/guestfuzz.elf=/opt/duvisor/guests/guestfuzz.elf" \
	--add "$B/guests/selftest.elf=/opt/duvisor/guests/selftest.elf" >/dev/null 2>&1 || rc=$?
grep -a '^DVTEST: \(ok\|FAIL\) - ' "$sec/host.log" |
	sed -e 's/^DVTEST: ok - /ok - /' -e 's/^DVTEST: FAIL - /not ok - /' | tee -a "$sec/checks.txt"
if [ "$rc" = 0 ] && build/host/conlog check "$sec/host.log" >/dev/null 2>&1; then
	echo "ok - security host run: the plan finished, no panic or oops in the host" | tee -a "$sec/checks.txt"
else
	echo "not ok - security host run: host-run status $rc (log $sec/host.log)" | tee -a "$sec/checks.txt"
fi
python3 scripts/security/report.py --dir "$sec" --top "$TOP" --out "$out/security.md" \
	--seconds $((SECONDS - start))
p=$(grep -c '^ok ' "$sec/checks.txt") f=$(grep -c '^not ok ' "$sec/checks.txt")
echo "security: wrote $out/security.md in $((SECONDS - start)) s"
echo "$p passed, $f failed"
[ "$f" = 0 ]
