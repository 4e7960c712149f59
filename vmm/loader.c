// SPDX-License-Identifier: MIT
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/err.h"
#include "vmm/loader.h"
#include "vmm/memmap.h"

static const char *const fmt_names[] = {
	[KFMT_AUTO] = "a kernel",
	[KFMT_IMAGE] = "a RISC-V Linux Image",
	[KFMT_ELF] = "an ELF file",
	[KFMT_RAW] = "a flat binary",
};

static int open_file(const char *path, const char *what, off_t *size)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return vmm_error(errno, "%s '%s': %s", what, path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return vmm_error(EINVAL, "%s '%s' is not a regular file", what, path);
	}
	*size = st.st_size;
	return fd;
}

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t r = pread(fd, buf, len, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf = (u8 *)buf + r;
		len -= r;
		off += r;
	}
	return 0;
}

static bool is_image(const struct riscv_image_header *h)
{
	return (h->magic & 0xffffffffffULL) == RISCV_IMAGE_MAGIC && h->magic2 == RISCV_IMAGE_MAGIC2;
}

static bool is_elf(const u8 *b)
{
	return !memcmp(b, ELFMAG, SELFMAG);
}

int kernel_probe(const char *path, enum kernel_format *fmt)
{
	struct riscv_image_header h;
	off_t size;
	int fd = open_file(path, "kernel", &size);

	if (fd < 0)
		return fd;
	memset(&h, 0, sizeof(h));
	if (size >= (off_t)sizeof(h) && read_at(fd, &h, sizeof(h), 0) == 0 && is_image(&h))
		*fmt = KFMT_IMAGE;
	else if (size >= SELFMAG && read_at(fd, &h, SELFMAG, 0) == 0 && is_elf((u8 *)&h))
		*fmt = KFMT_ELF;
	else
		*fmt = KFMT_RAW;
	close(fd);
	if (size == 0)
		return vmm_error(EINVAL, "kernel '%s' is empty", path);
	return 0;
}

/* PE/COFF, as far as an EFI-stub Image needs it: the end of the last
 * section's raw data is the length the file must have. */
#define MZ_MAGIC	0x5a4d
#define PE_MAGIC	0x00004550 /* "PE\0\0" */
#define PE_COFF_SIZE	20
#define PE_SECTION_SIZE 40
#define PE_MAX_SECTIONS 96
#define IMAGE_FLAG_BE	1ULL
#define IMAGE_PAGE	0x1000ULL

static int check_pe(int fd, const char *path, off_t size, u32 pe_off)
{
	u8 coff[4 + PE_COFF_SIZE];
	u16 nsec, opt_size;
	u32 sig;
	u64 table, need = 0;

	if ((u64)pe_off + sizeof(coff) > (u64)size)
		return vmm_error(EINVAL,
				 "kernel '%s' is truncated: %lld bytes, its PE/COFF header is at "
				 "%u",
				 path, (long long)size, pe_off);
	if (read_at(fd, coff, sizeof(coff), pe_off))
		return vmm_error(EIO, "cannot read kernel '%s'", path);
	memcpy(&sig, coff, 4);
	memcpy(&nsec, coff + 4 + 2, 2);
	memcpy(&opt_size, coff + 4 + 16, 2);
	if (sig != PE_MAGIC || nsec == 0 || nsec > PE_MAX_SECTIONS)
		return vmm_error(EINVAL, "kernel '%s': bad PE/COFF header in a Linux Image", path);
	table = (u64)pe_off + sizeof(coff) + opt_size;
	if (table + (u64)nsec * PE_SECTION_SIZE > (u64)size)
		return vmm_error(EINVAL,
				 "kernel '%s' is truncated: %lld bytes, its PE/COFF section table "
				 "ends at %llu",
				 path, (long long)size,
				 (unsigned long long)(table + (u64)nsec * PE_SECTION_SIZE));
	for (unsigned i = 0; i < nsec; i++) {
		u8 sec[PE_SECTION_SIZE];
		u32 raw_size, raw_ptr;

		if (read_at(fd, sec, sizeof(sec), table + (u64)i * PE_SECTION_SIZE))
			return vmm_error(EIO, "cannot read kernel '%s'", path);
		memcpy(&raw_size, sec + 16, 4);
		memcpy(&raw_ptr, sec + 20, 4);
		if (raw_size && (u64)raw_ptr + raw_size > need)
			need = (u64)raw_ptr + raw_size;
	}
	if (need > (u64)size)
		return vmm_error(EINVAL,
				 "kernel '%s' is truncated: %lld bytes, its PE/COFF header says "
				 "%llu",
				 path, (long long)size, (unsigned long long)need);
	return 0;
}

