// SPDX-License-Identifier: MIT
/*
 * What both VMM binaries do: parse the command line, check the inputs, build
 * the machine (RAM, PLIC, UART, test device, virtio devices), load the guest,
 * write its device tree, run one thread per vCPU until the guest stops, and
 * exit with the guest's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/console.h"
#include "vmm/devices.h"
#include "vmm/err.h"
#include "vmm/fdt.h"
#include "vmm/loader.h"
#include "vmm/place.h"
#include "vmm/virtio.h"
#include "vmm/vm.h"

#define EXIT_VMM_ERROR 1
#define EXIT_USAGE     2

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s%s\n", vmm_prog, what ? what : "", vmm_last_error());
	return EXIT_VMM_ERROR;
}

/* Inputs that can be checked before the hypervisor is touched. */
static int check_inputs(const struct vm_config *cfg)
{
	int err = kernel_check(cfg->kernel, cfg->kernel_format);

	if (err)
		return err;
	if (cfg->initrd && (err = initrd_check(cfg->initrd)))
		return err;
	for (unsigned i = 0; i < cfg->nr_disks; i++)
		if (access(cfg->disks[i].path, cfg->disks[i].ro ? R_OK : R_OK | W_OK))
			return vmm_error(errno, "disk '%s': %s", cfg->disks[i].path,
					 strerror(errno));
	return 0;
}

static int add_virtio(struct vm *vm, struct virtio_dev *vdev)
{
	unsigned slot = vm->nr_virtio;
	gpa_t base = MM_VIRTIO_BASE + slot * MM_VIRTIO_SIZE;

	if (!vdev)
		return -EINVAL;
	vdev->base = base;
	vm->virtio[vm->nr_virtio++] = vdev;
	return mmio_bus_register(&vm->bus, base, MM_VIRTIO_SIZE, vdev->ops->name, &virtio_mmio_ops,
				 vdev);
}

static struct irq_line plic_line(struct vm *vm, unsigned irq)
{
	return (struct irq_line){ .set = plic_set_irq, .ctl = vm->plic, .irq = irq };
}

static int create_devices(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	int err;

	vm->plic = plic_create(vm->nr_vcpus, vm_plic_notify, vm);
	vm->uart = uart_create(plic_line(vm, IRQ_UART), vm->out_fd);
	vm->test = test_dev_create(vm);
	vm->doorbell = doorbell_create(plic_line(vm, IRQ_DOORBELL));
	if (!vm->plic || !vm->uart || !vm->test || !vm->doorbell)
		return vmm_error(ENOMEM, "out of memory");
	doorbell_set_time(vm->doorbell, &vm->guest_time_delta);

	const struct {
		gpa_t base;
		u64 size;
		const char *name;
		const struct mmio_ops *ops;
		void *dev;
	} fixed[] = {
		{ MM_PLIC_BASE, MM_PLIC_SIZE, "plic", &plic_mmio_ops, vm->plic },
		{ MM_UART_BASE, MM_UART_SIZE, "uart", &uart_mmio_ops, vm->uart },
		{ MM_TEST_BASE, MM_TEST_SIZE, "test", &test_mmio_ops, vm->test },
		{ MM_DOORBELL_BASE, MM_DOORBELL_SIZE, "doorbell", &doorbell_mmio_ops,
		  vm->doorbell },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(fixed); i++) {
		err = mmio_bus_register(&vm->bus, fixed[i].base, fixed[i].size, fixed[i].name,
					fixed[i].ops, fixed[i].dev);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < cfg->nr_disks; i++) {
		err = add_virtio(vm,
				 virtio_blk_create(&vm->mem,
						   plic_line(vm, IRQ_VIRTIO_BASE + vm->nr_virtio),
						   cfg->disks[i].path, cfg->disks[i].ro));
		if (err)
			return err;
	}
	for (unsigned i = 0; i < cfg->nr_nets; i++) {
		const struct vm_net *n = &cfg->nets[i];
		int fd = tap_open(n->tap, n->has_host_ip, n->host_ip, n->prefix);

		if (fd < 0)
			return fd;
		err = add_virtio(vm,
				 virtio_net_create(&vm->mem,
						   plic_line(vm, IRQ_VIRTIO_BASE + vm->nr_virtio),
						   fd, n->mac));
		if (err)
			return err;
	}
	if (cfg->virtio_console) {
		err = add_virtio(
			vm, virtio_console_create(&vm->mem,
						  plic_line(vm, IRQ_VIRTIO_BASE + vm->nr_virtio),
						  vm->out_fd));
		if (err)
			return err;
	}
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return vmm_error(errno, "--dtb-out '%s': %s", path, strerror(errno));
	w = write(fd, buf, len);
	close(fd);
	if (w != (ssize_t)len)
		return vmm_error(EIO, "--dtb-out '%s': short write", path);
	return 0;
}

