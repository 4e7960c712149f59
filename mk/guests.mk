# Guests. Bare metal (guests/baremetal): the guest library and the programs
# linked with it, as ELF and as a flat binary of the loaded sections only.
GUEST_CROSS := riscv64-unknown-elf-
GUEST_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g -std=c11 \
	-Wall -Wextra -Werror -ffreestanding -nostartfiles --specs=picolibc.specs \
	-DPICOLIBC_INTEGER_PRINTF_SCANF -Iguests/baremetal/include \
	-Wl,--no-warn-rwx-segments -Wl,--gc-sections $(REPRO_CFLAGS) $(REPRO_ASFLAGS)
GUEST_LIB := guests/baremetal/start.S guests/baremetal/lib.c
GUEST_DEPS := $(GUEST_LIB) guests/baremetal/guest.ld guests/baremetal/include/dvguest.h
BAREMETAL := $(patsubst guests/baremetal/tests/%.c,$(B)/guests/%,$(wildcard guests/baremetal/tests/*.c))
TARGETS += $(addsuffix .elf,$(BAREMETAL)) $(addsuffix .bin,$(BAREMETAL))

$(B)/guests/%.elf: guests/baremetal/tests/%.c $(GUEST_DEPS)
	@mkdir -p $(@D)
	$(GUEST_CROSS)gcc $(GUEST_CFLAGS) -T guests/baremetal/guest.ld -o $@ $(GUEST_LIB) $<

$(B)/guests/%.bin: $(B)/guests/%.elf
	$(GUEST_CROSS)objcopy -O binary $< $@

# Linux guest: the host's kernel and base initramfs; test plans are added per
# run (scripts in tests/kvm/), plus an ext2 disk image for virtio-blk.
GUEST_DISK := $(B)/guests/disk.ext2
TARGETS += $(GUEST_DISK)

$(GUEST_DISK): guests/linux/disk/hello.txt
	@mkdir -p $(@D)
	rm -f $@
	mke2fs -q -t ext2 -b 1024 -L dvdisk -d guests/linux/disk $@ 4M

.PHONY: guests
guests: $(addsuffix .elf,$(BAREMETAL)) $(addsuffix .bin,$(BAREMETAL)) $(GUEST_DISK)

# The Linux guest's initramfs: the base initramfs plus guests/linux/plan.sh as /plan.
GUEST_INITRD := $(B)/guests/linux-initramfs.cpio
TARGETS += $(GUEST_INITRD)

$(GUEST_INITRD): guests/linux/plan.sh $(B)/initramfs/base.cpio
	@mkdir -p $(@D)
	echo "file /plan $(TOP)/guests/linux/plan.sh 0755 0 0" >$@.list
	cp $(B)/initramfs/base.cpio $@.tmp
	$(B)/linux/gen_init_cpio $@.list >>$@.tmp
	mv $@.tmp $@
	rm -f $@.list

guests: $(GUEST_INITRD)

# A root file system on a virtio-blk disk (boot without an initramfs):
# busybox, the shared init and the guest plan, ext2.
GUEST_ROOTFS := $(B)/guests/rootfs.ext2
TARGETS += $(GUEST_ROOTFS)

$(GUEST_ROOTFS): guests/linux/plan.sh platform/initramfs/init $(B)/busybox/busybox
	@mkdir -p $(@D)
	rm -rf $@.d $@
	mkdir -p $@.d/bin $@.d/sbin $@.d/usr/bin $@.d/usr/sbin $@.d/dev $@.d/proc $@.d/sys \
		$@.d/tmp $@.d/run $@.d/root $@.d/etc $@.d/mnt
	cp $(B)/busybox/busybox $@.d/bin/busybox
	cp platform/initramfs/init $@.d/init
	cp guests/linux/plan.sh $@.d/plan
	mke2fs -q -t ext2 -b 1024 -L dvroot -d $@.d $@ 8M
	rm -rf $@.d

guests: $(GUEST_ROOTFS)
