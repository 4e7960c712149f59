// SPDX-License-Identifier: MIT
/* Command line parsing and the kernel/initrd loaders. */
#include "fake.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "vmm/config.h"
#include "vmm/err.h"
#include "vmm/loader.h"

static struct vm_config cfg;
static struct vm_limits lim;

static int parse(unsigned max, ...)
{
	char *argv[32] = { "dv-test" };
	int argc = 1;
	va_list ap;
	char *a;

	va_start(ap, max);
	while ((a = va_arg(ap, char *)))
		argv[argc++] = a;
	va_end(ap);
	lim.max_vcpus = max;
	return vm_config_parse(&cfg, argc, argv, &lim);
}

static void defaults(void **state)
{
	assert_int_equal(parse(8, "--kernel", "k", NULL), 0);
	assert_string_equal(cfg.kernel, "k");
	assert_int_equal(cfg.mem_size, 128ULL << 20);
	assert_int_equal(cfg.nr_vcpus, 1);
	assert_string_equal(cfg.append, "console=ttyS0");
	assert_int_equal(cfg.kernel_format, KFMT_AUTO);
	assert_false(cfg.stats);
}

static void full(void **state)
{
	char disk[] = "d.img,ro", net[] = "tap=tap0,host-ip=192.0.2.1/24,mac=52:54:00:12:34:56";

	assert_int_equal(parse(8, "-k", "img", "-m", "1G", "-c", "4", "--disk", disk, "--net", net,
			       "--stats", "--kernel-format", "raw", "--kernel-addr", "0x80200000",
			       "--console", "none", "--reboots", "2", "-a", "x y", NULL),
			 0);
	assert_int_equal(cfg.mem_size, 1ULL << 30);
	assert_int_equal(cfg.nr_vcpus, 4);
	assert_int_equal(cfg.nr_disks, 1);
	assert_string_equal(cfg.disks[0].path, "d.img");
	assert_true(cfg.disks[0].ro);
	assert_int_equal(cfg.nr_nets, 1);
	assert_string_equal(cfg.nets[0].tap, "tap0");
	assert_true(cfg.nets[0].has_host_ip);
	assert_int_equal(cfg.nets[0].host_ip, 0xc0000201);
	assert_int_equal(cfg.nets[0].prefix, 24);
	assert_int_equal(cfg.nets[0].mac[5], 0x56);
	assert_true(cfg.stats);
	assert_int_equal(cfg.kernel_format, KFMT_RAW);
	assert_int_equal(cfg.kernel_addr, 0x80200000);
	assert_int_equal(cfg.console_in, CONSOLE_IN_NONE);
	assert_int_equal(cfg.reboots, 2);
	assert_string_equal(cfg.append, "x y");
}

static void expect_error(int r, const char *text)
{
	assert_true(r < 0);
	if (!strstr(vmm_last_error(), text))
		fail_msg("error '%s' does not mention '%s'", vmm_last_error(), text);
	assert_null(strchr(vmm_last_error(), '\n'));
}

static void errors(void **state)
{
	char n1[] = "host-ip=1.2.3.4", n2[] = "tap=t,host-ip=300.1.1.1",
	     n3[] = "tap=t,mac=01:00:00:00:00:00";
	char d1[] = "x,rw";

	expect_error(parse(8, NULL), "no kernel");
	expect_error(parse(8, "-k", "k", "--mem", "12X", NULL), "not a size");
	expect_error(parse(8, "-k", "k", "--mem", "8M", NULL), "out of range");
	expect_error(parse(8, "-k", "k", "--mem", "17G", NULL), "out of range");
	expect_error(parse(8, "-k", "k", "--mem", "99999999999999999999G", NULL), "not a size");
	expect_error(parse(8, "-k", "k", "--cpus", "9", NULL), "--cpus must be 1 to 8");
	expect_error(parse(8, "-k", "k", "--cpus", "0", NULL), "--cpus must be 1 to 8");
	expect_error(parse(2, "-k", "k", "--cpus", "3", NULL), "--cpus must be 1 to 2");
	expect_error(parse(8, "-k", "k", "--cpus", "two", NULL), "--cpus");
	expect_error(parse(8, "-k", "k", "--bogus", NULL), "unknown option");
	expect_error(parse(8, "-k", "k", "extra", NULL), "unexpected argument");
	expect_error(parse(8, "-k", NULL), "needs a value");
	expect_error(parse(8, "-k", "k", "--net", n1, NULL), "tap=NAME is required");
	expect_error(parse(8, "-k", "k", "--net", n2, NULL), "bad IPv4");
	expect_error(parse(8, "-k", "k", "--net", n3, NULL), "bad MAC");
	expect_error(parse(8, "-k", "k", "--disk", d1, NULL), "unknown option 'rw'");
	expect_error(parse(8, "-k", "k", "--kernel-format", "pe", NULL), "--kernel-format");
}