/* Load kernel, initrd and device tree into (zeroed) RAM. */
static int load_guest(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct load_info k, rd = { 0 };
	gpa_t ram_end = vm->mem.base + vm->mem.size;
	hva_t fdt;
	int err;

	err = kernel_load(&vm->mem, cfg->kernel, cfg->kernel_format, cfg->kernel_addr, &k);
	if (err)
		return err;
	vm->entry = k.entry;
	free(vm->bootargs);
	vm->bootargs = NULL;
	/* A Linux guest that panics reboots at once with a warm reset: the VMM
	 * stops with status 1 instead of leaving it waiting forever. */
	if (k.fmt == KFMT_IMAGE &&
	    asprintf(&vm->bootargs, "%s %s", VM_LINUX_PANIC_ARGS, cfg->append) < 0) {
		vm->bootargs = NULL;
		return vmm_error(ENOMEM, "out of memory");
	}
	vm->fdt_gpa = ALIGN_DOWN(ram_end - MM_FDT_MAX, SZ_2M);
	if (vm->fdt_gpa < k.end)
		return vmm_error(E2BIG, "guest RAM too small for the kernel and device tree");
	vm->initrd_start = vm->initrd_end = 0;
	if (cfg->initrd) {
		err = initrd_load(&vm->mem, cfg->initrd, vm->fdt_gpa, k.end, &rd);
		if (err)
			return err;
		vm->initrd_start = rd.start;
		vm->initrd_end = rd.end;
	}
	fdt = gmem_ptr(&vm->mem, vm->fdt_gpa, MM_FDT_MAX);
	err = vm_fdt_build(vm, fdt, MM_FDT_MAX);
	if (err)
		return err;
	if (cfg->dtb_out)
		return write_file(cfg->dtb_out, fdt, fdt_totalsize(fdt));
	return 0;
}

static int boot_vcpus(struct vm *vm)
{
	const struct vmm_backend_ops *ops = vm->ops;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->hsm = i == 0 ? HSM_STARTED : HSM_STOPPED;
		if (i)
			continue;
		if (ops->set_reg(v, VMM_REG_PC, vm->entry) || ops->set_reg(v, VMM_REG_A0, 0) ||
		    ops->set_reg(v, VMM_REG_A1, vm->fdt_gpa))
			return vmm_error(EIO, "cannot set the boot registers");
	}
	return 0;
}

/* ---- console input ---- */
static int input_stop[2] = { -1, -1 };

/* The guest's console takes bytes as fast as it reads them; while it does
 * not (early boot, a full FIFO), wait, but stay stoppable. false: stop. */
static bool push_input(struct vm *vm, const u8 *buf, size_t n)
{
	struct pollfd stop = { .fd = input_stop[0], .events = POLLIN };
	size_t done = 0;

	while (done < n && !vm_stopping(vm)) {
		size_t k;

		if (vm->cfg->console_in == CONSOLE_IN_VIRTIO)
			k = virtio_console_input(vm->virtio[vm->nr_virtio - 1], buf + done,
						 n - done);
		else
			k = uart_rx_push(vm->uart, buf + done, n - done);
		done += k;
		if (!k && poll(&stop, 1, 10) > 0)
			return false;
	}
	return true;
}

static void say(const char *s)
{
	if (write(2, s, strlen(s)) < 0)
		return;
}

/* On a terminal: raw mode while we are its foreground job, and the escape
 * sequence (vmm/console.h). In the background, neither read the terminal nor
 * touch its modes; look again from time to time (the shell's fg). */
