# xhart.awk: phases of a cross-hart primitive from a DV-Ext transition trace
# of the vipi or vext benchmark (scripts/host-run --trace; docs/dv-ext.md),
# each in the cycles of the hart it runs on:
#   send     from the sender's mark 20 (it has stamped the time and posts) to
#            its next return into V (sret/mret/huret to VS or VU), the post's
#            whole path on the sending hart; 0 when it posts from V with no
#            transition before its next mark 20 (a V-mode hu_vitr write);
#            a sender that never enters V (a VMM's I/O thread, vext) ends
#            it with mark 23 once the post is made
#   raise    from the sender's mark 20 to its first "raise" record (the
#            moment its store or CSR write made the interrupt pending on
#            another hart: QEMU patch 0012), the part of its path the
#            receiver waits for
#   receive  from the first interrupt that becomes pending on the receiving
#            hart while it runs the guest (in V, busy), after its previous
#            handler mark, to the handler's mark (MARK: 21 vIPI, default;
#            22 vEXT)
# path = median raise + median receive: the latency with both harts running
# at once, each in its own cycles, so it does not depend on how the
# round-robin loop interleaves them (the one-way figure, in the shared
# clock, adds what other harts run in between).
# Prints the median and mean of each. Any hart may send or receive (a mark
# says which); run on one VMM run's trace (vipi and vipi-vpost are two).
#   awk -F, [-v MARK=22] -f scripts/bench/xhart.awk TRACE.csv
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return n ? a[int((n + 1) / 2)] : "?"
}
function mean(a, n,    i, s) { for (i = 1; i <= n; i++) s += a[i]; return n ? sprintf("%.0f", s / n) : "?" }
BEGIN { if (MARK == "") MARK = 21 }
NR == 1 { next }
{ h = $1 }
$4 == "mark" && $7 == 20 {
	if (open[h]) send[++ns] = 0
	open[h] = 1; s0[h] = $3
	if (ropen[h]) nraw++
	ropen[h] = 1; r0[h] = $3; next
}
ropen[h] && $4 == "raise" { rais[++nra] = $3 - r0[h]; ropen[h] = 0 }
open[h] && ($4 == "sret" || $4 == "mret" || $4 == "huret") && $6 ~ /^V[SU]$/ { send[++ns] = $3 - s0[h]; open[h] = 0 }
open[h] && $4 == "mark" && $7 == 23 { send[++ns] = $3 - s0[h]; open[h] = 0 }
$4 == "pend" && !pending[h] && $5 ~ /^V[SU]$/ { pending[h] = 1; p0[h] = $3 }
$4 == "mark" && $7 == MARK {
	if (pending[h]) recv[++nr] = $3 - p0[h]
	pending[h] = 0
}
END {
	printf "send: median %s, mean %s cycles (%d posts)\n", median(send, ns), mean(send, ns), ns
	printf "receive: median %s, mean %s cycles (%d handler entries)\n", median(recv, nr), mean(recv, nr), nr
	mr = median(rais, nra); mv = median(recv, nr)
	printf "raise: median %s, mean %s cycles (%d raises, %d posts without one)\n", mr, mean(rais, nra), nra, nraw + 0
	printf "path: %s cycles (median raise + median receive)\n", (nra && nr) ? mr + mv : "?"
}
