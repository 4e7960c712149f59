/* SPDX-License-Identifier: MIT */
/*
 * DV-Ext encodings: the single source of truth for the delegated
 * virtualization extension (see docs/dv-ext.md). Usable from C and from
 * assembly (everything outside the __ASSEMBLER__ guard is a plain #define).
 *
 * Layout mirrors docs/dv-ext.md: CSR numbers (HK, HU, guest-state aliases),
 * register fields, exit causes, instruction encodings, the vCPU table, the
 * PMC bit in pmpcfg, the SBI PMC extension.
 */
#ifndef DVEXT_DVEXT_H
#define DVEXT_DVEXT_H

#ifdef __ASSEMBLER__
#define DVEXT_UL(x)  x
#define DVEXT_ULC(x) (x)
#else
#define DVEXT_UL(x)  x##UL		  /* literals only */
#define DVEXT_ULC(x) ((unsigned long)(x)) /* any expression */
#endif

#define DVEXT_ABI_VERSION 1

/* ===== Kernel-only CSRs (HK): hypervisor custom range 0x6C0-0x6FF ===== */
#define DVEXT_CSR_H_ENABLE  0x6c0 /* EN, VPOST, PO */
#define DVEXT_CSR_H_DELEG   0x6c1 /* one bit per delegated exit cause */
#define DVEXT_CSR_H_VCPU    0x6c2 /* vCPU id running on this hart */
#define DVEXT_CSR_H_VCPUTAB 0x6c3 /* host-physical address of the vCPU table */
#define DVEXT_CSR_H_VCPUNUM 0x6c4 /* number of entries in the vCPU table */

/* ===== HU CSRs: custom user read/write range 0x800-0x8FF ===== */
#define DVEXT_CSR_HU_ER	     0x800 /* exit reason (cause, bit 63 = interrupt) */
#define DVEXT_CSR_HU_EINFO   0x801 /* trap value */
#define DVEXT_CSR_HU_EGPA    0x802 /* faulting guest-physical address >> 2 */
#define DVEXT_CSR_HU_EINST   0x803 /* transformed instruction (htinst) */
#define DVEXT_CSR_HU_VPC     0x804 /* guest pc at the exit, HURET target */
#define DVEXT_CSR_HU_VSTATUS 0x805 /* SPVP, GVA */
#define DVEXT_CSR_HU_EHB     0x806 /* exit-handler base */
#define DVEXT_CSR_HU_SCRATCH 0x807 /* scratch for the exit handler */
#define DVEXT_CSR_HU_VCPUID  0x808 /* read-only copy of h_vcpu */
#define DVEXT_CSR_HU_VITR    0x809 /* write-only: post a virtual interrupt */

/* ===== Guest-state aliases (HU): 0x840-0x84F ===== */
#define DVEXT_CSR_HU_VSSTATUS	0x840 /* vsstatus */
#define DVEXT_CSR_HU_VSIE	0x841 /* vsie */
#define DVEXT_CSR_HU_VSTVEC	0x842 /* vstvec */
#define DVEXT_CSR_HU_VSSCRATCH	0x843 /* vsscratch */
#define DVEXT_CSR_HU_VSEPC	0x844 /* vsepc */
#define DVEXT_CSR_HU_VSCAUSE	0x845 /* vscause */
#define DVEXT_CSR_HU_VSTVAL	0x846 /* vstval */
#define DVEXT_CSR_HU_VSIP	0x847 /* vsip */
#define DVEXT_CSR_HU_VSATP	0x848 /* vsatp */
#define DVEXT_CSR_HU_HVIP	0x849 /* hvip, VSSIP/VSTIP/VSEIP only */
#define DVEXT_CSR_HU_HTIMEDELTA 0x84a /* htimedelta */
#define DVEXT_CSR_HU_VSTIMECMP	0x84b /* vstimecmp (Sstc) */
#define DVEXT_CSR_HU_HENVCFG	0x84c /* henvcfg, STCE only */