static void *input_thread(void *arg)
{
	struct vm *vm = arg;
	struct pollfd pfd[2] = { { .fd = 0, .events = POLLIN },
				 { .fd = input_stop[0], .events = POLLIN } };
	struct console_esc esc = { 0 };
	bool tty = isatty(0), told = false;
	/* Job control can move us between foreground and background only on
	 * our controlling terminal (not, e.g., on /dev/console under init). */
	bool jobs = tty && tcgetpgrp(0) >= 0;
	u8 buf[64], out[sizeof(buf) + 1];
	char line[160];

	for (;;) {
		ssize_t n;
		unsigned cmds = 0;

		if (tty && !console_tty_foreground(0)) {
			console_tty_forget();
			if (poll(&pfd[1], 1, 200) > 0)
				break;
			continue;
		}
		if (tty && !console_tty_is_raw()) {
			if (console_tty_raw(0))
				tty = false;	       /* cannot: read it as it is */
			else if (!told && isatty(2)) { /* not into a log */
				snprintf(line, sizeof(line),
					 "%s: console on this terminal: %s x leaves, %s ? helps\n",
					 vmm_prog, CONSOLE_ESC_NAME, CONSOLE_ESC_NAME);
				say(line);
				told = true;
			}
		}
		/* Under job control, wake up now and then to see whether we are
		 * still in the foreground. */
		if (poll(pfd, 2, jobs ? 500 : -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		n = read(0, buf, sizeof(buf));
		/* EIO: a read from the background (SIGTTIN is ignored). */
		if (n < 0 && (errno == EINTR || errno == EAGAIN ||
			      (errno == EIO && tty && !console_tty_foreground(0))))
			continue;
		if (n <= 0)
			break;
		if (console_tty_is_raw())
			n = console_esc_feed(&esc, buf, n, out, &cmds);
		else
			memcpy(out, buf, n);
		if (cmds & CONSOLE_CMD_HELP) {
			say("\n");
			say(console_help);
		}
		if (!push_input(vm, out, n))
			break;
		if (cmds & CONSOLE_CMD_QUIT) {
			vm_request_stop(vm, VM_STOP_CONSOLE, 0);
			break;
		}
	}
	return NULL;
}

static void restore_tty(void)
{
	console_tty_restore(0);
}

static bool start_input(struct vm *vm, pthread_t *t)
{
	if (vm->cfg->console_in == CONSOLE_IN_NONE || pipe(input_stop))
		return false;
	if (isatty(0)) {
		/* A background VMM neither stops on a read of the terminal (the
		 * input thread does not read it then) nor on output to it or on
		 * a change of its modes: a stopped VMM is a stopped guest. */
		signal(SIGTTIN, SIG_IGN);
		signal(SIGTTOU, SIG_IGN);
		atexit(restore_tty);
	}
	return !vmm_thread_create(t, "io-input", -1, input_thread, vm);
}

static void stop_input(pthread_t t)
{
	if (write(input_stop[1], "x", 1) < 0)
		return;
	pthread_join(t, NULL);
	restore_tty();
}

/* ---- run ---- */
static void run_vcpus(struct vm *vm)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGQUIT);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		char name[16];

		snprintf(name, sizeof(name), "vcpu%u", i);
		if (vmm_thread_create(&vm->vcpus[i].thread, name, i, vcpu_thread, &vm->vcpus[i])) {
			vmm_warn("cannot start vCPU %u", i);
			vm_request_stop(vm, VM_STOP_ERROR, 1);
			vm->nr_vcpus = i;
			break;
		}
	}
	while (!vm_stopping(vm)) {
		if (sigwait(&set, &sig))
			break;
		if (sig == SIGQUIT) {
			/* The counters so far (e.g. around an idle window). */
			if (vm->cfg->stats)
				vmm_print_stats(vm, 2);
		} else if (sig != SIGUSR2) {
			vm_request_stop(vm, VM_STOP_SIGNAL, 128 + sig);
		}
	}
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
}