/*
 * A Linux Image says how much memory it occupies (image_size), not how long
 * its file is; only an EFI-stub Image (CONFIG_EFI, a PE/COFF header) says
 * that too. So: the file must not be longer than its footprint, the load
 * offset must be page-aligned, and with a PE/COFF header the file must hold
 * every section.
 */
static int check_image(int fd, const char *path, off_t size)
{
	struct riscv_image_header h;

	if (read_at(fd, &h, sizeof(h), 0) || !is_image(&h))
		return vmm_error(EINVAL, "kernel '%s' is not a RISC-V Linux Image", path);
	if (h.flags & IMAGE_FLAG_BE)
		return vmm_error(EINVAL, "kernel '%s' is a big-endian Linux Image", path);
	if (h.text_offset % IMAGE_PAGE)
		return vmm_error(EINVAL, "kernel '%s': text_offset %#llx is not 4 KiB aligned",
				 path, (unsigned long long)h.text_offset);
	if (h.image_size && h.image_size < (u64)size && (h.code0 & 0xffff) != MZ_MAGIC)
		return vmm_error(EINVAL,
				 "kernel '%s': %lld bytes, more than the image_size of its header "
				 "(%llu)",
				 path, (long long)size, (unsigned long long)h.image_size);
	if ((h.code0 & 0xffff) == MZ_MAGIC && h.res3)
		return check_pe(fd, path, size, h.res3);
	return 0;
}

/* Headers and every loadable segment inside the file. */
static int check_elf(int fd, const char *path, off_t size)
{
	Elf64_Ehdr eh;

	if ((u64)size < sizeof(eh))
		return vmm_error(EINVAL,
				 "kernel '%s' is truncated: %lld bytes, shorter than an ELF "
				 "header",
				 path, (long long)size);
	if (read_at(fd, &eh, sizeof(eh), 0) || !is_elf(eh.e_ident))
		return vmm_error(EINVAL, "kernel '%s' is not an ELF file", path);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_RISCV)
		return vmm_error(EINVAL, "kernel '%s' is not a 64-bit RISC-V ELF file", path);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64)
		return vmm_error(EINVAL, "kernel '%s': bad ELF program headers", path);
	if (eh.e_phoff > (u64)size || (u64)eh.e_phnum * sizeof(Elf64_Phdr) > (u64)size - eh.e_phoff)
		return vmm_error(
			EINVAL,
			"kernel '%s' is truncated: %lld bytes, its ELF program headers "
			"end at %llu",
			path, (long long)size,
			(unsigned long long)(eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr)));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)))
			return vmm_error(EIO, "cannot read kernel '%s'", path);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return vmm_error(EINVAL,
					 "kernel '%s': ELF segment %u has more file than memory "
					 "bytes",
					 path, i);
		if (ph.p_offset > (u64)size || ph.p_filesz > (u64)size - ph.p_offset)
			return vmm_error(
				EINVAL,
				"kernel '%s' is truncated: %lld bytes, ELF segment %u ends "
				"at %llu",
				path, (long long)size, i,
				(unsigned long long)(ph.p_offset + ph.p_filesz));
	}
	return 0;
}

int kernel_check(const char *path, enum kernel_format want)
{
	enum kernel_format got;
	off_t size;
	int fd, err = kernel_probe(path, &got);

	if (err)
		return err;
	if (want == KFMT_AUTO && got == KFMT_RAW)
		return vmm_error(EINVAL,
				 "kernel '%s' is neither a RISC-V Linux Image nor an ELF file "
				 "(--kernel-format raw loads a flat binary)",
				 path);
	if (want != KFMT_AUTO && want != KFMT_RAW && want != got)
		return vmm_error(EINVAL, "kernel '%s' is not %s (it looks like %s)", path,
				 fmt_names[want], fmt_names[got]);
	if (want == KFMT_RAW || got == KFMT_RAW)
		return 0;
	fd = open_file(path, "kernel", &size);
	if (fd < 0)
		return fd;
	err = got == KFMT_IMAGE ? check_image(fd, path, size) : check_elf(fd, path, size);
	close(fd);
	return err;
}

int initrd_check(const char *path)
{
	off_t size;
	int fd = open_file(path, "initrd", &size);

	if (fd < 0)
		return fd;
	close(fd);
	if (size == 0)
		return vmm_error(EINVAL, "initrd '%s' is empty", path);
	return 0;
}

