// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/config.h"
#include "vmm/err.h"
#include "vmm/memmap.h"

#define DEFAULT_MEM    (128ULL << 20)
#define DEFAULT_APPEND "console=ttyS0"

enum {
	OPT_KERNEL_FORMAT = 0x100,
	OPT_KERNEL_ADDR,
	OPT_VIRTIO_CONSOLE,
	OPT_CONSOLE,
	OPT_DTB_OUT,
	OPT_STATS,
	OPT_REBOOTS,
	OPT_VERSION,
	OPT_VPOST,
	OPT_VCPU_CPUS,
	OPT_IO_CPUS,
};

static const struct option long_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "kernel-format", required_argument, NULL, OPT_KERNEL_FORMAT },
	{ "kernel-addr", required_argument, NULL, OPT_KERNEL_ADDR },
	{ "initrd", required_argument, NULL, 'i' },
	{ "append", required_argument, NULL, 'a' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "disk", required_argument, NULL, 'd' },
	{ "net", required_argument, NULL, 'n' },
	{ "virtio-console", no_argument, NULL, OPT_VIRTIO_CONSOLE },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "dtb-out", required_argument, NULL, OPT_DTB_OUT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "reboots", required_argument, NULL, OPT_REBOOTS },
	{ "vpost", no_argument, NULL, OPT_VPOST },
	{ "vcpu-cpus", required_argument, NULL, OPT_VCPU_CPUS },
	{ "io-cpus", required_argument, NULL, OPT_IO_CPUS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

/* "4G", "16G", "512M": for help and errors. */
static const char *size_str(u64 v, char *buf, size_t len)
{
	if (v % SZ_1G == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(v / SZ_1G));
	else
		snprintf(buf, len, "%lluM", (unsigned long long)(v >> 20));
	return buf;
}

static u64 max_mem(const struct vm_limits *lim)
{
	return lim->max_mem && lim->max_mem < MM_RAM_MAX ? lim->max_mem : MM_RAM_MAX;
}

void vm_config_usage(const char *prog, int fd, const struct vm_limits *lim)
{
	char max[32];

	dprintf(fd,
		"usage: %s [options] --kernel FILE\n"
		"  -k, --kernel FILE         guest kernel: Linux Image, ELF, or raw binary\n"
		"      --kernel-format FMT   auto (ELF or Image, default), image, elf, raw\n"
		"      --kernel-addr GPA     load address of a raw binary (default 0x%llx)\n"
		"  -i, --initrd FILE         initramfs, placed at the top of RAM\n"
		"  -a, --append ARGS         kernel command line (default \"%s\");\n"
		"                            a Linux Image gets \"%s\"\n"
		"                            in front: a panic ends the VMM with status 1\n"
		"  -m, --mem SIZE            guest RAM, 16M to %s, a multiple of 2M, suffix K/M/G\n"
		"                            (default 128M)\n",
		prog, (unsigned long long)MM_RAM_BASE, DEFAULT_APPEND, VM_LINUX_PANIC_ARGS,
		size_str(max_mem(lim), max, sizeof(max)));
	if (lim->mem_note)
		dprintf(fd, "                            %s\n", lim->mem_note);
	dprintf(fd,
		"  -c, --cpus N              vCPUs, 1 to %u (default 1)\n"
		"  -d, --disk FILE[,ro]      virtio-blk disk backed by FILE (up to %d), locked:\n"
		"                            writable for one VMM alone, read-only ones shared\n"
		"  -n, --net tap=NAME[,host-ip=A.B.C.D/N][,mac=XX:XX:XX:XX:XX:XX]\n"
		"                            virtio-net over a TAP interface (up to %d)\n"
		"      --virtio-console      add a virtio console (hvc0 in Linux)\n"
		"      --console uart|virtio|none  where standard input goes (default uart)\n"
		"      --dtb-out FILE        write the generated device tree to FILE\n"
		"      --stats               print per-vCPU exit counters when the guest stops\n"
		"                            (and on SIGQUIT, the counters so far)\n"
		"      --reboots N           guest resets to honour before stopping (default 0)\n"
		"      --vcpu-cpus LIST      pin vCPU i to the i-th host CPU of LIST (like 1,2 or\n"
		"                            1-2; at least one CPU per vCPU)\n"
		"      --io-cpus LIST        pin every other thread (I/O, console, main) to the\n"
		"                            host CPUs of LIST\n"
		"  -h, --help                this text\n"
		"      --version             version\n"
		"Exit status: the guest's (0 after a clean shutdown), 1 for a VMM error or a\n"
		"guest kernel panic, 2 for a bad command line.\n",
		lim->max_vcpus, VM_MAX_DISKS, VM_MAX_NETS);
}

int parse_size(const char *s, u64 *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end == 'i' || *end == 'B' || *end == 'b')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || *end || *out > max) ? -1 : 0;
}

