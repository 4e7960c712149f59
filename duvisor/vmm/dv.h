/* SPDX-License-Identifier: MIT */
/*
 * DuVisor, the user-level hypervisor: the DuVisor backend of the shared VMM
 * core. A vCPU thread enters the guest with HURET and gets every delegated
 * exit back in HU mode at its exit stub (entry.S), which calls the exit
 * table (exit.c) directly: stage-2 faults on RAM, WFI and interrupts are
 * handled there, MMIO and SBI calls by the core's code (vcpu_mmio_read,
 * vcpu_sbi_call), all in HU mode, without entering the kernel and without
 * returning to the run loop (backend.c), which only sees kicks, stops and
 * errors.
 */
#ifndef DUVISOR_DV_H
#define DUVISOR_DV_H

#include <stddef.h>

#include "ctx.h"
#include "insn.h"
#include "stage2.h"
#include "uapi/duvisor.h"
#include "vmm/sbi.h"
#include "vmm/vm.h"

/* The guest's integer registers; ctx.h has the layout and who saves what. */
struct dv_ctx {
	struct sbi_call sbi; /* a7, a6, a0..a5; error, value */
	u64 ra, sp, gp, tp;
	u64 t0_2[3], t3_6[4];
	u64 s[12];
	u64 full; /* 1: s[] holds s0..s11; 0: they are live in the hardware */
	u64 host[16];
	/* Set by other threads when the run loop must look: a kick
	 * (dv_vcpu_kick sets it with kick) or a lowered external line. The
	 * loop clears it before it looks at either. */
	u32 attn;
	u32 attn_pad;
	/* The exit stub's fast path (entry.S): constant SBI calls of one
	 * extension, answered with the core's answers (sbi_const_call). */
	u64 fast_ext, fast_mask;
	u64 *fast_cnt[3];
	struct {
		s64 error;
		u64 value;
	} fast_ans[DV_FAST_FIDS];
};

_Static_assert(offsetof(struct dv_ctx, sbi.args) == DV_OFF(DV_SLOT_A0), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, sbi.error) == DV_OFF(DV_SLOT_ERROR), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, ra) == DV_OFF(DV_SLOT_RA), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, t3_6) == DV_OFF(DV_SLOT_T3), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, s) == DV_OFF(DV_SLOT_S0), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, full) == DV_OFF(DV_SLOT_FULL), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, host) == DV_OFF(DV_SLOT_HOST), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, attn) == DV_OFF(DV_SLOT_ATTN), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, fast_ext) == DV_OFF(DV_SLOT_FAST_EXT), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, fast_mask) == DV_OFF(DV_SLOT_FAST_MASK), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, fast_cnt) == DV_OFF(DV_SLOT_FAST_CNT), "ctx.h");
_Static_assert(offsetof(struct dv_ctx, fast_ans) == DV_OFF(DV_SLOT_FAST_ANS), "ctx.h");
_Static_assert(sizeof(struct dv_ctx) == DV_OFF(DV_CTX_SLOTS), "ctx.h");

/* Slot of register xN in struct dv_ctx (x0 has none: 0xff). */
static const unsigned char dv_reg_slot[32] = {
	0xff,		DV_SLOT_RA,	 DV_SLOT_SP,	  DV_SLOT_GP,	  DV_SLOT_TP,
	DV_SLOT_T0,	DV_SLOT_T0 + 1,	 DV_SLOT_T0 + 2,  DV_SLOT_S0,	  DV_SLOT_S0 + 1,
	DV_SLOT_A0,	DV_SLOT_A0 + 1,	 DV_SLOT_A0 + 2,  DV_SLOT_A0 + 3, DV_SLOT_A0 + 4,
	DV_SLOT_A0 + 5, DV_SLOT_A6,	 DV_SLOT_A7,	  DV_SLOT_S0 + 2, DV_SLOT_S0 + 3,
	DV_SLOT_S0 + 4, DV_SLOT_S0 + 5,	 DV_SLOT_S0 + 6,  DV_SLOT_S0 + 7, DV_SLOT_S0 + 8,
	DV_SLOT_S0 + 9, DV_SLOT_S0 + 10, DV_SLOT_S0 + 11, DV_SLOT_T3,	  DV_SLOT_T3 + 1,
	DV_SLOT_T3 + 2, DV_SLOT_T3 + 3,
};

