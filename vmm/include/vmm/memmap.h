/* SPDX-License-Identifier: MIT */
/*
 * The guest's physical memory map, the one place it is written down. Both
 * VMMs build the same machine from it; it follows QEMU's virt board where that
 * costs nothing, so guests written for virt run unchanged.
 */
#ifndef VMM_MEMMAP_H
#define VMM_MEMMAP_H

/* Exit/test device: the guest writes a status to end the run (see test.c). */
#define MM_TEST_BASE 0x00100000ULL
#define MM_TEST_SIZE 0x1000ULL

/* Interrupt doorbell: an I/O thread of the VMM raises IRQ_DOORBELL when the
 * guest asks (see doorbell.c); the source of virtual external interrupts. */
#define MM_DOORBELL_BASE 0x00101000ULL
#define MM_DOORBELL_SIZE 0x1000ULL

/* Platform-level interrupt controller, full 64 MiB window. */
#define MM_PLIC_BASE 0x0c000000ULL
#define MM_PLIC_SIZE 0x04000000ULL

/* 16550 UART, byte registers, reg-shift 0. */
#define MM_UART_BASE 0x10000000ULL
#define MM_UART_SIZE 0x100ULL

/* virtio-mmio transports: MM_VIRTIO_COUNT slots of MM_VIRTIO_SIZE. */
#define MM_VIRTIO_BASE	0x10001000ULL
#define MM_VIRTIO_SIZE	0x1000ULL
#define MM_VIRTIO_COUNT 8

/* RAM. The kernel goes 2 MiB in (Linux wants 2 MiB alignment); the device
 * tree and the initrd go at the top. */
#define MM_RAM_BASE	 0x80000000ULL
#define MM_RAM_MIN	 (16ULL << 20)
#define MM_RAM_MAX	 (16ULL << 30)
#define MM_KERNEL_OFFSET 0x200000ULL
#define MM_FDT_MAX	 0x10000ULL

/* PLIC interrupt sources (0 is reserved by the PLIC). */
#define IRQ_VIRTIO_BASE 1 /* virtio slot n uses IRQ_VIRTIO_BASE + n */
#define IRQ_UART	10
#define IRQ_DOORBELL	11
#define PLIC_NR_SOURCES 32

#define VMM_MAX_VCPUS 8

/* RISC-V interrupt numbers seen by the guest (S-level, as the guest sees them). */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9

#endif