static int reboot(struct vm *vm)
{
	int err;

	memset(vm->mem.hva, 0, vm->mem.size);
	for (unsigned i = 0; i < vm->nr_virtio; i++) {
		struct virtio_dev *vdev = vm->virtio[i];

		pthread_mutex_lock(&vdev->lock);
		vdev->status = 0;
		memset(vdev->vq, 0, sizeof(vdev->vq));
		vdev->int_status = 0;
		if (vdev->ops->reset)
			vdev->ops->reset(vdev);
		pthread_mutex_unlock(&vdev->lock);
	}
	uart_reset(vm->uart);
	plic_reset(vm->plic);
	err = load_guest(vm);
	if (err)
		return err;
	if (!vm->ops->vcpu_reset)
		return vmm_error(ENOTSUP, "the %s backend cannot reset a vCPU", vm->ops->name);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		err = vm->ops->vcpu_reset(&vm->vcpus[i], i == 0);
		if (err)
			return err;
	}
	err = boot_vcpus(vm);
	if (err)
		return err;
	vm->stop = VM_RUNNING;
	return 0;
}

void vmm_print_stats(struct vm *vm, int fd)
{
	dprintf(fd, "stats: backend %s, %u vCPU(s)\n", vm->ops->name, vm->nr_vcpus);
	for (int s = -1; s < STAT__NR; s++) {
		u64 total = 0, v[VMM_MAX_VCPUS];
		const char *name = s < 0 ? "exit_mmio" : vcpu_stat_names[s];

		for (unsigned i = 0; i < vm->nr_vcpus; i++) {
			const u64 *st = vm->vcpus[i].stat;

			v[i] = s < 0 ? st[STAT_EXIT_MMIO_READ] + st[STAT_EXIT_MMIO_WRITE] : st[s];
			total += v[i];
		}
		dprintf(fd, "stats: %s total=%llu", name, (unsigned long long)total);
		for (unsigned i = 0; i < vm->nr_vcpus; i++)
			dprintf(fd, " vcpu%u=%llu", i, (unsigned long long)v[i]);
		dprintf(fd, "\n");
	}
	for (unsigned i = 0; i < vm->bus.nr; i++)
		dprintf(fd, "stats: device %s@%llx accesses=%llu\n", vm->bus.regions[i].name,
			(unsigned long long)vm->bus.regions[i].base,
			(unsigned long long)vm->bus.regions[i].accesses);
	for (unsigned i = 0; i < vm->nr_virtio; i++)
		if (vm->virtio[i]->malformed || vm->virtio[i]->bad_access)
			dprintf(fd, "stats: device %s@%llx malformed=%llu bad_access=%llu\n",
				vm->virtio[i]->ops->name, (unsigned long long)vm->virtio[i]->base,
				(unsigned long long)vm->virtio[i]->malformed,
				(unsigned long long)vm->virtio[i]->bad_access);
	if (vm->plic && plic_bad_accesses(vm->plic))
		dprintf(fd, "stats: device plic bad_access=%llu\n",
			(unsigned long long)plic_bad_accesses(vm->plic));
	if (vm->ops->print_stats)
		vm->ops->print_stats(vm, fd);
}

static void teardown(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_virtio; i++)
		virtio_dev_destroy(vm->virtio[i]);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].priv && vm->ops->vcpu_destroy)
			vm->ops->vcpu_destroy(&vm->vcpus[i]);
	if (vm->ops->destroy)
		vm->ops->destroy(vm);
	if (vm->mem.hva)
		munmap(vm->mem.hva, vm->mem.size);
	doorbell_destroy(vm->doorbell);
	uart_destroy(vm->uart);
	plic_destroy(vm->plic);
	free(vm->test);
	free(vm->bootargs);
}

