#!/usr/bin/env python3
"""Writes the seed corpora of the VMM-core fuzzers (fuzz/corpus/NAME/), in
the input formats of fuzz/fuzz_NAME.c. Run once; the seeds are committed.
Usage: make-seeds.py DIR"""
import os
import struct
import sys

out = sys.argv[1]
RAM = 0x80000000


def put(name, seed, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


# ---- mmio: 16-byte records (op, sel, off32, wsel, val64, pad) ----
PLIC, UART, TEST, VBLK, VCON, ANY = range(6)


def mm(write, sel, off, val=0, width=4):
    return struct.pack("<BBIBQB", 1 if write else 0, sel, off, {1: 0, 2: 1, 4: 2, 8: 3}[width], val, 0)


def ram(off, val):
    return struct.pack("<BBIBQB", 2, 0, off, 0, val, 0)


def virtio_setup(sel, qsize=8, desc=0x1000, avail=0x2000, used=0x3000):
    r = b""
    for v in (0, 1, 3):
        r += mm(1, sel, 0x70, v)
    r += mm(1, sel, 0x24, 1) + mm(1, sel, 0x20, 1)  # VERSION_1
    r += mm(1, sel, 0x70, 11)  # FEATURES_OK
    r += mm(1, sel, 0x30, 0) + mm(0, sel, 0x34) + mm(1, sel, 0x38, qsize)
    for reg, a in ((0x80, desc), (0x90, avail), (0xa0, used)):
        r += mm(1, sel, reg, RAM + a) + mm(1, sel, reg + 4, 0)
    r += mm(1, sel, 0x44, 1) + mm(1, sel, 0x70, 15)
    return r


def desc(i, addr, length, flags, nxt):
    lo = struct.unpack("<Q", struct.pack("<QIHH", RAM + addr, length, flags, nxt)[:8])[0]
    hi = struct.unpack("<Q", struct.pack("<QIHH", RAM + addr, length, flags, nxt)[8:])[0]
    return ram(0x1000 + 16 * i, lo) + ram(0x1000 + 16 * i + 8, hi)


blk = virtio_setup(VBLK)
# a read request: header (type 0, sector 0), 512-byte data, status
blk += ram(0x4000, 0) + ram(0x4008, 0)
blk += desc(0, 0x4000, 16, 1, 1) + desc(1, 0x5000, 512, 3, 2) + desc(2, 0x6000, 1, 2, 0)
blk += ram(0x2000, 0x0000000000010000)  # avail: flags 0, idx 1, ring[0] = 0
blk += mm(1, VBLK, 0x50, 0) + mm(0, VBLK, 0x60) + mm(1, VBLK, 0x64, 1)
put("mmio", "virtio-blk-read", blk)
loop = virtio_setup(VBLK) + desc(0, 0x4000, 16, 1, 0) + ram(0x2000, 0x10000) + mm(1, VBLK, 0x50, 0)
put("mmio", "virtio-blk-loop", loop)
con = virtio_setup(VCON) + desc(0, 0x4000, 5, 0, 0) + ram(0x4000, 0x6f6c6c6568)
con += ram(0x2000, 0x10000) + mm(1, VCON, 0x50, 1)
put("mmio", "virtio-console", con)
u = mm(1, UART, 3, 0x80, 1) + mm(1, UART, 0, 1, 1) + mm(1, UART, 3, 3, 1) + mm(1, UART, 1, 3, 1)
u += mm(1, UART, 0, 0x41, 1) + mm(0, UART, 5, 0, 1) + mm(0, UART, 2, 0, 1) + mm(1, UART, 4, 0x10, 1)
put("mmio", "uart", u)
p = mm(1, PLIC, 4 * 10, 1) + mm(1, PLIC, 0x2000, 1 << 10) + mm(1, PLIC, 0x200000, 0)
p += mm(1, UART, 1, 1, 1) + mm(0, PLIC, 0x200004) + mm(1, PLIC, 0x200004, 10) + mm(0, PLIC, 0x1000)
put("mmio", "plic-claim", p)
put("mmio", "test-and-widths", mm(0, TEST, 0, 0, 8) + mm(0, ANY, 0x3000, 0, 2) + mm(1, TEST, 0, 0x5555))

# ---- sbi: records (who, esel, fsel, [fid], 6 x (k, v64)) ----
def sbi(who, esel, fid, args):
    r = struct.pack("<BBB", who, esel, 0) + struct.pack("<B", fid)
    for a in args:
        r += struct.pack("<BQ", 0, a)
    return r


for i, name in enumerate(["settimer", "putchar", "getchar", "clearipi", "sendipi", "fencei",
                          "sfence", "sfenceasid", "shutdown", "base", "time", "ipi", "rfence",
                          "hsm", "srst", "dvb"]):
    put("sbi", name, b"".join(sbi(0, i, f, [RAM + 0x100, 1, 0, 0x1000, 0, 0]) for f in range(4)))

# ---- insn: insn32, tinst32, vsatp64, va64, then RAM (page tables) ----
sv39 = (8 << 60) | (RAM >> 12)
tab = bytearray(0x4000)
struct.pack_into("<Q", tab, 2 * 8, ((RAM >> 12) << 10) | 0xcf)  # 1 GiB leaf: VA 0x80000000
struct.pack_into("<Q", tab, 8, (((RAM + 0x1000) >> 12) << 10) | 1)  # next level
for name, insn in (("lw", 0x0005a503), ("sd", 0x00b53023), ("c.lw", 0x4188), ("c.sd", 0xe188),
                   ("lbu", 0x0005c503), ("wfi", 0x10500073)):
    put("insn", name, struct.pack("<IIQQ", insn, insn & ~0x000f8000, sv39, RAM + 0x10) + bytes(tab))
put("insn", "bare", struct.pack("<IIQQ", 0x0005a503, 0, 0, RAM))

# ---- fdt: nr, flags, bufsize16, memsize64, initrd start/end, isa len, isa, append ----
isa = b"rv64imafdc_sstc"
for name, flags, nr in (("plain", 2, 1), ("all", 2 | 4 | 8, 8), ("noappend", 1, 2)):
    put("fdt", name, struct.pack("<BBHQQQ", nr - 1, flags, 0x4000, 256 << 20, RAM + 0x100000, RAM + 0x200000)
        + bytes([len(isa)]) + isa + b"console=ttyS0 root=/dev/vda rw")

# ---- loader: sel byte is data[0]; the file is the whole input ----
elf = bytearray(0x100)
elf[0:16] = b"\x7fELF\x02\x01\x01" + bytes(9)
struct.pack_into("<HHIQQQIHHHHHH", elf, 16, 2, 243, 1, RAM, 64, 0, 0, 64, 56, 1, 64, 0, 0)
struct.pack_into("<IIQQQQQQ", elf, 64, 1, 7, 0x100, RAM, RAM, 0, 0x1000, 0x1000)
put("loader", "elf", bytes(elf))
img = bytearray(0x1000)
struct.pack_into("<IIQQQIIQQI", img, 0, 0, 0, 0x200000, 0x1000, 0, 2, 0, 0, 0x5643534952, 0x05435352)
put("loader", "image", bytes(img))
put("loader", "raw", b"\x80" + bytes(64))

# ---- config: NUL-separated argv ----
for name, args in (("kernel", ["--kernel", "k"]),
                   ("full", ["-k", "k", "-m", "256M", "-c", "4", "--disk", "d,ro", "--initrd", "i",
                             "--net", "tap=tap0,host-ip=192.0.2.1/24,mac=02:00:00:00:00:01",
                             "--stats", "--reboots", "2", "--virtio-console", "-a", "console=hvc0"]),
                   ("help-cluster", ["-hc"])):
    put("config", name, b"\0".join(a.encode() for a in args))
