/* SPDX-License-Identifier: MIT */
/* The VM configuration, filled from the command line (see README.md). */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include "vmm/place.h"
#include "vmm/types.h"

enum kernel_format {
	KFMT_AUTO, /* ELF or Linux Image, told apart by their headers */
	KFMT_IMAGE,
	KFMT_ELF,
	KFMT_RAW,
};

#define VM_MAX_DISKS 4
#define VM_MAX_NETS  2

struct vm_disk {
	const char *path;
	bool ro;
};

struct vm_net {
	char tap[16];
	bool has_host_ip;
	u32 host_ip; /* host order */
	unsigned prefix;
	u8 mac[6];
};

enum console_in {
	CONSOLE_IN_UART,
	CONSOLE_IN_VIRTIO,
	CONSOLE_IN_NONE,
};

struct vm_config {
	const char *kernel;
	enum kernel_format kernel_format;
	gpa_t kernel_addr; /* raw images; 0: RAM base */
	const char *initrd;
	const char *append;
	const char *dtb_out;
	u64 mem_size;
	unsigned nr_vcpus;
	struct vm_disk disks[VM_MAX_DISKS];
	unsigned nr_disks;
	struct vm_net nets[VM_MAX_NETS];
	unsigned nr_nets;
	bool virtio_console;
	enum console_in console_in;
	bool stats;
	unsigned reboots;	      /* guest resets to honour before stopping */
	bool vpost;		      /* V-mode posted interrupts (backends with vpost only) */
	struct vm_cpu_list vcpu_cpus; /* --vcpu-cpus: vCPU i on vcpu_cpus.cpu[i] */
	struct vm_cpu_list io_cpus;   /* --io-cpus: every other thread */
	bool help;		      /* --help was printed */
};

/* What the backend allows, for the checks and --help. */
struct vm_limits {
	unsigned max_vcpus;
	u64 max_mem;	      /* guest RAM; 0 or above MM_RAM_MAX: MM_RAM_MAX */
	const char *mem_note; /* one more --help line under --mem, or NULL */
};

/* In front of a Linux Image's command line: a panic reboots at once, as a
 * warm reset, which the VMM takes for a panic (exit status 1). */
#define VM_LINUX_PANIC_ARGS "panic=-1 reboot=panic_warm"

/* Fill cfg from argv. Returns 0, 1 when --help or --version was printed,
 * or a negative errno with vmm_error() set. Checks values only; files are
 * opened later. */
int vm_config_parse(struct vm_config *cfg, int argc, char **argv, const struct vm_limits *lim);
void vm_config_usage(const char *prog, int fd, const struct vm_limits *lim);
/* "128M", "1G", "65536": bytes; -1 on a malformed or overflowing size. */
int parse_size(const char *s, u64 *out);

#endif