static int parse_mac(const char *s, u8 mac[6])
{
	unsigned v[6];
	int n = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) !=
		    6 ||
	    s[n])
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = v[i];
	return (mac[0] & 1) ? -1 : 0; /* multicast is not a station address */
}

static int parse_net(struct vm_config *cfg, const char *arg)
{
	struct vm_net *n;
	char buf[256], *tok, *save = NULL;

	if (cfg->nr_nets == VM_MAX_NETS)
		return vmm_error(EINVAL, "--net: at most %d network devices", VM_MAX_NETS);
	n = &cfg->nets[cfg->nr_nets];
	memset(n, 0, sizeof(*n));
	n->mac[0] = 0x52;
	n->mac[1] = 0x54;
	n->mac[2] = 0x00;
	n->mac[3] = 0x44;
	n->mac[4] = 0x56;
	n->mac[5] = 0x10 + cfg->nr_nets;
	if (strlen(arg) >= sizeof(buf))
		return vmm_error(EINVAL, "--net: argument too long");
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *val = strchr(tok, '=');

		if (!val)
			return vmm_error(EINVAL, "--net: '%s' is not KEY=VALUE", tok);
		*val++ = 0;
		if (!strcmp(tok, "tap")) {
			if (!*val || strlen(val) >= sizeof(n->tap))
				return vmm_error(EINVAL, "--net: bad TAP name '%s'", val);
			strcpy(n->tap, val);
		} else if (!strcmp(tok, "host-ip")) {
			char *slash = strchr(val, '/');
			unsigned long long prefix = 24;
			struct in_addr a;

			if (slash) {
				*slash++ = 0;
				if (parse_uint(slash, 32, &prefix) || prefix == 0)
					return vmm_error(EINVAL, "--net: bad prefix length '%s'",
							 slash);
			}
			if (inet_pton(AF_INET, val, &a) != 1)
				return vmm_error(EINVAL, "--net: bad IPv4 address '%s'", val);
			n->has_host_ip = true;
			n->host_ip = ntohl(a.s_addr);
			n->prefix = prefix;
		} else if (!strcmp(tok, "mac")) {
			if (parse_mac(val, n->mac))
				return vmm_error(EINVAL, "--net: bad MAC address '%s'", val);
		} else {
			return vmm_error(EINVAL, "--net: unknown key '%s' (tap, host-ip, mac)",
					 tok);
		}
	}
	if (!n->tap[0])
		return vmm_error(EINVAL, "--net: tap=NAME is required");
	cfg->nr_nets++;
	return 0;
}

static int parse_disk(struct vm_config *cfg, char *arg)
{
	char *comma = strchr(arg, ',');

	if (cfg->nr_disks == VM_MAX_DISKS)
		return vmm_error(EINVAL, "--disk: at most %d disks", VM_MAX_DISKS);
	cfg->disks[cfg->nr_disks].ro = false;
	if (comma) {
		if (strcmp(comma + 1, "ro"))
			return vmm_error(EINVAL, "--disk: unknown option '%s' (only ,ro)",
					 comma + 1);
		*comma = 0;
		cfg->disks[cfg->nr_disks].ro = true;
	}
	if (!*arg)
		return vmm_error(EINVAL, "--disk: no file given");
	cfg->disks[cfg->nr_disks++].path = arg;
	return 0;
}

