// SPDX-License-Identifier: MIT
// The native group of `make bench-host`: real hardware of the build machine,
// not the model. Google Benchmark; `--benchmark_format=json` for results.
//   ring/syscall        getppid round trip
//   kvm/exit_kernel     an x86 KVM exit handled in the kernel (CPUID)
//   kvm/exit_user       an x86 KVM exit handled in user space (port I/O)
//   vmm/...             hot paths of the shared VMM core and DuVisor
// KVM benchmarks are skipped (with the reason) where /dev/kvm is missing.
#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hotpaths.h"

static void ring_syscall(benchmark::State &st)
{
	for (auto _ : st)
		benchmark::DoNotOptimize(syscall(SYS_getppid));
}
BENCHMARK(ring_syscall)->Name("ring/syscall_getppid");

// A real-mode x86 guest at 0x1000 (see docs/methodology.md):
//   start: mov si, di        ; di = CPUIDs per KVM_RUN
//   l:     xor ax, ax
//          cpuid             ; exit, answered by KVM in the kernel
//          dec si
//          jnz l
//          out 0x10, al      ; exit to user space: KVM_RUN returns
//          jmp start
// and at 0x1100 a loop of `out 0x10, al`: one user-space exit per KVM_RUN.
static const unsigned char guest_cpuid[] = { 0x89, 0xfe, 0x31, 0xc0, 0x0f, 0xa2, 0x4e,
					     0x75, 0xf9, 0xe6, 0x10, 0xeb, 0xf3 };
static const unsigned char guest_out[] = { 0xe6, 0x10, 0xeb, 0xfc };

struct tiny_vm {
	int kvm = -1, vm = -1, vcpu = -1;
	kvm_run *run = nullptr;
	std::string error;

	bool init(uint64_t rip, uint64_t rdi)
	{
		kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm < 0)
			return fail("/dev/kvm: " + std::string(strerror(errno)));
		vm = ioctl(kvm, KVM_CREATE_VM, 0);
		if (vm < 0)
			return fail("KVM_CREATE_VM: " + std::string(strerror(errno)));
		void *mem = mmap(nullptr, 0x10000, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return fail("mmap");
		memcpy(static_cast<char *>(mem) + 0x1000, guest_cpuid, sizeof(guest_cpuid));
		memcpy(static_cast<char *>(mem) + 0x1100, guest_out, sizeof(guest_out));
		kvm_userspace_memory_region r = {};
		r.memory_size = 0x10000;
		r.userspace_addr = reinterpret_cast<uint64_t>(mem);
		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
			return fail("KVM_SET_USER_MEMORY_REGION: " + std::string(strerror(errno)));
		vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
		if (vcpu < 0)
			return fail("KVM_CREATE_VCPU: " + std::string(strerror(errno)));
		int sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
		run = static_cast<kvm_run *>(
			mmap(nullptr, sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0));
		if (run == MAP_FAILED)
			return fail("mmap kvm_run");
		kvm_sregs s;
		if (ioctl(vcpu, KVM_GET_SREGS, &s))
			return fail("KVM_GET_SREGS");
		s.cs.base = 0;
		s.cs.selector = 0;
		if (ioctl(vcpu, KVM_SET_SREGS, &s))
			return fail("KVM_SET_SREGS");
		kvm_regs g = {};
		g.rip = rip;
		g.rdi = rdi;
		g.rflags = 2;
		if (ioctl(vcpu, KVM_SET_REGS, &g))
			return fail("KVM_SET_REGS");
		return true;
	}
	bool fail(const std::string &e)
	{
		error = e;
		return false;
	}
	// One KVM_RUN; true if it stopped at our port write.
	bool step()
	{
		return ioctl(vcpu, KVM_RUN, 0) == 0 && run->exit_reason == KVM_EXIT_IO &&
		       run->io.port == 0x10;
	}
	~tiny_vm()
	{
		if (vcpu >= 0)
			close(vcpu);
		if (vm >= 0)
			close(vm);
		if (kvm >= 0)
			close(kvm);
	}
};