/* ===== Register fields ===== */
/* h_enable */
#define DVEXT_H_ENABLE_EN_SHIFT	   0
#define DVEXT_H_ENABLE_EN	   (DVEXT_UL(1) << DVEXT_H_ENABLE_EN_SHIFT)
#define DVEXT_H_ENABLE_VPOST_SHIFT 1 /* V mode may write hu_vitr */
#define DVEXT_H_ENABLE_VPOST	   (DVEXT_UL(1) << DVEXT_H_ENABLE_VPOST_SHIFT)
#define DVEXT_H_ENABLE_PO_SHIFT	   2 /* post-only: HURET is illegal */
#define DVEXT_H_ENABLE_PO	   (DVEXT_UL(1) << DVEXT_H_ENABLE_PO_SHIFT)
#define DVEXT_H_ENABLE_KP_SHIFT	   3 /* kernel posts: post target with EN=0 (KVM-OPT) */
#define DVEXT_H_ENABLE_KP	   (DVEXT_UL(1) << DVEXT_H_ENABLE_KP_SHIFT)
#define DVEXT_H_ENABLE_MASK \
	(DVEXT_H_ENABLE_EN | DVEXT_H_ENABLE_VPOST | DVEXT_H_ENABLE_PO | DVEXT_H_ENABLE_KP)

/* h_deleg: the causes below; all other bits read 0 */
#define DVEXT_H_DELEG_MASK                                    \
	((DVEXT_UL(1) << DVEXT_CAUSE_VS_ECALL) |              \
	 (DVEXT_UL(1) << DVEXT_CAUSE_INST_GUEST_PAGE_FAULT) | \
	 (DVEXT_UL(1) << DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT) | \
	 (DVEXT_UL(1) << DVEXT_CAUSE_VIRTUAL_INST) |          \
	 (DVEXT_UL(1) << DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT))

/* hu_vstatus: same bit positions as hstatus.GVA / hstatus.SPVP */
#define DVEXT_HU_VSTATUS_GVA_SHIFT  6
#define DVEXT_HU_VSTATUS_GVA	    (DVEXT_UL(1) << DVEXT_HU_VSTATUS_GVA_SHIFT)
#define DVEXT_HU_VSTATUS_SPVP_SHIFT 8 /* 1: HURET to VS, 0: to VU */
#define DVEXT_HU_VSTATUS_SPVP	    (DVEXT_UL(1) << DVEXT_HU_VSTATUS_SPVP_SHIFT)
#define DVEXT_HU_VSTATUS_MASK	    (DVEXT_HU_VSTATUS_GVA | DVEXT_HU_VSTATUS_SPVP)

/* hu_er: bit 63 set when an interrupt stopped the guest */
#define DVEXT_HU_ER_INTERRUPT (DVEXT_UL(1) << 63)

/* hu_vitr: value written = vCPU id | interrupt number << 32 */
#define DVEXT_HU_VITR_VCPU_SHIFT 0
#define DVEXT_HU_VITR_VCPU_MASK	 DVEXT_UL(0xffffffff)
#define DVEXT_HU_VITR_IRQ_SHIFT	 32
#define DVEXT_HU_VITR_IRQ_MASK	 (DVEXT_UL(0xff) << DVEXT_HU_VITR_IRQ_SHIFT)
/* vcpu and irq may be any integer expressions (variables, not only literals) */
#define DVEXT_HU_VITR(vcpu, irq)                       \
	((DVEXT_ULC(vcpu) & DVEXT_HU_VITR_VCPU_MASK) | \
	 ((DVEXT_ULC(irq) << DVEXT_HU_VITR_IRQ_SHIFT) & DVEXT_HU_VITR_IRQ_MASK))

/* interrupt numbers that can be posted (bit numbers of hvip/mip) */
#define DVEXT_IRQ_VSSI 2
#define DVEXT_IRQ_VSTI 6
#define DVEXT_IRQ_VSEI 10
#define DVEXT_POSTABLE_MASK                                                  \
	((DVEXT_UL(1) << DVEXT_IRQ_VSSI) | (DVEXT_UL(1) << DVEXT_IRQ_VSTI) | \
	 (DVEXT_UL(1) << DVEXT_IRQ_VSEI))

/* ===== Exit causes (standard RISC-V cause numbers) ===== */
#define DVEXT_CAUSE_INST_ACCESS_FAULT	   1
#define DVEXT_CAUSE_ILLEGAL_INST	   2
#define DVEXT_CAUSE_LOAD_MISALIGNED	   4
#define DVEXT_CAUSE_LOAD_ACCESS_FAULT	   5
#define DVEXT_CAUSE_STORE_MISALIGNED	   6
#define DVEXT_CAUSE_STORE_ACCESS_FAULT	   7
#define DVEXT_CAUSE_VS_ECALL		   10
#define DVEXT_CAUSE_INST_GUEST_PAGE_FAULT  20
#define DVEXT_CAUSE_LOAD_GUEST_PAGE_FAULT  21
#define DVEXT_CAUSE_VIRTUAL_INST	   22
#define DVEXT_CAUSE_STORE_GUEST_PAGE_FAULT 23

