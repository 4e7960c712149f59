# Application benchmarks (issue 11): the workloads' programs of our own, the
# Linux guest's initramfs with every workload, `make bench-apps`.
#   the Debian workloads (hackbench, iperf, memcached): scripts/platform/apps.sh (cached)
#   nuttcp (the Netperf substitute): scripts/platform/nuttcp.sh (cached)
#   fio (FileIO): scripts/platform/fio.sh (cached)
#   apptime, mcload, runas, bwmem: apps/*.c here;  the plans: apps/guest-plan.sh, apps/host-plan.sh
APPS_RUN := $(B)/apps-run
APPS_OWN := $(APPS_RUN)/bin/apptime $(APPS_RUN)/bin/mcload $(APPS_RUN)/bin/runas $(APPS_RUN)/bin/bwmem
APPS_DEB := $(addprefix $(B)/apps/bin/,hackbench iperf memcached) $(B)/nuttcp/bin/nuttcp $(B)/fio/bin/fio
APPS_INITRD := $(APPS_RUN)/apps-initramfs.cpio
TARGETS += $(APPS_OWN) $(APPS_INITRD)

$(APPS_RUN)/bin/%: apps/%.c
	@mkdir -p $(@D)
	$(RV_CC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $(REPRO_CFLAGS) -static -pthread -o $@ $<

# base initramfs + the guest plan as /plan + /opt/apps/bin (the same programs
# the host gets for native runs)
# gen_init_cpio stamps a file with its own mtime (-t is for directories and
# nodes only), and the guest's timing depends on the archive's bytes: the
# files are staged with mtime 0, as scripts/host-run does, so a checkout or
# build at another time gives the same archive and the same run.
$(APPS_INITRD): apps/guest-plan.sh apps/workloads.sh $(APPS_OWN) $(B)/initramfs/base.cpio $(APPS_DEB)
	@mkdir -p $(@D)
	rm -rf $@.stage && mkdir $@.stage
	{ echo "file /plan $(TOP)/apps/guest-plan.sh 0755 0 0"; \
	  echo "dir /opt/apps 0755 0 0"; echo "dir /opt/apps/bin 0755 0 0"; \
	  echo "file /opt/apps/bin/workloads.sh $(TOP)/apps/workloads.sh 0644 0 0"; \
	  for f in $(APPS_OWN) $(APPS_DEB); do \
		echo "file /opt/apps/bin/$$(basename $$f) $$f 0755 0 0"; done; } | \
	while read -r kind dst src rest; do \
		if [ "$$kind" = file ]; then \
			cp "$$src" "$@.stage/$${dst##*/}" && touch -d @0 "$@.stage/$${dst##*/}" || exit 1; \
			src=$@.stage/$${dst##*/}; \
		fi; \
		echo "$$kind $$dst $$src $$rest"; \
	done >$@.list
	cp $(B)/initramfs/base.cpio $@.tmp
	$(B)/linux/gen_init_cpio -t 0 $@.list >>$@.tmp
	mv $@.tmp $@
	rm -rf $@.list $@.stage

.PHONY: apps-programs bench-apps
apps-programs: $(APPS_OWN) $(APPS_INITRD)

bench-apps: all
	@scripts/bench/apps