/* The backend's RAM limit: checked, and stated by --help. */
static void mem_limit(void **state)
{
	char buf[8192];
	FILE *f;
	size_t n;

	lim.max_mem = 4ULL << 30;
	lim.mem_note = "(from the host's CMA area)";
	assert_int_equal(parse(8, "-k", "k", "--mem", "4G", NULL), 0);
	expect_error(parse(8, "-k", "k", "--mem", "4098M", NULL), "out of range (16M to 4G");
	expect_error(parse(8, "-k", "k", "--mem", "8G", NULL), "out of range (16M to 4G");
	f = tmpfile();
	assert_non_null(f);
	vm_config_usage("dv-test", fileno(f), &lim);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "guest RAM, 16M to 4G,"));
	assert_non_null(strstr(buf, "(from the host's CMA area)"));
	assert_non_null(strstr(buf, VM_LINUX_PANIC_ARGS));
	lim = (struct vm_limits){ 0 };
	expect_error(parse(8, "-k", "k", "--mem", "17G", NULL), "out of range (16M to 16G");
	assert_int_equal(parse(8, "-k", "k", "--mem", "16G", NULL), 0);
}

/* --vcpu-cpus and --io-cpus: lists, and one error line for a bad one. */
static void cpu_lists(void **state)
{
	char buf[64];

	assert_int_equal(
		parse(8, "-k", "k", "-c", "2", "--vcpu-cpus", "3,1", "--io-cpus", "0,2-4", NULL),
		0);
	assert_int_equal(cfg.vcpu_cpus.n, 2);
	assert_int_equal(cfg.vcpu_cpus.cpu[0], 3);
	assert_int_equal(cfg.vcpu_cpus.cpu[1], 1);
	assert_string_equal(cpu_list_str(&cfg.io_cpus, buf, sizeof(buf)), "0,2,3,4");
	assert_int_equal(parse(8, "-k", "k", NULL), 0);
	assert_int_equal(cfg.vcpu_cpus.n + cfg.io_cpus.n, 0);
	expect_error(parse(8, "-k", "k", "--vcpu-cpus", "1-0", NULL), "is not a CPU list");
	expect_error(parse(8, "-k", "k", "--vcpu-cpus", "", NULL), "is not a CPU list");
	expect_error(parse(8, "-k", "k", "--io-cpus", "0,", NULL),
		     "--io-cpus: '0,' is not a CPU list");
	expect_error(parse(8, "-k", "k", "--io-cpus", "a", NULL), "is not a CPU list");
	expect_error(parse(8, "-k", "k", "--io-cpus", "-1", NULL), "is not a CPU list");
	expect_error(parse(8, "-k", "k", "--vcpu-cpus", "1024", NULL), "CPU 1024 is out of range");
	expect_error(parse(8, "-k", "k", "--io-cpus", "0-99", NULL), "more than 64 CPUs");
	expect_error(parse(8, "-k", "k", "-c", "3", "--vcpu-cpus", "0-1", NULL),
		     "--vcpu-cpus names 2 CPUs for 3 vCPUs");
}