/* ===== Instructions ===== */
/* HURET: the old uret encoding */
#define DVEXT_INSN_HURET 0x00200073
/* HUFLUSHGPA = HFENCE.GVMA rs1, rs2 executed in HU (rs2 ignored) */
#define DVEXT_INSN_HUFLUSHGPA_MATCH 0x62000073
#define DVEXT_INSN_HUFLUSHGPA_MASK  0xfe007fff
#define DVEXT_INSN_HUFLUSHGPA(rs1)  (DVEXT_INSN_HUFLUSHGPA_MATCH | ((rs1) << 15))

/* ===== vCPU table (host-physical, driver-owned, never mapped in HU) ===== */
#define DVEXT_VCPU_ENTRY_SIZE	 16
#define DVEXT_VCPU_ENTRY_PENDING 0 /* u64: posted, not yet merged (hvip bits) */
#define DVEXT_VCPU_ENTRY_DRIVER	 8 /* u64: reserved for the driver */
#define DVEXT_VCPUNUM_MAX	 4096

/* ===== PMC: the V bit in pmpcfg ===== */
#define DVEXT_PMPCFG_V_SHIFT 5
#define DVEXT_PMPCFG_V	     (DVEXT_UL(1) << DVEXT_PMPCFG_V_SHIFT)

/*
 * ===== SBI PMC extension (experimental range) =====
 * Implemented by the patched OpenSBI (duvisor/dvext/opensbi/). Every call
 * acts on the PMP of the calling hart and takes effect before it returns.
 * SET programs a NAPOT V=1 entry: size a power of two >= MIN_SIZE, addr
 * aligned to size, perm = PERM_* bits (W needs R). Entries below INFO's
 * first index, and any active non-V or locked entry: SBI_ERR_DENIED. Bad
 * index/size/alignment/perm: SBI_ERR_INVALID_PARAM. A range over memory
 * S-mode may not use (firmware, M-only MMIO): SBI_ERR_INVALID_ADDRESS.
 * LOAD makes the hart's V entries exactly the n ranges of a table (struct
 * dvext_pmc_range, host-physical, 8-byte aligned, memory S-mode may read):
 * entries first .. first + n - 1, the rest cleared, one fence; n > count:
 * SBI_ERR_INVALID_PARAM; a table S-mode may not read:
 * SBI_ERR_INVALID_ADDRESS; any error leaves the entries as they were.
 * Without the model: probe 0, every call SBI_ERR_NOT_SUPPORTED.
 */
#define DVEXT_SBI_EXT_PMC	0x08445650 /* 0x08 | "DVP" */
#define DVEXT_SBI_PMC_SET	0	   /* (index, addr, size, perm) */
#define DVEXT_SBI_PMC_CLEAR	1	   /* (index) */
#define DVEXT_SBI_PMC_INFO	2	   /* -> first V index << 16 | count */
#define DVEXT_SBI_PMC_CLEAR_ALL 3	   /* every V entry of the calling hart */
#define DVEXT_SBI_PMC_LOAD	4	   /* (table, n): a whole range set */
#define DVEXT_SBI_PMC_PERM_R	1
#define DVEXT_SBI_PMC_PERM_W	2
#define DVEXT_SBI_PMC_PERM_X	4
#define DVEXT_SBI_PMC_PERM_MASK 7
#define DVEXT_SBI_PMC_MIN_SIZE	0x1000 /* NAPOT ranges: power of 2, >= 4 KiB */

/* SBI error codes the extension answers with (SBI spec values) */
#define DVEXT_SBI_SUCCESS	      0
#define DVEXT_SBI_ERR_FAILED	      (-1)
#define DVEXT_SBI_ERR_NOT_SUPPORTED   (-2)
#define DVEXT_SBI_ERR_INVALID_PARAM   (-3)
#define DVEXT_SBI_ERR_DENIED	      (-4)
#define DVEXT_SBI_ERR_INVALID_ADDRESS (-5)

