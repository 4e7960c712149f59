# Tables for the figures and the summary, from results/microbench.csv and
# paper-results/*.csv. Run by scripts/bench/plots:
#   awk -F, -v out=DIR -f tables.awk paper-results/fig6_micro.csv paper-results/fig9_pmc_memory.csv paper-results/table3_mmio_read_breakdown.csv results/microbench.csv plots/notes.csv
# Writes DIR/data/*.dat (gnuplot, "?" = missing) and DIR/summary.md.
# A value is never made up: a missing measurement stays "?" / "not measured".

function key(s, b, p, prof, q) { return s SUBSEP b SUBSEP p SUBSEP prof SUBSEP q }
function have(k) { return (k in val) }
function get(k) { return (k in val) ? val[k] : "?" }
function iget(s, p, v) { return ((s, p, v) in idle) ? idle[s, p, v] : "-" }
function ratio(a, b) { return (a == "?" || b == "?" || b + 0 == 0) ? "?" : sprintf("%.2f", a / b) }
function fmtv(v, u) { return v == "?" ? "not measured" : sprintf("%s %s", v, u) }
# DuVisor's figure of a primitive: its own benchmark where it has one (vIPI:
# the guest's V-mode hu_vitr write, vipi-vpost), else the common one
function dkey(b, p, prof, q) {
	if ((b in dname) && have(key("duvisor", dname[b], p, prof, q))) return key("duvisor", dname[b], p, prof, q)
	return key("duvisor", b, p, prof, q)
}
function dirof(r1, r2,    x) {
	if (r1 == "?" || r2 == "?") return ""
	x = r1 / r2
	return (x > 1.5 || x < 1 / 1.5) ? "disagree" : "agree"
}

FILENAME ~ /fig6_micro.csv$/ && FNR > 1 {
	if ($4 == "total") paper[$3, $2] = $6
	else pphase[$3, $2, $4] = $6
	next
}
FILENAME ~ /fig9_pmc_memory.csv$/ && FNR > 1 {
	if ($1 ~ /^AE-rerun/ && $7 == "MB/s") { pbw[$3, $5] = $6; if (!($5 in pbwseen)) { pbwseen[$5] = 1; pbwop[++npbw] = $5 } }
	next
}
FILENAME ~ /v1_micro.csv$/ && FNR > 1 { if ($4 == "total") v1paper[$3, $2] = $6; next }
FILENAME ~ /table3_mmio_read_breakdown.csv$/ && FNR > 1 { t3[$5, $4] = $6; next }
FILENAME ~ /notes.csv$/ && FNR > 1 { x = substr($0, index($0, ",") + 1); gsub(/^"|"$/, "", x); note[$1] = x; next }
FILENAME ~ /microbench.csv$/ && FNR > 1 {
	# system,benchmark,phase,parameter,profile,iterations,repetitions,value,unit,quantum,...
	if ($4 == "trace") { ph[$1, $2, $3, $5] = $8; phn[$1, $2, $5] = $6; next }
	if ($3 == "total" && $5 == "insn" && match($4, /pmc-cost=[0-9]+$/)) {
		pcost = substr($4, RSTART + 9) + 0; op = substr($4, 1, RSTART - 1); sub(/ $/, "", op)
		if ($1 == "duvisor") { pmcv[$2, op, pcost] = $8; pmcc[pcost] = 1 }
		else if ($1 == "duvisor-nopmc") { nopv[$2, op] = $8; nopc = pcost }
		next
	}
	if ($2 == "idle") { idle[$1, $4, $12] = $8; idlev[$12] = 1; next }
	# the per-hart path of a cross-hart primitive (xhart.awk), cycles
	if ($3 == "path") { pathv[$1, $2, $10] = $8; next }
	if ($3 != "total") next
	k = key($1, $2, $4, $5, $10)
	val[k] = $8; unit[$2] = $9; iters[k] = $6; reps[k] = $7
	profs[$5] = 1
	if ($2 == "vipi") quanta[$10] = 1
	next
}

