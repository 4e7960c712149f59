# DV-Ext: encodings header, ISA tests (bare metal, run in the QEMU model),
# unit test of the encodings. See docs/dv-ext.md.
DVEXT_PATCH := $(TOP)/duvisor/dvext/qemu/0002-target-riscv-dvext-model.patch
DVEXT_CROSS := riscv64-unknown-elf-
DVEXT_ISA_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g \
	-Wall -Wextra -Werror -ffreestanding -nostartfiles --specs=picolibc.specs \
	-Iinclude -Wl,--no-warn-rwx-segments

UNIT_TESTS += $(HOST)/tests/test_dvext_csr
TARGETS += $(B)/dvext/isa.elf

$(HOST)/tests/test_dvext_csr: tests/unit/test_dvext_csr.c include/dvext/dvext.h $(DVEXT_PATCH)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iinclude -DDVEXT_QEMU_PATCH='"$(DVEXT_PATCH)"' -o $@ $< $(CMOCKA_LIBS)

$(B)/dvext/isa.elf: tests/dvext/crt.S tests/dvext/isa.c tests/dvext/link.ld include/dvext/dvext.h
	@mkdir -p $(@D)
	$(DVEXT_CROSS)gcc $(DVEXT_ISA_CFLAGS) -T tests/dvext/link.ld -o $@ tests/dvext/crt.S tests/dvext/isa.c

.PHONY: test-dvext
test-dvext: all
	@tests/run dvext