/* ===== Timing profiles (x-dvext-profile) ===== */
#define DVEXT_PROFILE_INSN   0
#define DVEXT_PROFILE_ROCKET 1

#ifndef __ASSEMBLER__
#ifdef __KERNEL__
#include <linux/types.h> /* the DV-driver (no libc headers in a module) */
#else
#include <stdint.h>
#endif

struct dvext_vcpu_entry {
	uint64_t pending; /* DVEXT_POSTABLE_MASK bits */
	uint64_t driver;
};

/* One entry of an SBI PMC LOAD table (RV64: the firmware reads XLEN words) */
struct dvext_pmc_range {
	uint64_t addr, size, perm; /* as SET's arguments */
};

/* Every DV-Ext CSR, for tools and the uniqueness test. */
#define DVEXT_CSR_LIST(X)                         \
	X(h_enable, DVEXT_CSR_H_ENABLE)           \
	X(h_deleg, DVEXT_CSR_H_DELEG)             \
	X(h_vcpu, DVEXT_CSR_H_VCPU)               \
	X(h_vcputab, DVEXT_CSR_H_VCPUTAB)         \
	X(h_vcpunum, DVEXT_CSR_H_VCPUNUM)         \
	X(hu_er, DVEXT_CSR_HU_ER)                 \
	X(hu_einfo, DVEXT_CSR_HU_EINFO)           \
	X(hu_egpa, DVEXT_CSR_HU_EGPA)             \
	X(hu_einst, DVEXT_CSR_HU_EINST)           \
	X(hu_vpc, DVEXT_CSR_HU_VPC)               \
	X(hu_vstatus, DVEXT_CSR_HU_VSTATUS)       \
	X(hu_ehb, DVEXT_CSR_HU_EHB)               \
	X(hu_scratch, DVEXT_CSR_HU_SCRATCH)       \
	X(hu_vcpuid, DVEXT_CSR_HU_VCPUID)         \
	X(hu_vitr, DVEXT_CSR_HU_VITR)             \
	X(hu_vsstatus, DVEXT_CSR_HU_VSSTATUS)     \
	X(hu_vsie, DVEXT_CSR_HU_VSIE)             \
	X(hu_vstvec, DVEXT_CSR_HU_VSTVEC)         \
	X(hu_vsscratch, DVEXT_CSR_HU_VSSCRATCH)   \
	X(hu_vsepc, DVEXT_CSR_HU_VSEPC)           \
	X(hu_vscause, DVEXT_CSR_HU_VSCAUSE)       \
	X(hu_vstval, DVEXT_CSR_HU_VSTVAL)         \
	X(hu_vsip, DVEXT_CSR_HU_VSIP)             \
	X(hu_vsatp, DVEXT_CSR_HU_VSATP)           \
	X(hu_hvip, DVEXT_CSR_HU_HVIP)             \
	X(hu_htimedelta, DVEXT_CSR_HU_HTIMEDELTA) \
	X(hu_vstimecmp, DVEXT_CSR_HU_VSTIMECMP)   \
	X(hu_henvcfg, DVEXT_CSR_HU_HENVCFG)

/* The standard CSR each guest-state alias reaches. */
#define DVEXT_ALIAS_LIST(X)               \
	X(DVEXT_CSR_HU_VSSTATUS, 0x200)   \
	X(DVEXT_CSR_HU_VSIE, 0x204)       \
	X(DVEXT_CSR_HU_VSTVEC, 0x205)     \
	X(DVEXT_CSR_HU_VSSCRATCH, 0x240)  \
	X(DVEXT_CSR_HU_VSEPC, 0x241)      \
	X(DVEXT_CSR_HU_VSCAUSE, 0x242)    \
	X(DVEXT_CSR_HU_VSTVAL, 0x243)     \
	X(DVEXT_CSR_HU_VSIP, 0x244)       \
	X(DVEXT_CSR_HU_VSATP, 0x280)      \
	X(DVEXT_CSR_HU_HVIP, 0x645)       \
	X(DVEXT_CSR_HU_HTIMEDELTA, 0x605) \
	X(DVEXT_CSR_HU_VSTIMECMP, 0x24d)  \
	X(DVEXT_CSR_HU_HENVCFG, 0x60a)
#endif /* __ASSEMBLER__ */

#endif /* DVEXT_DVEXT_H */