static void sizes(void **state)
{
	u64 v;

	assert_int_equal(parse_size("64M", &v), 0);
	assert_int_equal(v, 64ULL << 20);
	assert_int_equal(parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(parse_size("0x1000", &v), 0);
	assert_int_equal(v, 0x1000);
	assert_int_equal(parse_size("-1M", &v), -1);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("1T", &v), -1);
}

/* ---- loaders ---- */
static char path[64];

static void write_tmp(const void *buf, size_t len)
{
	int fd;

	strcpy(path, "/tmp/test_vmm_load.XXXXXX");
	fd = mkstemp(path);
	assert_int_not_equal(fd, -1);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static void image(void **state)
{
	struct vm *vm = fake_vm(1);
	u8 buf[4096] = { 0 };
	struct riscv_image_header *h = (void *)buf;
	struct load_info li;
	enum kernel_format f;

	h->code0 = 0x12345678;
	h->text_offset = 0x200000;
	h->image_size = 0x10000;
	h->magic = RISCV_IMAGE_MAGIC;
	h->magic2 = RISCV_IMAGE_MAGIC2;
	buf[4095] = 0xee;
	write_tmp(buf, sizeof(buf));
	assert_int_equal(kernel_probe(path, &f), 0);
	assert_int_equal(f, KFMT_IMAGE);
	assert_int_equal(kernel_check(path, KFMT_ELF), -EINVAL);
	assert_non_null(strstr(vmm_last_error(),
			       "is not an ELF file (it looks like a RISC-V Linux Image)"));
	/* RAM of 1 MiB cannot hold an image 2 MiB in. */
	expect_error(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li), "does not fit");
	h->text_offset = 0x1000;
	write_tmp(buf, sizeof(buf));
	assert_int_equal(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li), 0);
	assert_int_equal(li.fmt, KFMT_IMAGE);
	assert_int_equal(li.entry, MM_RAM_BASE + 0x1000);
	assert_int_equal(li.end, MM_RAM_BASE + 0x1000 + 0x10000);
	assert_int_equal(vm->mem.hva[0x1000 + 4095], 0xee);
	unlink(path);
	fake_vm_free(vm);
}

static void elf(void **state)
{
	struct vm *vm = fake_vm(1);
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		u8 code[16];
	} e = { 0 };
	struct load_info li;

	memcpy(e.eh.e_ident, ELFMAG, SELFMAG);
	e.eh.e_ident[EI_CLASS] = ELFCLASS64;
	e.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	e.eh.e_machine = EM_RISCV;
	e.eh.e_entry = MM_RAM_BASE + 0x4000;
	e.eh.e_phoff = sizeof(e.eh);
	e.eh.e_phentsize = sizeof(Elf64_Phdr);
	e.eh.e_phnum = 1;
	e.ph.p_type = PT_LOAD;
	e.ph.p_offset = offsetof(__typeof__(e), code);
	e.ph.p_paddr = MM_RAM_BASE + 0x4000;
	e.ph.p_filesz = 16;
	e.ph.p_memsz = 64;
	memset(e.code, 0x13, 16);
	memset(vm->mem.hva + 0x4000, 0xff, 64);
	write_tmp(&e, sizeof(e));
	assert_int_equal(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li), 0);
	assert_int_equal(li.entry, MM_RAM_BASE + 0x4000);
	assert_int_equal(vm->mem.hva[0x4000], 0x13);
	assert_int_equal(vm->mem.hva[0x4000 + 63], 0); /* bss zeroed */

	e.ph.p_paddr = 0x1000; /* outside RAM */
	write_tmp(&e, sizeof(e));
	expect_error(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li), "does not fit");
	e.ph.p_paddr = MM_RAM_BASE + 0x4000;
	e.ph.p_filesz = 1 << 20; /* beyond the file */
	e.ph.p_memsz = 2 << 20;
	write_tmp(&e, sizeof(e));
	expect_error(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li),
		     "is truncated: 136 bytes, ELF segment 0 ends at 1048696");
	e.ph.p_filesz = 16;
	e.ph.p_memsz = 64;
	write_tmp(&e, sizeof(e) - 1); /* the segment's last byte missing */
	expect_error(kernel_check(path, KFMT_AUTO), "is truncated: 135 bytes, ELF segment 0");
	write_tmp(&e, 40); /* not even the ELF header */
	expect_error(kernel_check(path, KFMT_AUTO), "is truncated: 40 bytes, shorter than an ELF");
	e.eh.e_phoff = 4096; /* program headers beyond the end */
	write_tmp(&e, sizeof(e));
	expect_error(kernel_check(path, KFMT_AUTO), "its ELF program headers end at 4152");
	e.eh.e_phoff = sizeof(e.eh);
	e.ph.p_filesz = 128; /* more file than memory bytes */
	write_tmp(&e, sizeof(e));
	expect_error(kernel_check(path, KFMT_ELF), "more file than memory bytes");
	e.ph.p_filesz = 16;
	e.eh.e_machine = EM_X86_64;
	write_tmp(&e, sizeof(e));
	expect_error(kernel_load(&vm->mem, path, KFMT_AUTO, 0, &li), "not a 64-bit RISC-V");
	unlink(path);
	fake_vm_free(vm);
}

