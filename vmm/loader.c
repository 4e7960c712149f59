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

int kernel_check(const char *path, enum kernel_format want)
{
	enum kernel_format got;
	int err = kernel_probe(path, &got);

	if (err)
		return err;
	if (want == KFMT_RAW || want == got)
		return 0;
	if (want == KFMT_AUTO && got != KFMT_RAW)
		return 0;
	if (want == KFMT_AUTO)
		return vmm_error(EINVAL,
				 "kernel '%s' is neither a RISC-V Linux Image nor an ELF file "
				 "(--kernel-format raw loads a flat binary)",
				 path);
	return vmm_error(EINVAL, "kernel '%s' is not %s (it looks like %s)", path, fmt_names[want],
			 fmt_names[got]);
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

	if (read_at(fd, &h, sizeof(h), 0) || !is_image(&h))
		return vmm_error(EINVAL, "kernel '%s' is not a RISC-V Linux Image", path);
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

	if (read_at(fd, &eh, sizeof(eh), 0) || !is_elf(eh.e_ident))
		return vmm_error(EINVAL, "kernel '%s' is not an ELF file", path);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_RISCV)
		return vmm_error(EINVAL, "kernel '%s' is not a 64-bit RISC-V ELF file", path);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64)
		return vmm_error(EINVAL, "kernel '%s': bad ELF program headers", path);
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)))
			return vmm_error(EINVAL, "kernel '%s': truncated ELF file", path);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_offset > (u64)size || ph.p_filesz > (u64)size - ph.p_offset)
			return vmm_error(EINVAL, "kernel '%s': segment %u beyond the file", path,
					 i);
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
