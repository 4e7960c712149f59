#!/usr/bin/env python3
"""Writes results/security.md from one `make security` run (issue 12, part 6).

Inputs (all from the run, in DIR = results/security):
  tables/tables.md       Tables 1-2 (scripts/security/loc.py)
  fuzz-core.tsv          VMM-core fuzzers: name, seed, inputs, seconds, findings
  host.log               the modelled host's console (tests/security/host-plan.sh):
                         DVTEST check lines and SECROW figure lines
  checks.txt             every check of the run, TAP
and security/table6.tsv (the classes, where each is planted, KVM counterpart).
Usage: report.py --dir DIR --top TOP --out FILE --seconds N
"""
import argparse
import datetime
import os
import re
import subprocess


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _aligned(what):
    m = re.search(r"(0x[0-9a-f]+|\b0\b) width (\d)", what)
    if not m:
        return True
    return int(m.group(1), 16) % int(m.group(2)) == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, default=0)
    a = ap.parse_args()

    host = read(os.path.join(a.dir, "host.log"))
    checks = read(os.path.join(a.dir, "checks.txt")).splitlines()
    rows = [l.split("SECROW: ", 1)[1].strip().split("|") for l in host.splitlines() if "SECROW: " in l]
    t6 = {r[1]: r for r in rows if r[0] == "table6"}
    dvf = [r for r in rows if r[0] == "dvfuzz"]
    classes = []
    for line in read(os.path.join(a.top, "security/table6.tsv")).splitlines():
        if line and not line.startswith("#"):
            classes.append(line.split("\t"))
    passed = sum(1 for c in checks if c.startswith("ok "))
    failed = sum(1 for c in checks if c.startswith("not ok "))
    try:
        commit = subprocess.run(["git", "-C", a.top, "log", "-1", "--format=%h %cs"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"

    def checks_for(prefix):
        return [c for c in checks if prefix in c]

    md = []
    md.append("# Security evaluation (issue 12)\n")
    md.append(f"`make security`, commit {commit}, run {datetime.date.today()}; "
              f"{a.seconds // 60} min {a.seconds % 60} s wall on this machine; "
              f"{passed} checks passed, {failed} failed (every check: `results/security/checks.txt`).\n")
    md.append("The modelled host (QEMU 7.2 `virt` with DV-Ext, Linux 6.1 with KVM, 2 harts, no icount) "
              "runs everything in one boot; the host's kernel log is read after every step for "
              "`Oops`, `BUG:`, `WARNING:`, RCU stalls, soft/hard lockups and hung tasks.\n")

    # ---- Table 6 ----
    md.append("## Table 6 on our stack: six bug classes planted in DuVisor\n")
    md.append("Each class is a real bug of that kind compiled into `build/security/duvisor-faults` "
              "(`-DVMM_FAULTS`, `vmm/faultinj.c`) and armed by `DV_FAULT=CLASS`; the guest "
              "(`tests/security/guest/secguest.c`) fires it with one action. During each, one "
              "DuVisor VM and one KVM VM (`dv-kvm`) run the selftest guest (`mmio=N timer=1`). "
              "Control: the same guest action with the switch off and on the normal `duvisor` "
              "(no switch built in) is harmless: the guest exits 7.\n")
    md.append("| class | CVE (paper) | subsystem | injected where | guest trigger | DuVisor outcome "
              "| host outcome | bystander VMs | control | KVM counterpart (Linux 6.1) |")
    md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in classes:
        name, cve, sub, where, trig, kvm = c[:6]
        r = t6.get(name)
        if not r:
            md.append(f"| {name} | {cve} | {sub} | {where} | {trig} | not run | | | | {kvm} |")
            continue
        _, _, outcome, fired, kern, rdv, rkvm, alive, before, after = r[:10]
        spin = r[10] if len(r) > 10 else "-"
        died = f"died: {outcome}" if outcome.startswith("SIG") else outcome
        if name == "sbi-loop":
            died = f"spun ({spin}) until `kill -9` (SIGKILL)"
        hostok = ("no oops/WARN/stall; " if kern == "none" else "**kernel log: see checks**; ") + \
            f"CMA allocated {before} -> {after} kB"
        idle = checks_for(f"table6 {name}: CMA came back")
        hostok += "; driver idle" if idle and idle[0].startswith("ok ") else "; **driver not idle**"
        by = ("DuVisor ok, KVM ok" if rdv == "0" and rkvm == "0" and alive == "0"
              else f"**DuVisor {rdv}, KVM {rkvm}, running at fault: {alive == '0'}**")
        ctl = checks_for(f"table6 {name}: control")
        ctl = "harmless" if ctl and ctl[0].startswith("ok ") else ("**FAILED**" if ctl else "-")
        md.append(f"| {name} | {cve} | {sub} | {where} | {trig} | {died} | {hostok} | {by} | {ctl} | {kvm} |")
    md.append("")

    # ---- Tables 1-2 ----
    md.append("## Tables 1 and 2, measured\n")
    md.append(read(os.path.join(a.dir, "tables/tables.md")).strip() + "\n")
    md.append("The paper's CVE counts (Table 1: KVM 111 CVEs, 80 of them host-threatening; Table 2: "
              "all 80 in the VM plane) are the paper's and are not re-counted here; what is measured "
              "is where that VM-plane code runs on this stack: in the host kernel for KVM, nowhere in "
              "the kernel for DuVisor (its VM plane is the user-level `duvisor` process).\n")

    # ---- fuzzing ----
    md.append("## Fuzzing campaign\n")
    md.append("### VMM core, coverage-guided (libFuzzer + ASan/UBSan, on the build machine)\n")
    md.append("Each target starts from its committed corpus (`fuzz/corpus/NAME`, replayed first: "
              "earlier findings are regression inputs) with a fixed libFuzzer seed.\n")
    md.append("| target | what it drives | seed | inputs | seconds | findings |")
    md.append("| --- | --- | ---: | ---: | ---: | --- |")
    what = {
        "mmio": "MMIO bus, PLIC, UART, test device, virtio-mmio blk/console, guest-built virtqueues",
        "sbi": "SBI dispatch, every extension incl. legacy v0.1, edge arguments",
        "insn": "DuVisor's MMIO decode (32-bit, compressed, htinst) and guest page-table walk",
        "fdt": "device-tree builder inputs (vCPUs, RAM, ISA string, bootargs, initrd, buffer size)",
        "loader": "image probe, Linux Image / ELF / raw loaders, initrd loader",
        "config": "command-line parser",
    }
    total = 0
    for line in read(os.path.join(a.dir, "fuzz-core.tsv")).splitlines():
        p = line.split("\t")
        if len(p) < 5:
            continue
        total += int(p[2]) if p[2].isdigit() else 0
        md.append(f"| {p[0]} | {what.get(p[0], '')} | {p[1]} | {p[2]} | {p[3]} | "
                  f"{'none' if p[4] == '0' else p[4]} |")
    md.append(f"\n{total} inputs in all. Found while building the fuzzers (fixed, with a "
              "regression test): `vm_config_parse` reset getopt with `optind = 1`, so a parse "
              "after one that stopped inside a cluster of short options (`-hc`) read the earlier "
              "argv (heap use-after-free under ASan); now `optind = 0` "
              "(`tests/unit/test_vmm_config_reparse.c`, `fuzz/corpus/config/regress-getopt-uaf`).\n")
    md.append("### `/dev/duvisor`: ioctl and mmap fuzzer in the modelled host\n")
    md.append("`tests/security/dvfuzz.c`: threads with their own seeded streams open and close the "
              "device, call every ioctl (and wrong sizes, directions and numbers) with edge values "
              "and bad pointers, mmap at random offsets, lengths and protections, fork children "
              "that use the inherited files and die (exit, SIGKILL, abort), start threads that "
              "register and die registered, and leave mappings behind their closed files.\n")
    md.append("| seed | calls (opens, ioctls, mmaps) | VMs created | mmaps that succeeded | "
              "registrations | forks | dying threads | kernel log | driver afterwards | CMA allocated (kB) | rmmod |")
    md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |")
    for r in dvf:
        _, seed, rc, kern, rm, before, after, _, _, stats = r[:10]
        kv = dict(x.split("=", 1) for x in stats.split() if "=" in x)
        idle = checks_for(f"dvfuzz seed {seed}: afterwards the driver holds nothing")
        md.append(f"| {seed} | {kv.get('opens')} opens, {kv.get('ioctls')} ioctls, {kv.get('mmaps')} mmaps "
                  f"| {kv.get('vms')} | {kv.get('mmap_ok')} | {kv.get('registered')} | {kv.get('forks')} "
                  f"| {kv.get('dying_threads')} | {'none' if kern == 'none' else '**finding**'} "
                  f"| {'holds nothing' if idle and idle[0].startswith('ok ') else '**holds memory**'} "
                  f"| {before} -> {after} | {'works' if rm == '0' else '**fails**'} |")
    md.append("")
    md.append("### Guest fuzzer on both VMMs, same seeds, host watched\n")
    md.append("`tests/security/guest/guestfuzz.c` (bare metal, splitmix64 from `seed=`; `from=N ops=1` "
              "replays input N alone): random MMIO to every device region at every width and "
              "alignment, malformed virtqueues, SBI calls to every extension (legacy v0.1 "
              "included) with random and edge arguments, random privileged (SYSTEM opcode) and "
              "illegal instructions, random Sv39 guest page tables with MMIO through them. Left "
              "out: the calls that end or park the run (SRST, legacy shutdown, our exit call, the "
              "test device's PASS/FAIL/RESET, HSM stop/suspend of itself) and console output.\n")
    gf = [r for r in rows if r[0] == "gfuzz"]
    stops = [l.split("SECSTOP: ", 1)[1].strip().split("|", 5) for l in host.splitlines()
             if "SECSTOP: " in l]
    md.append("When the VMM ends the guest's run on an input (an error exit), the plan records the "
              "input (seed, index, what it was) and restarts the guest at the next input, up to a "
              "cap of stops per VMM and seed. A VMM killed by a signal, a hang, or anything in the "
              "host kernel's log is a finding.\n")
    md.append("| VMM | seed | inputs run | error stops | VMM crashes | host kernel log | CMA allocated (kB) | "
              "seconds | guest exceptions handled (finished runs) | reached the end |")
    md.append("| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | --- |")
    for r in gf:
        _, name, seed, ran, nstop, sigs, kern, before, after, secs, exc, end_ = r[:12]
        md.append(f"| {name} | {seed} | {ran} | {nstop} | {sigs} | "
                  f"{'none' if kern == 'none' else '**finding: see checks**'} | {before} -> {after} "
                  f"| {secs} | {exc} | {end_} |")
    if not gf:
        md.append("| (not run) | | | | | | | | | |")
    md.append("")
    # Stops grouped by VMM and error, with the first reproduction of each.
    groups = {}
    for vmm, seed, idx, outcome, what, err in stops:
        kind = what.split(" ", 1)[0] if what else "?"
        mis = kind == "mmio" and any(
            w in what for w in ("width 2", "width 4", "width 8")) and not _aligned(what)
        key = (vmm, err, kind + (" (misaligned)" if mis else ""))
        g = groups.setdefault(key, [0, f"seed={seed} from={idx} ops=1 ({what})"])
        g[0] += 1
    md.append("**Host-side findings: none** (no oops, BUG, WARN, RCU stall, lockup or hang in the "
              "host kernel on any seed, on either VMM)." if all(r[6] == "none" for r in gf) and gf
              else "**Host-side findings: see the checks above.**")
    md.append("")
    md.append("Error stops (the VMM ended the guest's run), by VMM and error:\n")
    md.append("| VMM | error | input kind | stops | first reproduction | where |")
    md.append("| --- | --- | --- | ---: | --- | --- |")
    for (vmm, err, kind), (n, first) in sorted(groups.items()):
        where = ""
        if vmm == "kvm" and "Bad address" in err:
            where = ("upstream Linux 6.1: the guest's illegal instruction is not delegated to VS "
                     "(`hedeleg` in `arch/riscv/kvm/main.c` lacks it; OpenSBI redirects it to HS), "
                     "and `kvm_riscv_vcpu_exit` (`arch/riscv/kvm/vcpu_exit.c`) returns -EFAULT for a "
                     "trap it does not handle: KVM_RUN fails, the VM ends; the host is unharmed")
        elif vmm == "kvm" and "Input/output error" in err:
            where = ("upstream Linux 6.1: `kvm_riscv_vcpu_mmio_load`/`_store` "
                     "(`arch/riscv/kvm/vcpu_insn.c`) return -EIO for an MMIO address not aligned "
                     "to the access width: KVM_RUN fails, the VM ends; the host is unharmed")
        md.append(f"| {vmm} | {err} | {kind} | {n} | `{first}` | {where} |")
    if not groups:
        md.append("| (none) | | | | | |")
    md.append("")
    # ---- README table ----
    md.append("## Attacks, where they are stopped, by what, tested by\n")
    md.append(read(os.path.join(a.top, "security/attacks.md")).strip() + "\n")

    # ---- failures ----
    bad = [c for c in checks if c.startswith("not ok ")]
    md.append("## Checks that failed\n")
    md.append("\n".join(f"- {c}" for c in bad) if bad else "None.")
    md.append("")
    with open(a.out, "w") as f:
        f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