/* An EFI-stub Image (CONFIG_EFI): a PE/COFF header whose sections say how
 * long the file is. */
static void image_pe_truncated(void **state)
{
	static u8 buf[8192];
	struct riscv_image_header *h = (void *)buf;
	u32 pe = 0x40, sec = 0x40 + 24 + 0x70, v;
	u16 w;

	memset(buf, 0, sizeof(buf));
	h->code0 = 0x5a4d | 0xc0000000; /* "MZ" (c.li s4,-13) */
	h->text_offset = 0x200000;
	h->image_size = 0x4000;
	h->magic = RISCV_IMAGE_MAGIC;
	h->magic2 = RISCV_IMAGE_MAGIC2;
	h->res3 = pe;
	memcpy(buf + pe, "PE\0\0", 4);
	w = 2; /* NumberOfSections */
	memcpy(buf + pe + 4 + 2, &w, 2);
	w = 0x70; /* SizeOfOptionalHeader */
	memcpy(buf + pe + 4 + 16, &w, 2);
	v = 0x800; /* .text: 0x1000-0x1800, .data: 0x1800-0x2000 */
	memcpy(buf + sec + 16, &v, 4);
	memcpy(buf + sec + 40 + 16, &v, 4);
	v = 0x1000;
	memcpy(buf + sec + 20, &v, 4);
	v = 0x1800;
	memcpy(buf + sec + 40 + 20, &v, 4);
	write_tmp(buf, sizeof(buf));
	assert_int_equal(kernel_check(path, KFMT_AUTO), 0);
	assert_int_equal(kernel_check(path, KFMT_IMAGE), 0);
	write_tmp(buf, 6000);
	expect_error(kernel_check(path, KFMT_AUTO),
		     "is truncated: 6000 bytes, its PE/COFF header says 8192");
	write_tmp(buf, 0x100); /* the section table cut */
	expect_error(kernel_check(path, KFMT_IMAGE), "its PE/COFF section table ends at");
	write_tmp(buf, 0x42);
	expect_error(kernel_check(path, KFMT_AUTO), "its PE/COFF header is at 64");
	memcpy(buf + pe, "XX", 2);
	write_tmp(buf, sizeof(buf));
	expect_error(kernel_check(path, KFMT_AUTO), "bad PE/COFF header");
	unlink(path);
}

