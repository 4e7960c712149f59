// SPDX-License-Identifier: MIT
/*
 * Fuzzer: SBI dispatch (every extension the core implements, legacy v0.1
 * calls included) on a VM with 4 vCPUs. Each 64-byte record is one ecall:
 * the calling vCPU, the extension (one of the known IDs or any value), the
 * function ID and six arguments (edge values mixed in). Checked: no crash,
 * every call returns VMM_RESUME or VMM_STOP (a guest never makes the VMM
 * fail), error codes are SBI error codes, HSM states stay valid. Not
 * fuzzed here: HART_STOP of a started hart, which blocks its thread.
 */
#include "vmm/sbi.h"

#include "fuzz_vm.h"

static const u64 exts[] = {
	SBI_EXT_LEGACY_SET_TIMER,
	SBI_EXT_LEGACY_PUTCHAR,
	SBI_EXT_LEGACY_GETCHAR,
	SBI_EXT_LEGACY_CLEAR_IPI,
	SBI_EXT_LEGACY_SEND_IPI,
	SBI_EXT_LEGACY_REMOTE_FENCE_I,
	SBI_EXT_LEGACY_REMOTE_SFENCE_VMA,
	SBI_EXT_LEGACY_REMOTE_SFENCE_ASID,
	SBI_EXT_LEGACY_SHUTDOWN,
	SBI_EXT_BASE,
	SBI_EXT_TIME,
	SBI_EXT_IPI,
	SBI_EXT_RFENCE,
	SBI_EXT_HSM,
	SBI_EXT_SRST,
	SBI_EXT_DVB,
};
static const u64 edges[] = { 0,
			     1,
			     2,
			     3,
			     4,
			     7,
			     8,
			     63,
			     64,
			     ~0ULL,
			     ~0ULL - 1,
			     1ULL << 63,
			     MM_RAM_BASE,
			     MM_RAM_BASE + FUZZ_RAM_SIZE - 8,
			     MM_RAM_BASE + FUZZ_RAM_SIZE - 1,
			     MM_RAM_BASE + FUZZ_RAM_SIZE };

static u64 arg(struct fin *f)
{
	unsigned k = fin_take(f, 1);
	u64 v = fin_take(f, 8);

	return k & 1 ? edges[(k >> 1) % (sizeof(edges) / sizeof(edges[0]))] : v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fin f = { data, size };
	struct vm *vm = fuzz_vm(4, false, NULL);

	if (!vm)
		abort();
	while (f.n >= 8) {
		struct sbi_call c = { 0 };
		unsigned who = fin_take(&f, 1) % vm->nr_vcpus, esel = fin_take(&f, 1);
		int r;

		c.ext = esel & 0x80 ? fin_take(&f, 4)
				    : exts[esel % (sizeof(exts) / sizeof(exts[0]))];
		c.fid = fin_take(&f, 1) & 0x80 ? arg(&f) : fin_take(&f, 1) % 8;
		for (unsigned i = 0; i < 6; i++)
			c.args[i] = arg(&f);
		/* A started hart that stops waits (its vCPU thread blocks) until
		 * another hart starts it: no second thread here, so not that call. */
		if (c.ext == SBI_EXT_HSM && c.fid == SBI_HSM_HART_STOP &&
		    vm->vcpus[who].hsm == HSM_STARTED)
			continue;
		r = sbi_dispatch(&vm->vcpus[who], &c);
		if (r != VMM_RESUME && r != VMM_STOP)
			abort();
		if (c.error > 0 || c.error < -8)
			abort();
		for (unsigned i = 0; i < vm->nr_vcpus; i++)
			if (vm->vcpus[i].hsm > HSM_STOP_PENDING)
				abort();
		if (vm_stopping(vm))
			break;
	}
	fuzz_vm_free(vm);
	return 0;
}
