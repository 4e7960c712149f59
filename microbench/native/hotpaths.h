/* SPDX-License-Identifier: MIT */
/* VMM hot paths set up for a host-side benchmark (bench_native.cc calls
 * these; the C side keeps the VMM headers out of C++). */
#ifndef HOTPATHS_H
#define HOTPATHS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MMIO bus: the machine's regions (PLIC, UART, test, 8 virtio slots) with
 * trivial devices; one dispatch of a 4-byte read at addr: with the bus's
 * last-hit region (now), or with it dropped first (the search every
 * dispatch did before). */
int hp_mmio_setup(void);
uint64_t hp_mmio_read(uint64_t addr);
uint64_t hp_mmio_read_search(uint64_t addr);

/* SBI extension lookup: the switch on the id (now) and the linear search
 * over the extension table (before). */
const void *hp_sbi_find(uint64_t eid);
const void *hp_sbi_find_linear(uint64_t eid);

/* DuVisor's MMIO instruction decode of one 32-bit or compressed load/store. */
int hp_decode(uint32_t insn);
/* What an MMIO exit costs to decode: before, a fetch through the guest's
 * Sv39 page table (two walks for a 32-bit instruction) and a decode; now,
 * htinst's transformed form, or a hit in the decode cache. */
int hp_decode_setup(void);
int hp_decode_fetch_walk(void);
int hp_decode_tinst(void);
int hp_decode_cache(void);

/* Stage-2 map of npages 4 KiB pages over a preallocated pool, then clear:
 * s2_map per page under a mutex (before) or the fault path now (the leaf
 * table of the 2 MiB region cached, the leaf set by compare-and-swap). */
int hp_s2_setup(unsigned npages);
int hp_s2_map_all(void);
int hp_s2_map_all_cas(void);

/* One virtqueue request of nseg descriptors: the driver side makes it
 * available, the device side pops and pushes it. */
int hp_virtq_setup(unsigned nseg);
int hp_virtq_roundtrip(void);

#ifdef __cplusplus
}
#endif

#endif