/* What an Image header without PE/COFF allows to check. */
static void image_header_checks(void **state)
{
	static u8 buf[8192];
	struct riscv_image_header *h = (void *)buf;

	memset(buf, 0, sizeof(buf));
	h->text_offset = 0x200000;
	h->image_size = 0x1000; /* smaller than the file */
	h->magic = RISCV_IMAGE_MAGIC;
	h->magic2 = RISCV_IMAGE_MAGIC2;
	write_tmp(buf, sizeof(buf));
	expect_error(kernel_check(path, KFMT_AUTO),
		     "8192 bytes, more than the image_size of its header (4096)");
	h->image_size = 0x10000;
	h->text_offset = 0x200800;
	write_tmp(buf, sizeof(buf));
	expect_error(kernel_check(path, KFMT_AUTO), "text_offset 0x200800 is not 4 KiB aligned");
	h->text_offset = 0x200000;
	h->flags = 1;
	write_tmp(buf, sizeof(buf));
	expect_error(kernel_check(path, KFMT_AUTO), "big-endian");
	h->flags = 0;
	write_tmp(buf, sizeof(buf));
	assert_int_equal(kernel_check(path, KFMT_AUTO), 0);
	unlink(path);
}

static void empty_files(void **state)
{
	struct vm *vm = fake_vm(1);
	struct load_info li;

	write_tmp("", 0);
	expect_error(kernel_check(path, KFMT_AUTO), "is empty");
	expect_error(kernel_check(path, KFMT_RAW), "is empty");
	expect_error(initrd_check(path), "initrd '");
	expect_error(initrd_check(path), "' is empty");
	expect_error(initrd_load(&vm->mem, path, MM_RAM_BASE + 0x80000, MM_RAM_BASE + 0x1000, &li),
		     "is empty");
	unlink(path);
	expect_error(initrd_check("/nonexistent/initrd"), "No such file");
	fake_vm_free(vm);
}

static void raw_and_missing(void **state)
{
	struct vm *vm = fake_vm(1);
	struct load_info li;

	write_tmp("\x6f\x00\x00\x00", 4);
	expect_error(kernel_check(path, KFMT_AUTO), "neither a RISC-V Linux Image nor an ELF");
	assert_int_equal(kernel_load(&vm->mem, path, KFMT_RAW, MM_RAM_BASE + 0x100, &li), 0);
	assert_int_equal(li.entry, MM_RAM_BASE + 0x100);
	assert_int_equal(vm->mem.hva[0x100], 0x6f);
	expect_error(kernel_load(&vm->mem, path, KFMT_RAW, 0x1000, &li), "does not fit");
	unlink(path);
	expect_error(kernel_check("/nonexistent/Image", KFMT_AUTO), "No such file");
	expect_error(kernel_check("/tmp", KFMT_AUTO), "not a regular file");
	fake_vm_free(vm);
}

static void initrd(void **state)
{
	struct vm *vm = fake_vm(1);
	u8 buf[5000];
	struct load_info li;

	memset(buf, 0x5a, sizeof(buf));
	write_tmp(buf, sizeof(buf));
	assert_int_equal(
		initrd_load(&vm->mem, path, MM_RAM_BASE + 0x80000, MM_RAM_BASE + 0x1000, &li), 0);
	assert_int_equal(li.start % 4096, 0);
	assert_int_equal(li.end - li.start, sizeof(buf));
	assert_true(li.end <= MM_RAM_BASE + 0x80000);
	expect_error(initrd_load(&vm->mem, path, MM_RAM_BASE + 0x2000, MM_RAM_BASE + 0x1000, &li),
		     "does not fit");
	unlink(path);
	fake_vm_free(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(full),
		cmocka_unit_test(errors),
		cmocka_unit_test(mem_limit),
		cmocka_unit_test(cpu_lists),
		cmocka_unit_test(sizes),
		cmocka_unit_test(image),
		cmocka_unit_test(elf),
		cmocka_unit_test(raw_and_missing),
		cmocka_unit_test(initrd),
		cmocka_unit_test(image_pe_truncated),
		cmocka_unit_test(image_header_checks),
		cmocka_unit_test(empty_files),
	};

	return cmocka_run_group_tests_name("vmm_config", tests, NULL, NULL);
}