/* xN (1..31) in the context; NULL for x0. */
static inline u64 *dv_reg(struct dv_ctx *c, unsigned n)
{
	return n ? (u64 *)c + dv_reg_slot[n & 31] : NULL;
}

/* Whether xN is one of s0..s11, which the exit stub leaves in the hardware. */
static inline bool dv_reg_lazy(unsigned n)
{
	return (0x0ffc0300U >> (n & 31)) & 1; /* x8, x9, x18..x27 */
}

enum dv_stat {
	DV_EXIT_ECALL,
	DV_EXIT_S2_MAP, /* guest page fault on RAM: mapped */
	DV_EXIT_MMIO,	/* guest page fault elsewhere: MMIO to the core */
	DV_EXIT_WFI,
	DV_EXIT_VINSN,	    /* other virtual-instruction exits (illegal injected) */
	DV_EXIT_IRQ,	    /* a host interrupt stopped the guest (a kernel entry) */
	DV_EXIT_OTHER,	    /* any other cause reaching the handler */
	DV_INJECT,	    /* exceptions injected into the guest */
	DV_MMIO_REFETCH,    /* instruction fetch failed: guest resumed to refault */
	DV_MMIO_FULL,	    /* MMIO to or from s0..s11: handled again with them saved */
	DV_MMIO_MISALIGNED, /* misaligned MMIO: address-misaligned exception injected */
	DV_WFI_SLEEP,	    /* WFIs that blocked in the kernel (futex) */
	DV_POST,	    /* interrupts posted through hu_vitr by this thread */
	DV_POST_IO,	    /* interrupts posted to this vCPU by I/O threads (hu_vitr) */
	DV_WAKE,	    /* futex wakes of a blocked vCPU */
	/* WFIs that returned to the guest at once, and why; and one that did not: */
	DV_WFI_PENDING,	     /* an interrupt pending and enabled in vsie */
	DV_WFI_TIMER_DUE,    /* the timer compare reached, its interrupt enabled */
	DV_WFI_TIMER_MASKED, /* compare reached, STIE clear: it sleeps (spun before) */
	DV_STAT__NR,
};

extern const char *const dv_stat_names[DV_STAT__NR];

struct dv_vm {
	int fd;
	struct duvisor_create info;
	hva_t pool;
	u64 pool_next;
	struct s2_pt s2;
	pthread_mutex_t s2_lock; /* stage-2 table allocation; leaves are set by CAS */
	u64 page_size;		 /* stage-2 granule on a fault: 4 KiB or 2 MiB */
	u64 htimedelta;
	u64 timebase;
	bool vpost; /* created with DUVISOR_VM_VPOST: the guest writes hu_vitr */
};

struct dv_vcpu {
	struct dv_ctx ctx; /* first: entry.S gets this pointer */
	struct vcpu *vcpu;
	/* Where HURET goes next while the run loop has the vCPU; during an
	 * exit the resume point is in hu_vpc and hu_vstatus. */
	u64 vpc, vstatus;
	/* Stage 2: the leaf table of the 2 MiB region this vCPU last faulted in. */
	u64 *s2_leaf;
	u64 s2_region;		   /* gpa >> 21 of that region */
	struct mmio_dcache dcache; /* MMIO decodes when hu_einst is 0 */
	bool need_reset;
	u32 wake_seq;	 /* futex: bumped by every post to this vCPU that may wake it */
	u32 entry_seq;	 /* wake_seq before the HURET that last entered the guest */
	u32 waiting;	 /* set while blocked in WFI */
	u32 wait_ie;	 /* vsie while blocked: posts of other interrupts do not wake it */
	u32 kick;	 /* set only by dv_vcpu_kick(), with ctx.attn */
	u32 ext_level;	 /* external interrupt line as the PLIC drives it */
	u32 ext_lowered; /* another thread lowered it: a VSEI in the table is stale */
	u64 refetch_pc;	 /* MMIO exits whose instruction could not be fetched */
	unsigned refetches;
	int tid;
	void *altstack;
	u64 stat[DV_STAT__NR];
	/* Filled when the thread exits, for --stats. */
	bool has_drv;
	struct duvisor_thread_stats drv;
	u64 nvcsw, nivcsw;
};