END {
	Q = 10000
	data = out "/data"
	np = split("hypercall mmio-read s2pf vipi vext", prim, " ")
	paperb["hypercall"] = "hypercall"; paperb["mmio-read"] = "mmio"; paperb["s2pf"] = "s2pf"
	paperb["vipi"] = "vipi"; paperb["vext"] = "vext"
	label["hypercall"] = "null hypercall"; label["mmio-read"] = "MMIO read"
	label["s2pf"] = "stage-2 fault"; label["vipi"] = "virtual IPI"; label["vext"] = "virtual ext. IRQ"
	param["vipi"] = "post-to-handler"; param["vext"] = "post-to-handler"
	dname["vipi"] = "vipi-vpost"

	f = data "/fig6.dat"
	print "# primitive paper_kvm paper_duvisor kvm_insn duvisor_insn kvm_rocket duvisor_rocket" > f
	fr = data "/fig6_ratio.dat"
	print "# primitive paper insn rocket   (KVM/DuVisor)" > fr
	for (i = 1; i <= np; i++) {
		b = prim[i]; pb = paperb[b]; p = param[b]
		ki = key("kvm", b, p, "insn", Q); di = dkey(b, p, "insn", Q)
		kr = key("kvm", b, p, "rocket", Q); dr = dkey(b, p, "rocket", Q)
		pk = (("kvm", pb) in paper) ? paper["kvm", pb] : "?"
		pd = (("duvisor", pb) in paper) ? paper["duvisor", pb] : "?"
		printf "\"%s\" %s %s %s %s %s %s\n", label[b], pk, pd, get(ki), get(di), get(kr), get(dr) > f
		printf "\"%s\" %s %s %s\n", label[b], ratio(pk, pd), ratio(get(ki), get(di)), ratio(get(kr), get(dr)) > fr
	}
	close(f); close(fr)

	f = data "/ring.dat"
	print "# crossing insn rocket (cycles)" > f
	rc[1] = "host|syscall|getppid|syscall (host)"
	rc[2] = "host|ioctl|kvm-check-extension|ioctl /dev/kvm (host)"
	rc[3] = "kvm|hypercall||KVM: exit in kernel"
	rc[4] = "kvm|sbi-user||KVM: exit to user VMM"
	rc[5] = "host|ioctl|dv-get-api-version|ioctl DV-driver (host)"
	rc[6] = "duvisor|hypercall||DuVisor: null call in HU"
	for (i = 1; i <= 6; i++) {
		split(rc[i], c, "|")
		printf "\"%s\" %s %s\n", c[4], get(key(c[1], c[2], c[3], "insn", Q)), get(key(c[1], c[2], c[3], "rocket", Q)) > f
	}
	# from the trace: V->HU exit stamp to HU->V HURET stamp (the whole HU path)
	printf "\"DuVisor: exit->HURET (trace)\" %s %s\n", (("duvisor", "hypercall", "span", "insn") in ph) ? ph["duvisor", "hypercall", "span", "insn"] : "?", (("duvisor", "hypercall", "span", "rocket") in ph) ? ph["duvisor", "hypercall", "span", "rocket"] : "?" > f
	close(f)

	# ---- phases (Fig. 6 a-c): stacked; one row per bar, 0 where a bar has no such phase ----
	nphc = split("exit entry entry-exit handling kernel firmware transfer getpage mapping metadata decode other", phc, " ")
	f = data "/fig6_phases.dat"
	printf "# bar" > f
	for (j = 1; j <= nphc; j++) printf " %s", phc[j] > f
	printf "   (cycles; paper: OSDI'23 Fig. 6, ours: bench-phases medians)\n" > f
	npb = split("hypercall s2pf mmio-read", phb, " ")
	for (i = 1; i <= npb; i++) {
		b = phb[i]; pb = paperb[b]
		for (si = 1; si <= 2; si++) {
			sy = si == 1 ? "kvm" : "duvisor"
			for (bi = 1; bi <= 3; bi++) {
				if (bi == 1) printf "\"%s\\npaper\"", (sy == "kvm" ? "KVM" : "DuVisor") > f
				else printf "\"%s\\n%s\"", (sy == "kvm" ? "KVM" : "DuVisor"), bi == 2 ? "insn" : "rocket" > f
				for (j = 1; j <= nphc; j++) {
					if (bi == 1) v = ((sy, pb, phc[j]) in pphase) ? pphase[sy, pb, phc[j]] : 0
					else { pf = bi == 2 ? "insn" : "rocket"; v = ((sy, b, phc[j], pf) in ph) ? ph[sy, b, phc[j], pf] : 0 }
					printf " %s", v > f
				}
				printf "\n" > f
			}
		}
		printf "\n\n" > f
	}
	close(f)

	# ---- PMC-check penalty sweep (duvisor, insn) and the paper's bw_mem (AE rerun) ----
	f = data "/pmc_sweep.dat"
	print "# pmc_cost bw_rd bw_wr bw_cp (bytes/kcycle) lat (cycles/load)   duvisor, profile insn" > f
	npc = 0
	for (pcost in pmcc) pcs[++npc] = pcost + 0
	for (i = 1; i <= npc; i++) for (j = i + 1; j <= npc; j++) if (pcs[j] < pcs[i]) { t = pcs[i]; pcs[i] = pcs[j]; pcs[j] = t }
	for (i = 1; i <= npc; i++) {
		pcost = pcs[i]
		printf "%d %s %s %s %s\n", pcost, ((("mem-bw", "rd", pcost) in pmcv) ? pmcv["mem-bw", "rd", pcost] : "?"), ((("mem-bw", "wr", pcost) in pmcv) ? pmcv["mem-bw", "wr", pcost] : "?"), ((("mem-bw", "cp", pcost) in pmcv) ? pmcv["mem-bw", "cp", pcost] : "?"), ((("mem-lat", "page-stride", pcost) in pmcv) ? pmcv["mem-lat", "page-stride", pcost] : "?") > f
	}
	close(f)
	f = data "/pmc_control.dat"
	print "# pmc_cost bw_rd bw_wr bw_cp lat   duvisor-nopmc (DV-driver pmc=0), profile insn: the sweep's control" > f
	if (nopc != "")
		printf "%d %s %s %s %s\n", nopc, ((("mem-bw", "rd") in nopv) ? nopv["mem-bw", "rd"] : "?"), ((("mem-bw", "wr") in nopv) ? nopv["mem-bw", "wr"] : "?"), ((("mem-bw", "cp") in nopv) ? nopv["mem-bw", "cp"] : "?"), ((("mem-lat", "page-stride") in nopv) ? nopv["mem-lat", "page-stride"] : "?") > f
	close(f)
	f = data "/paper_bwmem.dat"
	print "# op duvisor(PMP) duvisor-nopmp (MB/s, AE rerun of the paper's bw_mem; not the paper)" > f
	for (i = 1; i <= npbw; i++)
		printf "%s %s %s\n", pbwop[i], ((("duvisor", pbwop[i]) in pbw) ? pbw["duvisor", pbwop[i]] : "?"), ((("duvisor-nopmc", pbwop[i]) in pbw) ? pbw["duvisor-nopmc", pbwop[i]] : "?") > f
	close(f)

	f = data "/mem.dat"
	print "# operation kvm_insn duvisor_insn duvisor-nopmc_insn kvm_rocket duvisor_rocket duvisor-nopmc_rocket (bytes/kcycle; lat: cycles)" > f
	n = split("rd wr cp", ops, " ")
	for (i = 1; i <= n; i++) {
		printf "\"bw %s\"", ops[i] > f
		for (pi = 1; pi <= 2; pi++)
			for (si = 1; si <= 3; si++)
				printf " %s", get(key(si == 1 ? "kvm" : si == 2 ? "duvisor" : "duvisor-nopmc", "mem-bw", ops[i], pi == 1 ? "insn" : "rocket", Q)) > f
		printf "\n" > f
	}
	close(f)
	f = data "/memlat.dat"
	printf "\"lat page-stride\"" > f
	for (pi = 1; pi <= 2; pi++)
		for (si = 1; si <= 3; si++)
			printf " %s", get(key(si == 1 ? "kvm" : si == 2 ? "duvisor" : "duvisor-nopmc", "mem-lat", "page-stride", pi == 1 ? "insn" : "rocket", Q)) > f
	printf "\n" > f
	close(f)

	f = data "/vipi_quantum.dat"
	print "# quantum kvm duvisor(hu_vitr) duvisor(SBI) (ns, post to handler, one way, profile insn, kick on), then the same three as per-hart paths (cycles: sender post to raise + receiver pend to handler)" > f
	nq = 0
	for (q in quanta) qs[++nq] = q + 0
	for (i = 1; i <= nq; i++) for (j = i + 1; j <= nq; j++) if (qs[j] < qs[i]) { t = qs[i]; qs[i] = qs[j]; qs[j] = t }
	for (i = 1; i <= nq; i++)
		printf "%d %s %s %s %s %s %s\n", qs[i], get(key("kvm", "vipi", "post-to-handler", "insn", qs[i])), get(key("duvisor", "vipi-vpost", "post-to-handler", "insn", qs[i])), get(key("duvisor", "vipi", "post-to-handler", "insn", qs[i])),
			pget("kvm", "vipi", qs[i]), pget("duvisor", "vipi-vpost", qs[i]), pget("duvisor", "vipi", qs[i]) > f
	close(f)

	# ---- summary ----
	s = out "/summary.md"
	print "# Microbenchmarks: ours beside the paper's" > s
	print "" > s
	print "Generated by `make plots` from `results/microbench.csv` and `paper-results/fig6_micro.csv`;" > s
	print "figures in `results/figures/`. Ours: the model's `cycle` CSR (profile `insn`: one cycle per" > s
	print "instruction; `rocket`: plus the profile's trap, xRET, fence and page-walk penalties)," > s
	print "median of the repetitions, the empty loop subtracted; virtual IPI in virtual ns (the `time`" > s
	print "CSR), quantum " Q " instructions. The paper: Rocket cycles on FireSim (OSDI'23 Fig. 6 labels)." > s
	print "Ratios are KVM/DuVisor: how many times cheaper DuVisor is." > s
	print "" > s
	print "| primitive | paper KVM | paper DuVisor | paper ratio | ours KVM (insn) | ours DuVisor (insn) | ours ratio (insn) | ours KVM (rocket) | ours DuVisor (rocket) | ours ratio (rocket) |" > s
	print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" > s
	for (i = 1; i <= np; i++) {
		b = prim[i]; pb = paperb[b]; p = param[b]
		pk = (("kvm", pb) in paper) ? paper["kvm", pb] : "?"
		pd = (("duvisor", pb) in paper) ? paper["duvisor", pb] : "?"
		ki = get(key("kvm", b, p, "insn", Q)); di = get(dkey(b, p, "insn", Q))
		kr = get(key("kvm", b, p, "rocket", Q)); dr = get(dkey(b, p, "rocket", Q))
		printf "| %s (`%s`) | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label[b], b, pk, pd, ratio(pk, pd) == "?" ? "-" : ratio(pk, pd) "x", ki == "?" ? "-" : ki, di == "?" ? "-" : di, ratio(ki, di) == "?" ? "-" : ratio(ki, di) "x", kr == "?" ? "-" : kr, dr == "?" ? "-" : dr, ratio(kr, dr) == "?" ? "-" : ratio(kr, dr) "x" > s
	}
	print "" > s
	print "Units: cycles, except virtual IPI and virtual external IRQ (ns of virtual time, the paper's definitions: vIPI from the sender's post to the receiver's handler, one way, the receiver busy on another hart: KVM's SBI send_ipi, DuVisor's V-mode write of `hu_vitr`; vEXT from the I/O thread's post, the backend's stamp just before its hu_vitr write or KVM_INTERRUPT call, to the vCPU's handler, the vCPU busy in the guest). The model's cross-hart kick is on (`scripts/host-run --kick on`, docs/dv-ext.md)." > s
	print "" > s
	print "| second rows | paper KVM | paper DuVisor | paper ratio | ours KVM (insn) | ours DuVisor (insn) | ours ratio (insn) | ours KVM (rocket) | ours DuVisor (rocket) | ours ratio (rocket) |" > s
	print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" > s
	n2 = 0
	sec[++n2] = "vipi|post-to-handler|virtual IPI through SBI send_ipi on both"
	sec[++n2] = "vext|ring-to-handler|I/O notification: the guest's doorbell ring to its handler (paper: arXiv v1)"
	for (i = 1; i <= n2; i++) {
		split(sec[i], c, "|")
		pk = pd = "?"
		if (c[1] == "vext") { pk = (("kvm", "vext") in v1paper) ? v1paper["kvm", "vext"] : "?"; pd = (("duvisor", "vext") in v1paper) ? v1paper["duvisor", "vext"] : "?" }
		ki = get(key("kvm", c[1], c[2], "insn", Q)); di = get(key("duvisor", c[1], c[2], "insn", Q))
		kr = get(key("kvm", c[1], c[2], "rocket", Q)); dr = get(key("duvisor", c[1], c[2], "rocket", Q))
		printf "| %s (`%s` %s) | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c[3], c[1], c[2], pk == "?" ? "-" : pk, pd == "?" ? "-" : pd, ratio(pk, pd) == "?" ? "-" : ratio(pk, pd) "x", ki == "?" ? "-" : ki, di == "?" ? "-" : di, ratio(ki, di) == "?" ? "-" : ratio(ki, di) "x", kr == "?" ? "-" : kr, dr == "?" ? "-" : dr, ratio(kr, dr) == "?" ? "-" : ratio(kr, dr) "x" > s
	}
	print "" > s
	# KVM-OPT: vanilla dv-kvm on the kvm-opt host kernel (KVM posts VSSI/VSEI
	# through DV-Ext). Only when it ran: no made-up row.
	nko = 0
	for (k in val) { split(k, kk, SUBSEP); if (kk[1] == "kvm-opt") { nko++; break } }
	if (nko) {
		print "## KVM-OPT: KVM posting through DV-Ext at kernel level" > s
		print "" > s
		print "The same dv-kvm and guests on the `kvm-opt` host kernel (`baseline-kvm/kvm-opt/*.patch`, docs/dv-ext.md \"Kernel-level posting (KVM-OPT)\"): KVM posts vIPIs and device interrupts through DV-Ext's hardware instead of kick-and-inject; the guest may post its own IPIs from V mode. Paper: KVM-OPT equals DuVisor for vIPI (147 cycles) and vEXT (184 cycles). Profile insn, quantum " Q "; the vIPI rows in ns of virtual time as above." > s
		print "" > s
		print "| row | KVM | KVM-OPT | DuVisor | KVM / KVM-OPT | KVM-OPT / DuVisor |" > s
		print "| --- | ---: | ---: | ---: | ---: | ---: |" > s
		n3 = 0
		ko[++n3] = "vipi|post-to-handler|vipi|virtual IPI, SBI send_ipi (the sender exits)"
		ko[++n3] = "vipi-vpost|post-to-handler|vipi-vpost|virtual IPI, the guest writes hu_vitr from V (KVM: not supported)"
		ko[++n3] = "vext|post-to-handler|vext|virtual ext. IRQ, I/O thread's post to the handler, the vCPU busy in the guest (the I/O thread waits 20 us after the ring)"
		ko[++n3] = "vext|ring-to-handler|vext|I/O notification, doorbell ring to the handler"
		ko[++n3] = "hypercall||hypercall|null hypercall"
		ko[++n3] = "mmio-read||mmio-read|MMIO read"
		ko[++n3] = "s2pf||s2pf|stage-2 fault"
		for (i = 1; i <= n3; i++) {
			split(ko[i], c, "|")
			ki = get(key("kvm", c[1], c[2], "insn", Q)); oi = get(key("kvm-opt", c[1], c[2], "insn", Q)); di = get(key("duvisor", c[3], c[2], "insn", Q))
			printf "| %s (`%s`%s) | %s | %s | %s | %s | %s |\n", c[4], c[1], c[2] == "" ? "" : " " c[2], ki == "?" ? "-" : ki, oi == "?" ? "-" : oi, di == "?" ? "-" : di, ratio(ki, oi) == "?" ? "-" : ratio(ki, oi) "x", ratio(oi, di) == "?" ? "-" : ratio(oi, di) "x" > s
		}
		# the per-hart path (cycles, from the traces: raise + receive, see
		# "Cross-hart phases"): the latency with both harts running at once
		n4 = 0
		kp[++n4] = "vipi|virtual IPI, SBI send_ipi: path in cycles"
		kp[++n4] = "vipi-vpost|virtual IPI, V-mode hu_vitr: path in cycles"
		kp[++n4] = "vext|virtual ext. IRQ, I/O thread's post: path in cycles"
		for (i = 1; i <= n4; i++) {
			split(kp[i], c, "|")
			ki = (("kvm", c[1], Q) in pathv) ? pathv["kvm", c[1], Q] : "?"
			oi = (("kvm-opt", c[1], Q) in pathv) ? pathv["kvm-opt", c[1], Q] : "?"
			di = (("duvisor", c[1], Q) in pathv) ? pathv["duvisor", c[1], Q] : "?"
			if (oi == "?") continue
			printf "| %s (`%s` path) | %s | %s | %s | %s | %s |\n", c[2], c[1], ki == "?" ? "-" : ki, oi, di == "?" ? "-" : di, ratio(ki, oi) == "?" ? "-" : ratio(ki, oi) "x", ratio(oi, di) == "?" ? "-" : ratio(oi, di) "x" > s
		}
		print "" > s
		print "The one-way rows are means over 1000 posts of the `time` CSR (10 MHz: 100 ns steps) at both ends; at about 100 ns they count how often a post and its handler fall on either side of a step, and their means carry the receive side's tail (a post that finds the vCPU out of the guest). The path rows are medians in each hart's own cycles." > s
		print "" > s
	}
	print "## Where we agree and where we do not" > s
	print "" > s
	for (i = 1; i <= np; i++) {
		b = prim[i]; pb = paperb[b]; p = param[b]
		pk = (("kvm", pb) in paper) ? paper["kvm", pb] : "?"
		pd = (("duvisor", pb) in paper) ? paper["duvisor", pb] : "?"
		pr = ratio(pk, pd)
		ri = ratio(get(key("kvm", b, p, "insn", Q)), get(dkey(b, p, "insn", Q)))
		rr = ratio(get(key("kvm", b, p, "rocket", Q)), get(dkey(b, p, "rocket", Q)))
		line = "- **" label[b] "**: paper " (pr == "?" ? "-" : pr "x") ", ours " (ri == "?" ? "not measured" : ri "x") " (insn), " (rr == "?" ? "not measured" : rr "x") " (rocket). "
		if (ri == "?" && rr == "?")
			line = line "No ratio of ours: not measured on both systems."
		else if (dirof(ri, pr) == "agree" && (rr == "?" || dirof(rr, pr) == "agree"))
			line = line "Within a factor of 1.5 of the paper."
		else
			line = line "We **disagree** with the paper by more than a factor of 1.5."
		if (b in note) line = line " " note[b]
		print line > s
	}
	print "" > s
	print "## Other measurements" > s
	print "" > s
	print "| what | system | profile | value |" > s
	print "| --- | --- | --- | ---: |" > s
	n = split("sbi-user| mmio-write| timer-program| timer-expiry|late-after-deadline syscall|getppid ioctl|kvm-check-extension mem-lat|page-stride mem-bw|rd mem-bw|wr mem-bw|cp", oth, " ")
	for (i = 1; i <= n; i++) {
		split(oth[i], c, "|")
		for (si = 1; si <= 4; si++) {
			sy = si == 1 ? "host" : si == 2 ? "kvm" : si == 3 ? "duvisor" : "duvisor-nopmc"
			for (pi = 1; pi <= 2; pi++) {
				pf = pi == 1 ? "insn" : "rocket"
				k = key(sy, c[1], c[2], pf, Q)
				if (have(k))
					printf "| %s%s | %s | %s | %s %s |\n", c[1], c[2] == "" ? "" : " (" c[2] ")", sy, pf, val[k], unit[c[1]] > s
			}
		}
	}
	print "" > s
	if (nq > 1) {
		print "## Virtual IPI and the scheduling quantum" > s
		print "" > s
		print "vIPI post to handler, one way, profile insn, cross-hart kick on: the one-way figure in the shared clock (ns; every hart's instructions count in it), and the per-hart path from the traced boot at the same quantum (cycles: the sender from its post to its raise of the interrupt, plus the receiver from the pend to its handler, each in its own hart's cycles; scripts/bench/xhart.awk). On real hardware both harts run at once: the path is the latency that does not depend on how the model interleaves them; the one-way figure equals it when both parts fit in one quantum and adds the other hart's instructions when they do not." > s
		print "" > s
		print "| quantum (instructions) | KVM (ns) | DuVisor, hu_vitr (ns) | DuVisor, SBI (ns) | KVM path (cycles) | DuVisor, hu_vitr path | DuVisor, SBI path |" > s
		print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |" > s
		for (i = 1; i <= nq; i++)
			printf "| %d | %s | %s | %s | %s | %s | %s |\n", qs[i], get(key("kvm", "vipi", "post-to-handler", "insn", qs[i])), get(key("duvisor", "vipi-vpost", "post-to-handler", "insn", qs[i])), get(key("duvisor", "vipi", "post-to-handler", "insn", qs[i])),
				pget("kvm", "vipi", qs[i]), pget("duvisor", "vipi-vpost", qs[i]), pget("duvisor", "vipi", qs[i]) > s
		spread("kvm", "vipi", "KVM (SBI)"); spread("duvisor", "vipi-vpost", "DuVisor (hu_vitr)"); spread("duvisor", "vipi", "DuVisor (SBI)")
		if (sp != "") print "\nSpread of the per-hart path over the quanta (max/min - 1): " sp "." > s
		print "" > s
		if ("vipi-quantum" in note) print note["vipi-quantum"] > s
		print "" > s
	}
	nphs = split("guest exit handling entry kernel firmware span", phs, " ")
	hdr = 0
	for (i = 1; i <= npb; i++) for (si = 1; si <= 2; si++) for (pi = 1; pi <= 2; pi++) {
		b = phb[i]; sy = si == 1 ? "kvm" : "duvisor"; pf = pi == 1 ? "insn" : "rocket"
		if (!((sy, b, pf) in phn)) continue
		if (!hdr) {
			print "## Phases from the model's transition trace" > s
			print "" > s
			print "Median cycles per exit at the benchmark loop's exit site (`bench-phases`, docs/methodology.md);" > s
			print "`span` is the exit outside the guest (exit + handling + entry + kernel + firmware), `guest` the guest's" > s
			print "own stretch before it (loop, trapping instruction, trap penalty); `-`: the exit has no such phase." > s
			print "`measured` is the guest's own result (rdcycle, empty loop subtracted) from the main run." > s
			print "" > s
			printf "| primitive | system | profile | exits |" > s
			for (j = 1; j <= nphs; j++) printf " %s |", phs[j] > s
			print " measured |" > s
			printf "| --- | --- | --- | ---: |" > s
			for (j = 1; j <= nphs; j++) printf " ---: |" > s
			print " ---: |" > s
			hdr = 1
		}
		printf "| %s | %s | %s | %s |", b, sy, pf, phn[sy, b, pf] > s
		for (j = 1; j <= nphs; j++) printf " %s |", ((sy, b, phs[j], pf) in ph) ? ph[sy, b, phs[j], pf] : "-" > s
		printf " %s |\n", get(key(sy, b, "", pf, Q)) > s
	}
	for (b in phn) ; # (other traced benchmarks are listed below)
	if (hdr) {
		for (k in phn) { split(k, kk, SUBSEP); if (kk[2] != "hypercall" && kk[2] != "mmio-read" && kk[2] != "s2pf") extra[kk[2]] = 1 }
		for (b in extra) for (si = 1; si <= 2; si++) for (pi = 1; pi <= 2; pi++) {
			sy = si == 1 ? "kvm" : "duvisor"; pf = pi == 1 ? "insn" : "rocket"
			if (!((sy, b, pf) in phn)) continue
			printf "| %s | %s | %s | %s |", b, sy, pf, phn[sy, b, pf] > s
			for (j = 1; j <= nphs; j++) printf " %s |", ((sy, b, phs[j], pf) in ph) ? ph[sy, b, phs[j], pf] : "-" > s
			printf " %s |\n", get(key(sy, b, "", pf, Q)) > s
		}
		print "" > s
		if ("phases" in note) print note["phases"] > s
		print "" > s
	}
	# ---- OSDI'23 Table 3: MMIO read in QEMU/KVM, kernel transfer and user side ----
	if (("kvm", "mmio-read", "insn") in phn || ("kvm", "mmio-read", "rocket") in phn) {
		print "## MMIO read: kernel and user (VMM) parts (OSDI'23 Table 3)" > s
		print "" > s
		print "The paper's rows: QEMU/KVM, cycles (RISC-V: FireSim Rocket; ARM, x86-64: hardware), Kernel the" > s
		print "in-kernel transfer, User the I/O emulation plus VM entry/exit in QEMU. Ours from the trace, median" > s
		print "per exit in the model's cycles (insn: instructions): kernel = `exit` + `entry` (HS from the exit" > s
		print "to the return to the VMM, and from the VMM's next `KVM_RUN` back into the guest), user =" > s
		print "`handling` (dv-kvm in U between the two); DuVisor has no kernel part." > s
		print "" > s
		print "| system | profile | kernel | user | total |" > s
		print "| --- | --- | ---: | ---: | ---: |" > s
		for (a = 1; a <= 3; a++) {
			arch = a == 1 ? "riscv" : a == 2 ? "arm" : "x86-64"
			if ((arch, "total") in t3)
				printf "| paper QEMU/KVM (%s) | paper | %s | %s | %s |\n", arch, t3[arch, "kernel"], t3[arch, "user"], t3[arch, "total"] > s
		}
		for (si = 1; si <= 2; si++) for (pi = 1; pi <= 2; pi++) {
			sy = si == 1 ? "kvm" : "duvisor"; pf = pi == 1 ? "insn" : "rocket"
			if (!((sy, "mmio-read", pf) in phn)) continue
			ke = ((sy, "mmio-read", "exit", pf) in ph) ? ph[sy, "mmio-read", "exit", pf] : 0
			ken = ((sy, "mmio-read", "entry", pf) in ph) ? ph[sy, "mmio-read", "entry", pf] : 0
			kin = ((sy, "mmio-read", "kernel", pf) in ph) ? ph[sy, "mmio-read", "kernel", pf] : 0
			us = ((sy, "mmio-read", "handling", pf) in ph) ? ph[sy, "mmio-read", "handling", pf] : 0
			tot = ((sy, "mmio-read", "span", pf) in ph) ? ph[sy, "mmio-read", "span", pf] : "?"
			if (sy == "kvm")
				printf "| ours KVM + dv-kvm | %s | %d | %d | %s |\n", pf, ke + ken + kin, us, tot > s
			else
				printf "| ours DuVisor (HU: exit stub %d, handling %d, HURET path %d) | %s | %d | %d | %s |\n", ke, us, ken, pf, kin, ke + us + ken, tot > s
		}
		print "" > s
		if ("table3" in note) print note["table3"] > s
		print "" > s
	}
	ni = 0
	for (v in idlev) ni++
	if (ni) {
		print "## Idle Linux guests: exits per second" > s
		print "" > s
		print "A Linux 6.1 guest idle in `sleep` (`scripts/bench/idle-rate.sh`; docs/methodology.md, \"Idle guests\"):" > s
		print "exits and WFI exits per second of virtual time in the idle window, all vCPUs together." > s
		print "" > s
		print "| vCPUs | KVM exits/s | KVM WFI/s | DuVisor exits/s | DuVisor WFI/s |" > s
		print "| ---: | ---: | ---: | ---: | ---: |" > s
		for (v = 1; v <= 8; v++) if (v in idlev)
			printf "| %d | %s | %s | %s | %s |\n", v, iget("kvm", "exits", v), iget("kvm", "wfi", v), iget("duvisor", "exits", v), iget("duvisor", "wfi", v) > s
		print "" > s
		if ("idle" in note) print note["idle"] > s
		print "" > s
	}
	if ("pmc" in note || npc > 0) {
		print "## PMC on and off, and the PMC-check penalty" > s
		print "" > s
		if (npc > 0) {
			print "DuVisor, profile insn, `x-dvext-pmc-cost` = N cycles per TLB fill (`scripts/host-run --pmc-cost N`):" > s
			print "" > s
			print "| N | bw rd (bytes/kcycle) | bw wr | bw cp | latency (cycles/load) |" > s
			print "| ---: | ---: | ---: | ---: | ---: |" > s
			for (i = 1; i <= npc; i++) {
				pcost = pcs[i]
				printf "| %d | %s | %s | %s | %s |\n", pcost, ((("mem-bw", "rd", pcost) in pmcv) ? pmcv["mem-bw", "rd", pcost] : "-"), ((("mem-bw", "wr", pcost) in pmcv) ? pmcv["mem-bw", "wr", pcost] : "-"), ((("mem-bw", "cp", pcost) in pmcv) ? pmcv["mem-bw", "cp", pcost] : "-"), ((("mem-lat", "page-stride", pcost) in pmcv) ? pmcv["mem-lat", "page-stride", pcost] : "-") > s
			}
			if (nopc != "")
				printf "| %d, no PMC (`duvisor-nopmc`, pmc=0: control) | %s | %s | %s | %s |\n", nopc, ((("mem-bw", "rd") in nopv) ? nopv["mem-bw", "rd"] : "-"), ((("mem-bw", "wr") in nopv) ? nopv["mem-bw", "wr"] : "-"), ((("mem-bw", "cp") in nopv) ? nopv["mem-bw", "cp"] : "-"), ((("mem-lat", "page-stride") in nopv) ? nopv["mem-lat", "page-stride"] : "-") > s
			printf "| default (0), no PMC (`duvisor-nopmc`, main run) | %s | %s | %s | %s |\n", get(key("duvisor-nopmc", "mem-bw", "rd", "insn", Q)), get(key("duvisor-nopmc", "mem-bw", "wr", "insn", Q)), get(key("duvisor-nopmc", "mem-bw", "cp", "insn", Q)), get(key("duvisor-nopmc", "mem-lat", "page-stride", "insn", Q)) > s
			print "" > s
		}
		if ("pmc" in note) print note["pmc"] > s
		print "" > s
	}
	close(s)
}

function pget(sy, b, q) { return ((sy, b, q) in pathv) ? pathv[sy, b, q] : "?" }
# appends "NAME X%" to sp: how far the per-hart path moves over the quanta
function spread(sy, b, name,    i, v, lo, hi) {
	lo = ""; hi = ""
	for (i = 1; i <= nq; i++) {
		if (!((sy, b, qs[i]) in pathv)) return
		v = pathv[sy, b, qs[i]] + 0
		if (lo == "" || v < lo) lo = v
		if (hi == "" || v > hi) hi = v
	}
	if (lo > 0) sp = sp (sp == "" ? "" : ", ") name " " sprintf("%.1f%%", 100 * (hi / lo - 1))
}
