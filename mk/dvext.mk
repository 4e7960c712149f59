# DV-Ext: encodings header, ISA tests (bare metal, run in the QEMU model),
# unit test of the encodings. See docs/dv-ext.md.
DVEXT_PATCH := $(TOP)/duvisor/dvext/qemu/0002-target-riscv-dvext-model.patch
DVEXT_CROSS := riscv64-unknown-elf-
DVEXT_ISA_CFLAGS := -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -g \
	-Wall -Wextra -Werror -ffreestanding -nostartfiles --specs=picolibc.specs \
	-Iinclude -Wl,--no-warn-rwx-segments $(REPRO_CFLAGS) $(REPRO_ASFLAGS)

DVEXT_SBI_PATCH := $(TOP)/duvisor/dvext/opensbi/0001-lib-sbi-dvext-pmc-extension-and-trap-redirect.patch

UNIT_TESTS += $(HOST)/tests/test_dvext_csr $(HOST)/tests/test_dvext_sbi
TARGETS += $(B)/dvext/isa.elf $(B)/dvext/fw.elf $(B)/dvext/kick.elf

$(HOST)/tests/test_dvext_csr: tests/unit/test_dvext_csr.c include/dvext/dvext.h $(DVEXT_PATCH)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iinclude -DDVEXT_QEMU_PATCH='"$(DVEXT_PATCH)"' -o $@ $< $(CMOCKA_LIBS)

$(HOST)/tests/test_dvext_sbi: tests/unit/test_dvext_sbi.c include/dvext/dvext.h $(DVEXT_SBI_PATCH)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -Iinclude -DDVEXT_OPENSBI_PATCH='"$(DVEXT_SBI_PATCH)"' -o $@ $< $(CMOCKA_LIBS)

$(B)/dvext/isa.elf: tests/dvext/crt.S tests/dvext/isa.c tests/dvext/report.h tests/dvext/csr.h tests/dvext/link.ld include/dvext/dvext.h
	@mkdir -p $(@D)
	$(DVEXT_CROSS)gcc $(DVEXT_ISA_CFLAGS) -T tests/dvext/link.ld -o $@ tests/dvext/crt.S tests/dvext/isa.c

# cross-hart kick: three harts in M mode (docs/dv-ext.md, "Cross-hart kick")
$(B)/dvext/kick.elf: tests/dvext/kick-crt.S tests/dvext/kick.c tests/dvext/report.h tests/dvext/csr.h tests/dvext/link.ld include/dvext/dvext.h
	@mkdir -p $(@D)
	$(DVEXT_CROSS)gcc $(DVEXT_ISA_CFLAGS) -T tests/dvext/link.ld -o $@ tests/dvext/kick-crt.S tests/dvext/kick.c

# S-mode payload for the firmware tests (OpenSBI fw_jump enters it at 0x80200000)
$(B)/dvext/fw.elf: tests/dvext/fw-crt.S tests/dvext/fw.c tests/dvext/report.h tests/dvext/csr.h tests/dvext/fw.ld include/dvext/dvext.h
	@mkdir -p $(@D)
	$(DVEXT_CROSS)gcc $(DVEXT_ISA_CFLAGS) -T tests/dvext/fw.ld -o $@ tests/dvext/fw-crt.S tests/dvext/fw.c

.PHONY: test-dvext
test-dvext: all
	@tests/run dvext