/* With V-mode posting a post to a vCPU blocked in WFI lands in the vCPU
 * table, which DuVisor cannot see: such a WFI sleeps at most this long. */
#define DV_VPOST_WFI_NS 1000000

/* Failed instruction fetches at one pc before the guest gets an access fault. */
#define DV_REFETCH_MAX 1000

/*
 * The exit table, called by the exit stub on every exit with the exit in
 * the hu_* registers and the guest's registers in v->ctx (s0..s11 only if
 * v->ctx.full): DV_RESUME, DV_FULL, DV_LEAVE, DV_RESTART or -errno (ctx.h).
 * The stub itself turns DV_RESUME into DV_LEAVE when v->ctx.attn is set;
 * dv_exit_full() is dv_exit() plus that check, the stub's whole answer
 * (for the unit tests).
 */
int dv_exit(struct dv_vcpu *v);
int dv_exit_full(struct dv_vcpu *v);
/* The stage-2 table over the driver's pool (root at offset 0), emptied. */
void dv_s2_init(struct dv_vm *d);
/* Map the RAM page (or megapage) holding gpa, which is RAM, in stage 2:
 * 0 or -errno. */
int dv_s2_fault(struct dv_vcpu *v, gpa_t gpa);
/* Enter the guest's trap handler with this exception (as a trap to VS),
 * from the exit in hu_vpc/hu_vstatus. */
void dv_inject(struct dv_vcpu *v, u64 cause, u64 tval);
/* Fill the exit stub's fast path from the core's constant SBI answers
 * (none when on is false). */
void dv_fast_setup(struct dv_vcpu *v, bool on);
/* Supplied by the backend (and by the unit tests): block a vCPU in WFI
 * until an interrupt may be pending for it, its timer fires or a kick. */
void dv_vcpu_block(struct dv_vcpu *v);

/*
 * What a WFI does with the guest's interrupt state as it is now (vsip, vsie,
 * vstimecmp; now in guest time): DV_WFI_RETURN when an interrupt is pending
 * and enabled in vsie (whatever vsstatus.SIE says), or the timer compare is
 * reached with STIE set; else DV_WFI_BLOCK with *ticks the time until an
 * enabled timer fires, DV_WFI_FOREVER if none. A pending interrupt whose
 * vsie bit is clear wakes nothing, as the privileged spec has it for WFI:
 * Linux 6.1 leaves a reached compare with STIE clear when its tick stops.
 * Counts the reason (wfi_pending, wfi_timer_due, wfi_timer_masked).
 */
#define DV_WFI_RETURN  0
#define DV_WFI_BLOCK   1
#define DV_WFI_FOREVER (~0ULL)
int dv_wfi_wait(struct dv_vcpu *v, u64 now, u64 *ticks);

static inline void dv_stat_inc(struct dv_vcpu *v, enum dv_stat s)
{
	__atomic_fetch_add(&v->stat[s], 1, __ATOMIC_RELAXED);
}

/* On the vCPU's own thread (every exit counter): a plain increment; the
 * counters are printed after the thread has exited. */
static inline void dv_stat_own(struct dv_vcpu *v, enum dv_stat s)
{
	v->stat[s]++;
}

/* entry.S: run the guest, and every exit through dv_exit() until one needs
 * the run loop; returns that DV_LEAVE, DV_RESTART or -errno. */
int dv_enter(struct dv_ctx *ctx);
void dv_exit_entry(void);
void dv_signal_return(int sig);

extern const struct vmm_backend_ops dv_backend_ops;

#endif
