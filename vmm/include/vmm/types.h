/* SPDX-License-Identifier: MIT */
/*
 * Address types. A guest-physical address is a number the guest chose; a
 * host-virtual address is a pointer into our mapping of guest memory. Keeping
 * the second a pointer type makes the compiler refuse to mix the two.
 */
#ifndef VMM_TYPES_H
#define VMM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

typedef u64 gpa_t; /* guest-physical address */
typedef u64 hpa_t; /* host-physical address (DuVisor's stage-2 tables) */
typedef u8 *hva_t; /* host-virtual address in the VMM */

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define SZ_4K		 0x1000ULL
#define SZ_2M		 0x200000ULL
#define SZ_1M		 0x100000ULL
#define SZ_1G		 0x40000000ULL
#define ALIGN_UP(x, a)	 (((x) + (a)-1) & ~((u64)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a)-1))

#endif