int vmm_main(int argc, char **argv, const struct vmm_backend_ops *ops)
{
	static struct vm_config cfg;
	static struct vm vm_store;
	struct vm *vm = &vm_store;
	struct vm_limits lim;
	unsigned reboots = 0;
	pthread_t input;
	bool has_input;
	sigset_t set;
	int err, status;

	vmm_prog = basename(argv[0]);
	lim = (struct vm_limits){ .max_vcpus = ops->max_vcpus,
				  .max_mem = ops->max_mem,
				  .mem_note = ops->mem_note };
	err = vm_config_parse(&cfg, argc, argv, &lim);
	if (err == 1) {
		/* Listed only where the backend has it: scripts probe --help. */
		if (cfg.help && ops->vpost && (!ops->vpost_available || ops->vpost_available()))
			dprintf(1, "      --vpost               the guest posts its IPIs itself, "
				   "writing "
				   "hu_vitr from V mode\n"
				   "                            (/chosen duvisor,vpost)\n");
		return 0;
	}
	if (err) {
		fprintf(stderr, "%s: %s\n", vmm_prog, vmm_last_error());
		return EXIT_USAGE;
	}
	if (cfg.vpost && (!ops->vpost || (ops->vpost_available && !ops->vpost_available()))) {
		fprintf(stderr, "%s: --vpost: the %s backend has no V-mode posted interrupts%s\n",
			vmm_prog, ops->name,
			ops->vpost ? " on this host (the kernel does not post through DV-Ext: "
				     "boot the kvm-opt host kernel)"
				   : "");
		return EXIT_USAGE;
	}
	if (check_inputs(&cfg))
		return fail(NULL);
	/* Before any thread: the main thread goes to the I/O CPUs first. */
	if (place_init(&cfg.vcpu_cpus, &cfg.io_cpus)) {
		fprintf(stderr, "%s: %s\n", vmm_prog, vmm_last_error());
		return EXIT_USAGE;
	}

	/* Only the main thread takes these; vCPU and I/O threads inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	vm->ops = ops;
	vm->cfg = &cfg;
	vm->nr_vcpus = cfg.nr_vcpus;
	vm->out_fd = 1;
	vm->timebase_freq = 10000000;
	snprintf(vm->isa, sizeof(vm->isa), "rv64imafdc");
	vm->main_thread = pthread_self();
	vm->has_main_thread = true;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
	}

	err = ops->init(vm);
	if (err)
		return fail(NULL);
	vm->mem.base = MM_RAM_BASE;
	vm->mem.size = cfg.mem_size;
	vm->mem.hva = mmap(NULL, cfg.mem_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem.hva == MAP_FAILED) {
		vm->mem.hva = NULL;
		vmm_error(errno, "cannot allocate %llu MiB of guest RAM: %s",
			  (unsigned long long)(cfg.mem_size >> 20), strerror(errno));
		goto out_fail;
	}
	if (ops->map(vm, vm->mem.base, vm->mem.hva, vm->mem.size))
		goto out_fail;
	/* vCPUs first: the backend learns the ISA and timebase for the device tree. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (ops->vcpu_init(&vm->vcpus[i]))
			goto out_fail;
	if (create_devices(vm) || load_guest(vm) || boot_vcpus(vm))
		goto out_fail;

	has_input = start_input(vm, &input);
	for (;;) {
		run_vcpus(vm);
		if ((vm->stop != VM_STOP_RESET && vm->stop != VM_STOP_PANIC) ||
		    reboots >= cfg.reboots)
			break;
		reboots++;
		vmm_warn("guest %s: rebooting (%u of %u)",
			 vm->stop == VM_STOP_PANIC ? "kernel panic (warm reset)" : "reset", reboots,
			 cfg.reboots);
		if (reboot(vm)) {
			vm->stop = VM_STOP_ERROR;
			vmm_warn("%s", vmm_last_error());
			break;
		}
	}
	if (has_input)
		stop_input(input);

	switch (vm->stop) {
	case VM_STOP_SHUTDOWN:
		status = vm->status;
		break;
	case VM_STOP_RESET:
		vmm_warn("guest requested a reset; stopping (--reboots N to honour it)");
		status = 0;
		break;
	case VM_STOP_PANIC:
		vmm_warn("guest kernel panic: it asked for a warm reset, as a Linux Image does "
			 "after a panic (\"%s\"); stopping",
			 VM_LINUX_PANIC_ARGS);
		status = EXIT_VMM_ERROR;
		break;
	case VM_STOP_SIGNAL:
		vmm_warn("stopped by signal");
		status = vm->status;
		break;
	case VM_STOP_CONSOLE:
		fputc('\n', stderr); /* the guest's prompt is still on the line */
		vmm_warn("left from the console (%s x)", CONSOLE_ESC_NAME);
		status = 0;
		break;
	default:
		status = EXIT_VMM_ERROR;
		break;
	}
	if (cfg.stats)
		vmm_print_stats(vm, 2);
	teardown(vm);
	return status;

out_fail:
	status = fail(NULL);
	teardown(vm);
	return status;
}
