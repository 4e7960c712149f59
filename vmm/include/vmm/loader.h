/* SPDX-License-Identifier: MIT */
/* Loaders: a kernel (Linux Image, ELF, raw) and an initrd into guest RAM. */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include "vmm/config.h"
#include "vmm/mem.h"

struct load_info {
	enum kernel_format fmt; /* what was loaded (never KFMT_AUTO) */
	gpa_t entry;
	gpa_t start, end; /* guest-physical range the image occupies */
};

/* What the file is, by its header; KFMT_RAW if neither ELF nor Image. A
 * negative errno (vmm_error set) if it cannot be read. */
int kernel_probe(const char *path, enum kernel_format *fmt);
/* Check that the kernel exists, has the requested format and is whole (an
 * Image's PE/COFF sections, an ELF file's headers and loadable segments
 * inside the file), before any VM is created (so a typo costs no hypervisor
 * setup). */
int kernel_check(const char *path, enum kernel_format want);
/* The initrd exists, is a regular file and is not empty. */
int initrd_check(const char *path);
int kernel_load(const struct guest_mem *mem, const char *path, enum kernel_format fmt,
		gpa_t raw_addr, struct load_info *info);
/* Put the initrd as high as it fits below limit, 4 KiB aligned, above avoid_end. */
int initrd_load(const struct guest_mem *mem, const char *path, gpa_t limit, gpa_t avoid_end,
		struct load_info *info);

/* RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst). */
struct riscv_image_header {
	u32 code0, code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u32 version, res1;
	u64 res2;
	u64 magic;  /* "RISCV\0\0\0" */
	u32 magic2; /* "RSC\x05" */
	u32 res3;
};

#define RISCV_IMAGE_MAGIC  0x5643534952ULL /* "RISCV" little-endian */
#define RISCV_IMAGE_MAGIC2 0x05435352U	   /* "RSC\x05" */

#endif
