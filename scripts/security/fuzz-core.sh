#!/usr/bin/env bash
# Coverage-guided fuzzing of the VMM core (issue 12, part 5): each libFuzzer
# target in build/host/fuzz/ runs for --time seconds with a fixed -seed,
# starting from its committed seed corpus (fuzz/corpus/NAME, replayed first,
# so every earlier finding is a regression test) and growing a work corpus in
# build/fuzz-corpus/NAME. A crash, sanitizer report, leak or timeout is a
# finding: its input is kept in build/fuzz-findings/NAME/ and the check fails.
# Prints one TAP line per target and appends "NAME<TAB>inputs<TAB>seconds<TAB>
# findings" rows to --tsv FILE.
# Usage: fuzz-core.sh [--time S] [--seed N] [--tsv FILE] NAME...
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
time=5 seed=1 tsv=
while [ $# -gt 0 ]; do
	case $1 in
	--time) time=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--tsv) tsv=$2; shift 2 ;;
	-*) echo "fuzz-core: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: fuzz-core.sh [--time S] [--seed N] [--tsv FILE] NAME..." >&2; exit 2; }
for name in "$@"; do
	bin=$TOP/build/host/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $name: $bin missing (make fuzz-build)"
		continue
	fi
	work=$TOP/build/fuzz-corpus/$name finds=$TOP/build/fuzz-findings/$name
	log=$TOP/build/test-logs/fuzz-$name.log
	mkdir -p "$work" "$finds" "$(dirname "$log")"
	start=$SECONDS
	# One process, no forks: -max_total_time bounds it; -timeout makes a
	# hang a finding; ASan's leak check is on (detect_leaks=1 by default).
	"$bin" -seed="$seed" -max_total_time="$time" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$finds/" "$work" "$TOP/fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	secs=$((SECONDS - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	runs=${runs:-$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)}
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ "$rc" = 0 ] && [ -z "$art" ]; then
		echo "ok - fuzz $name (libFuzzer, seed $seed): ${runs:-0} inputs in ${secs} s, no crash, sanitizer report, leak or hang"
		[ -n "$tsv" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" "${runs:-0}" "$secs" 0 >>"$tsv"
	else
		what=$(grep -m1 -E 'ERROR: |runtime error|deadly signal|timeout' "$log" | sed 's/^==[0-9]*==//')
		echo "not ok - fuzz $name (seed $seed): finding after ${runs:-?} inputs: ${what:-status $rc} (input ${art:-none}; log $log)"
		[ -n "$tsv" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seed" "${runs:-0}" "$secs" "1 ${art##*/}: $what" >>"$tsv"
	fi
done
exit 0