static int load_range(const struct guest_mem *mem, int fd, const char *path, off_t off, u64 filesz,
		      gpa_t gpa, u64 memsz)
{
	hva_t p = gmem_ptr(mem, gpa, memsz);

	if (!p || filesz > memsz)
		return vmm_error(E2BIG,
				 "'%s' does not fit in guest RAM (%#llx+%#llx; RAM is "
				 "%#llx-%#llx)",
				 path, (unsigned long long)gpa, (unsigned long long)memsz,
				 (unsigned long long)mem->base,
				 (unsigned long long)(mem->base + mem->size));
	if (filesz && read_at(fd, p, filesz, off))
		return vmm_error(EIO, "cannot read '%s'", path);
	memset(p + filesz, 0, memsz - filesz);
	return 0;
}

static int load_image(const struct guest_mem *mem, int fd, const char *path, off_t size,
		      struct load_info *info)
{
	struct riscv_image_header h;
	gpa_t at;
	u64 footprint;
	int err;

	if (read_at(fd, &h, sizeof(h), 0))
		return vmm_error(EIO, "cannot read kernel '%s'", path);
	at = mem->base + (h.text_offset ? h.text_offset : MM_KERNEL_OFFSET);
	footprint = h.image_size > (u64)size ? h.image_size : (u64)size;
	err = load_range(mem, fd, path, 0, size, at, footprint);
	if (err)
		return err;
	info->entry = at;
	info->start = at;
	info->end = at + footprint;
	return 0;
}

static int load_elf(const struct guest_mem *mem, int fd, const char *path, off_t size,
		    struct load_info *info)
{
	Elf64_Ehdr eh;
	gpa_t lo = ~0ULL, hi = 0;
	int err;

	/* kernel_check() has seen the headers and segments inside the file. */
	if (read_at(fd, &eh, sizeof(eh), 0))
		return vmm_error(EIO, "cannot read kernel '%s'", path);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)))
			return vmm_error(EIO, "cannot read kernel '%s'", path);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		err = load_range(mem, fd, path, ph.p_offset, ph.p_filesz, ph.p_paddr, ph.p_memsz);
		if (err)
			return err;
		if (ph.p_paddr < lo)
			lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > hi)
			hi = ph.p_paddr + ph.p_memsz;
	}
	if (hi == 0)
		return vmm_error(EINVAL, "kernel '%s': no loadable segment", path);
	if (eh.e_entry < lo || eh.e_entry >= hi)
		return vmm_error(EINVAL, "kernel '%s': entry point %#llx outside its segments",
				 path, (unsigned long long)eh.e_entry);
	info->entry = eh.e_entry;
	info->start = lo;
	info->end = hi;
	return 0;
}

int kernel_load(const struct guest_mem *mem, const char *path, enum kernel_format fmt,
		gpa_t raw_addr, struct load_info *info)
{
	off_t size;
	int fd, err;

	err = kernel_check(path, fmt);
	if (err)
		return err;
	if (fmt == KFMT_AUTO)
		kernel_probe(path, &fmt);
	fd = open_file(path, "kernel", &size);
	if (fd < 0)
		return fd;
	info->fmt = fmt;
	switch (fmt) {
	case KFMT_IMAGE:
		err = load_image(mem, fd, path, size, info);
		break;
	case KFMT_ELF:
		err = load_elf(mem, fd, path, size, info);
		break;
	default: {
		gpa_t at = raw_addr ? raw_addr : mem->base;

		err = load_range(mem, fd, path, 0, size, at, size);
		info->entry = info->start = at;
		info->end = at + size;
		break;
	}
	}
	close(fd);
	return err;
}

int initrd_load(const struct guest_mem *mem, const char *path, gpa_t limit, gpa_t avoid_end,
		struct load_info *info)
{
	off_t size;
	gpa_t at;
	int fd, err;

	fd = open_file(path, "initrd", &size);
	if (fd < 0)
		return fd;
	if (size == 0) {
		close(fd);
		return vmm_error(EINVAL, "initrd '%s' is empty", path);
	}
	if ((u64)size > limit - mem->base ||
	    (at = ALIGN_DOWN(limit - size, SZ_4K)) < ALIGN_UP(avoid_end, SZ_4K)) {
		close(fd);
		return vmm_error(E2BIG, "initrd '%s' (%lld bytes) does not fit in guest RAM", path,
				 (long long)size);
	}
	err = load_range(mem, fd, path, 0, size, at, size);
	close(fd);
	info->entry = 0;
	info->start = at;
	info->end = at + size;
	return err;
}
