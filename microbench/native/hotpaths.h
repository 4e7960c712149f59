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
 * trivial devices; one dispatch of a 4-byte read at addr. */
int hp_mmio_setup(void);
uint64_t hp_mmio_read(uint64_t addr);

/* DuVisor's MMIO instruction decode of one 32-bit or compressed load/store. */
int hp_decode(uint32_t insn);

/* Stage-2 map of npages 4 KiB pages over a preallocated pool, then clear. */
int hp_s2_setup(unsigned npages);
int hp_s2_map_all(void);

/* One virtqueue request of nseg descriptors: the driver side makes it
 * available, the device side pops and pushes it. */
int hp_virtq_setup(unsigned nseg);
int hp_virtq_roundtrip(void);

#ifdef __cplusplus
}
#endif

#endif