// Per iteration: 1000 CPUID exits handled in the kernel, then the one port
// exit that hands control back (its cost, measured below, is 1/1000 of an
// iteration's). items_per_second counts CPUID exits.
static void kvm_exit_kernel(benchmark::State &st)
{
	const unsigned per_run = 1000;
	tiny_vm v;

	if (!v.init(0x1000, per_run)) {
		st.SkipWithError(v.error.c_str());
		return;
	}
	for (auto _ : st)
		if (!v.step()) {
			st.SkipWithError("guest did not reach its port write");
			return;
		}
	st.SetItemsProcessed(st.iterations() * per_run);
	st.counters["ns_per_exit"] = benchmark::Counter(
		static_cast<double>(st.iterations() * per_run),
		benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(kvm_exit_kernel)->Name("kvm/exit_kernel_cpuid")->Unit(benchmark::kMicrosecond);

static void kvm_exit_user(benchmark::State &st)
{
	tiny_vm v;

	if (!v.init(0x1100, 0)) {
		st.SkipWithError(v.error.c_str());
		return;
	}
	for (auto _ : st)
		if (!v.step()) {
			st.SkipWithError("guest did not reach its port write");
			return;
		}
	st.SetItemsProcessed(st.iterations());
	st.counters["ns_per_exit"] = benchmark::Counter(
		static_cast<double>(st.iterations()),
		benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(kvm_exit_user)->Name("kvm/exit_user_pio")->Unit(benchmark::kMicrosecond);

static void vmm_mmio_dispatch(benchmark::State &st)
{
	if (hp_mmio_setup()) {
		st.SkipWithError("mmio bus setup failed");
		return;
	}
	// The last virtio slot: the bus's worst case among registered regions.
	for (auto _ : st)
		benchmark::DoNotOptimize(hp_mmio_read(0x10008000));
}
BENCHMARK(vmm_mmio_dispatch)->Name("vmm/mmio_bus_dispatch");

// Before: the bus searched its regions on every access (last hit dropped).
static void vmm_mmio_dispatch_search(benchmark::State &st)
{
	if (hp_mmio_setup()) {
		st.SkipWithError("mmio bus setup failed");
		return;
	}
	for (auto _ : st)
		benchmark::DoNotOptimize(hp_mmio_read_search(0x10008000));
}
BENCHMARK(vmm_mmio_dispatch_search)->Name("vmm/mmio_bus_dispatch_before");

// SBI extension lookup, over the ids a Linux guest uses (base, TIME, IPI,
// RFENCE, HSM, our DVB) in turn.
static const uint64_t sbi_ids[] = { 0x10, 0x54494d45, 0x735049, 0x52464e43, 0x48534d, 0x08445642 };

static void vmm_sbi_find(benchmark::State &st)
{
	unsigned i = 0;

	for (auto _ : st)
		benchmark::DoNotOptimize(hp_sbi_find(sbi_ids[i++ % 6]));
}
BENCHMARK(vmm_sbi_find)->Name("vmm/sbi_find_ext");

static void vmm_sbi_find_linear(benchmark::State &st)
{
	unsigned i = 0;

	for (auto _ : st)
		benchmark::DoNotOptimize(hp_sbi_find_linear(sbi_ids[i++ % 6]));
}
BENCHMARK(vmm_sbi_find_linear)->Name("vmm/sbi_find_ext_before");

// The decode an MMIO exit needs: before (fetch through the guest's page
// table, then decode), and now (htinst's form, or the decode cache).
static void dv_decode_fetch(benchmark::State &st)
{
	if (hp_decode_setup()) {
		st.SkipWithError("guest memory");
		return;
	}
	for (auto _ : st)
		benchmark::DoNotOptimize(hp_decode_fetch_walk());
}
BENCHMARK(dv_decode_fetch)->Name("duvisor/mmio_exit_decode_before");

static void dv_decode_tinst(benchmark::State &st)
{
	for (auto _ : st)
		benchmark::DoNotOptimize(hp_decode_tinst());
}
BENCHMARK(dv_decode_tinst)->Name("duvisor/mmio_exit_decode_tinst");

static void dv_decode_cache(benchmark::State &st)
{
	if (hp_decode_setup()) {
		st.SkipWithError("guest memory");
		return;
	}
	for (auto _ : st)
		benchmark::DoNotOptimize(hp_decode_cache());
}
BENCHMARK(dv_decode_cache)->Name("duvisor/mmio_exit_decode_cache_hit");

static void vmm_decode(benchmark::State &st)
{
	// lw a0, 0(a1); sw a0, 4(a1); c.lw a0, 0(a1)
	static const uint32_t insns[] = { 0x0005a503, 0x00a5a223, 0x4188 };
	unsigned i = 0;

	for (auto _ : st)
		benchmark::DoNotOptimize(hp_decode(insns[i++ % 3]));
}
BENCHMARK(vmm_decode)->Name("duvisor/mmio_insn_decode");

static void vmm_s2_map(benchmark::State &st)
{
	const unsigned pages = static_cast<unsigned>(st.range(0));

	if (hp_s2_setup(pages)) {
		st.SkipWithError("stage-2 pool allocation failed");
		return;
	}
	for (auto _ : st)
		if (hp_s2_map_all()) {
			st.SkipWithError("s2_map failed");
			return;
		}
	st.SetItemsProcessed(st.iterations() * pages);
}
BENCHMARK(vmm_s2_map)->Name("duvisor/stage2_map_4k_before")->Arg(256);

static void vmm_s2_map_cas(benchmark::State &st)
{
	const unsigned pages = static_cast<unsigned>(st.range(0));

	if (hp_s2_setup(pages)) {
		st.SkipWithError("stage-2 pool allocation failed");
		return;
	}
	for (auto _ : st)
		if (hp_s2_map_all_cas()) {
			st.SkipWithError("s2_set_leaf failed");
			return;
		}
	st.SetItemsProcessed(st.iterations() * pages);
}
BENCHMARK(vmm_s2_map_cas)->Name("duvisor/stage2_map_4k")->Arg(256);

static void vmm_virtq(benchmark::State &st)
{
	if (hp_virtq_setup(static_cast<unsigned>(st.range(0)))) {
		st.SkipWithError("virtqueue setup failed");
		return;
	}
	for (auto _ : st)
		if (hp_virtq_roundtrip() < 0) {
			st.SkipWithError("virtq_pop failed");
			return;
		}
}
BENCHMARK(vmm_virtq)->Name("vmm/virtqueue_pop_push")->Arg(1)->Arg(3)->Arg(8);

BENCHMARK_MAIN();
