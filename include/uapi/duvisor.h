/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The ABI between the DV-driver (duvisor/driver/, a Linux module) and
 * DuVisor (duvisor/vmm/, the user-level hypervisor). One versioned header,
 * included by both; a change of layout or meaning bumps DUVISOR_API_VERSION.
 *
 * Model: one open file of DUVISOR_DEV holds at most one VM. The driver owns
 * every physical decision: it allocates the VM's RAM (physically contiguous),
 * the pool that holds the stage-2 page table, the vCPU table of posted
 * interrupts and the VMID, writes hgatp, programs the PMC ranges through
 * firmware and sets the DV-Ext CSRs of each registered thread whenever it is
 * scheduled in. DuVisor maps RAM and the pool (mmap at the offsets the driver
 * returns), edits stage-2 entries inside the pool, and handles every VM exit
 * in HU mode. See docs/dv-ext.md for the hardware side.
 */
#ifndef _UAPI_DUVISOR_H
#define _UAPI_DUVISOR_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DUVISOR_DEV	    "/dev/duvisor"
#define DUVISOR_API_VERSION 1

/* Limits the driver enforces (EINVAL outside them). */
#define DUVISOR_MEM_ALIGN  (2ULL << 20) /* RAM size: multiple of 2 MiB */
#define DUVISOR_MEM_MAX	   (4ULL << 30)
#define DUVISOR_POOL_MIN   (64ULL << 10) /* root (16 KiB) + tables; a power of 2 */
#define DUVISOR_POOL_MAX   (1ULL << 20)
#define DUVISOR_MAX_VCPUS  64
#define DUVISOR_ROOT_SIZE  (16ULL << 10) /* Sv39x4 root, at pool offset 0 */
#define DUVISOR_HGATP_MODE 8		 /* Sv39x4 */
#define DUVISOR_GPA_BITS   41

/* duvisor_create.flags */
#define DUVISOR_VM_VPOST (1U << 0) /* guests may post (h_enable.VPOST) */

/* duvisor_create.pmc (out) */
#define DUVISOR_PMC_OFF	   0 /* firmware has no PMC extension; module loaded with pmc=off */
#define DUVISOR_PMC_ACTIVE 1 /* the VM's V=1 ranges are in force whenever its threads run */

struct duvisor_create {
	/* in */
	__u64 mem_size;	 /* guest RAM bytes, multiple of DUVISOR_MEM_ALIGN */
	__u64 pool_size; /* stage-2 pool bytes, a power of 2 (one PMC range) */
	__u32 nr_vcpus;	 /* 1..DUVISOR_MAX_VCPUS */
	__u32 flags;	 /* DUVISOR_VM_* */
	/* out */
	__u32 vmid;
	__u32 pmc;	   /* DUVISOR_PMC_* */
	__u64 mem_hpa;	   /* host-physical base of RAM */
	__u64 pool_hpa;	   /* host-physical base of the pool (stage-2 root first) */
	__u64 mem_offset;  /* mmap offset of RAM */
	__u64 pool_offset; /* mmap offset of the pool */
	__u64 hgatp;	   /* the value the driver writes (for diagnostics) */
	__u64 reserved[4];
};

/* What a thread is to the VM. */
#define DUVISOR_THREAD_VCPU 0 /* runs vCPU `id`: HURET enters the guest as that vCPU */
#define DUVISOR_THREAD_IO   1 /* may post interrupts (hu_vitr); id ignored */
/* Posts only (hu_vitr); HURET is illegal for it (h_enable.PO), so it needs
 * no PMC ranges and its switches make no firmware call; id ignored. EINVAL
 * from a driver without it (use DUVISOR_THREAD_IO then). */
#define DUVISOR_THREAD_POST 2

struct duvisor_register {
	__u32 kind; /* DUVISOR_THREAD_* */
	__u32 id;   /* vCPU id for DUVISOR_THREAD_VCPU */
};

/* Per-thread counters kept by the driver (DUVISOR_THREAD_STATS, calling thread). */
struct duvisor_thread_stats {
	__u64 sched_in;	  /* times the thread was scheduled in with DV state loaded */
	__u64 sched_out;  /* times it was scheduled out with DV state saved */
	__u64 pmc_set;	  /* firmware calls made to program its VM's PMC ranges */
	__u64 pmc_skip;	  /* switch-ins that found the ranges on the hart: no call */
	__u64 pmc_clear;  /* switch-outs that cleared the hart's ranges */
	__u64 in_cycles;  /* hart cycles spent in the switch-ins (cycle CSR) */
	__u64 out_cycles; /* hart cycles spent in the switch-outs */
	__u64 reserved[1];
};

/* Driver-wide counters (DUVISOR_DRIVER_STATS, any open file). */
struct duvisor_driver_stats {
	__u64 vms_live;	    /* VMs not yet freed */
	__u64 threads_live; /* registered threads not yet reaped */
	__u64 bytes_live;   /* RAM + pool bytes held */
	__u64 vms_created;
	__u64 pmc_calls;  /* firmware calls that programmed ranges (LOAD or SET) */
	__u64 pmc_skips;  /* switch-ins that needed none */
	__u64 pmc_clears; /* CLEAR_ALL calls (a hart handed to a task that is not DuVisor's) */
	__u64 reserved[1];
};

#define DUVISOR_IOC 0xD7

/* Returns DUVISOR_API_VERSION. */
#define DUVISOR_GET_API_VERSION _IO(DUVISOR_IOC, 0x00)
/* Create the VM of this file (EEXIST if it has one; ENOMEM if CMA is short). */
#define DUVISOR_CREATE_VM _IOWR(DUVISOR_IOC, 0x01, struct duvisor_create)
/* h_deleg for every thread of the VM: a subset of DVEXT_H_DELEG_MASK (EINVAL otherwise). */
#define DUVISOR_SET_DELEG _IOW(DUVISOR_IOC, 0x02, __u64)
/* Register the calling thread (EBUSY: already registered or vCPU id taken). */
#define DUVISOR_REGISTER _IOW(DUVISOR_IOC, 0x03, struct duvisor_register)
/* Unregister the calling thread (ENOENT if it is not registered with this VM). */
#define DUVISOR_UNREGISTER _IO(DUVISOR_IOC, 0x04)
/* Flush the VM's stage-2 translations on every hart (after removing mappings). */
#define DUVISOR_FLUSH	     _IO(DUVISOR_IOC, 0x05)
#define DUVISOR_THREAD_STATS _IOR(DUVISOR_IOC, 0x06, struct duvisor_thread_stats)
#define DUVISOR_DRIVER_STATS _IOR(DUVISOR_IOC, 0x07, struct duvisor_driver_stats)

#endif /* _UAPI_DUVISOR_H */