int vm_config_parse(struct vm_config *cfg, int argc, char **argv, const struct vm_limits *lim)
{
	unsigned max_vcpus = lim->max_vcpus;
	unsigned long long v;
	char max[32];
	int c, err;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = DEFAULT_MEM;
	cfg->nr_vcpus = 1;
	cfg->append = DEFAULT_APPEND;
	if (max_vcpus > VMM_MAX_VCPUS)
		max_vcpus = VMM_MAX_VCPUS;
	/* 0, not 1: glibc then also forgets a half-read option cluster of an
	 * earlier parse (which would point into that parse's argv). */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:m:c:d:n:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cfg->kernel = optarg;
			break;
		case OPT_KERNEL_FORMAT:
			if (!strcmp(optarg, "auto"))
				cfg->kernel_format = KFMT_AUTO;
			else if (!strcmp(optarg, "image"))
				cfg->kernel_format = KFMT_IMAGE;
			else if (!strcmp(optarg, "elf"))
				cfg->kernel_format = KFMT_ELF;
			else if (!strcmp(optarg, "raw"))
				cfg->kernel_format = KFMT_RAW;
			else
				return vmm_error(EINVAL,
						 "--kernel-format must be auto, image, elf or raw, "
						 "not '%s'",
						 optarg);
			break;
		case OPT_KERNEL_ADDR:
			if (parse_uint(optarg, ~0ULL, &v))
				return vmm_error(EINVAL, "--kernel-addr: bad address '%s'", optarg);
			cfg->kernel_addr = v;
			break;
		case 'i':
			cfg->initrd = optarg;
			break;
		case 'a':
			cfg->append = optarg;
			break;
		case 'm':
			if (parse_size(optarg, &cfg->mem_size))
				return vmm_error(EINVAL,
						 "--mem: '%s' is not a size (like 128M or 1G)",
						 optarg);
			if (cfg->mem_size < MM_RAM_MIN || cfg->mem_size > max_mem(lim) ||
			    cfg->mem_size % SZ_2M)
				return vmm_error(EINVAL,
						 "--mem: %s is out of range (16M to %s, a multiple "
						 "of 2M)",
						 optarg, size_str(max_mem(lim), max, sizeof(max)));
			break;
		case 'c':
			if (parse_uint(optarg, 1000, &v) || v < 1 || v > max_vcpus)
				return vmm_error(EINVAL, "--cpus must be 1 to %u, not '%s'",
						 max_vcpus, optarg);
			cfg->nr_vcpus = v;
			break;
		case 'd':
			if ((err = parse_disk(cfg, optarg)))
				return err;
			break;
		case 'n':
			if ((err = parse_net(cfg, optarg)))
				return err;
			break;
		case OPT_VIRTIO_CONSOLE:
			cfg->virtio_console = true;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "uart"))
				cfg->console_in = CONSOLE_IN_UART;
			else if (!strcmp(optarg, "virtio"))
				cfg->console_in = CONSOLE_IN_VIRTIO;
			else if (!strcmp(optarg, "none"))
				cfg->console_in = CONSOLE_IN_NONE;
			else
				return vmm_error(EINVAL,
						 "--console must be uart, virtio or none, not '%s'",
						 optarg);
			break;
		case OPT_DTB_OUT:
			cfg->dtb_out = optarg;
			break;
		case OPT_STATS:
			cfg->stats = true;
			break;
		case OPT_REBOOTS:
			if (parse_uint(optarg, 1000, &v))
				return vmm_error(EINVAL, "--reboots must be 0 to 1000, not '%s'",
						 optarg);
			cfg->reboots = v;
			break;
		case OPT_VPOST:
			cfg->vpost = true;
			break;
		case OPT_VCPU_CPUS:
			if ((err = cpu_list_parse("--vcpu-cpus", optarg, &cfg->vcpu_cpus)))
				return err;
			break;
		case OPT_IO_CPUS:
			if ((err = cpu_list_parse("--io-cpus", optarg, &cfg->io_cpus)))
				return err;
			break;
		case 'h':
			cfg->help = true;
			vm_config_usage(argv[0], 1, lim);
			return 1;
		case OPT_VERSION:
			dprintf(1, "%s (DuVisor evaluation suite VMM core) 1.0\n", argv[0]);
			return 1;
		case ':':
			return vmm_error(EINVAL, "option %s needs a value (see --help)",
					 argv[optind - 1]);
		default:
			return vmm_error(EINVAL, "unknown option '%s' (see --help)",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return vmm_error(EINVAL, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!cfg->kernel)
		return vmm_error(EINVAL, "no kernel given (--kernel FILE; see --help)");
	if (cfg->vcpu_cpus.n && cfg->vcpu_cpus.n < cfg->nr_vcpus)
		return vmm_error(EINVAL,
				 "--vcpu-cpus names %u CPU%s for %u vCPUs (one per vCPU, in order)",
				 cfg->vcpu_cpus.n, cfg->vcpu_cpus.n == 1 ? "" : "s", cfg->nr_vcpus);
	if (cfg->console_in == CONSOLE_IN_VIRTIO && !cfg->virtio_console)
		cfg->virtio_console = true;
	if (cfg->nr_disks + cfg->nr_nets + cfg->virtio_console > MM_VIRTIO_COUNT)
		return vmm_error(EINVAL, "too many virtio devices (at most %d)", MM_VIRTIO_COUNT);
	return 0;
}
