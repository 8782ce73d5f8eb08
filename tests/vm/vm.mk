# The VM lane: `make check-vm` boots Debian's stock kernel under QEMU (TCG; KVM when a probe boot
# works) with the host root shared read-only, and runs every tests/vm/*.bats inside as root, with
# the same harness (tests/lib/common.bash) as the host suites. It tests what this host kernel
# lacks: cgroup v2 memory/pids/cpu controllers, AppArmor, BPF-LSM. See tests/vm/README.md.
VM_DIR := $(BUILD)/vm
VM_HELPER_SRCS := $(wildcard tests/vm/helpers/*.c)
VM_HELPER_BINS := $(VM_HELPER_SRCS:tests/vm/helpers/%.c=$(VM_DIR)/helpers/%)

# Static, like tests/helpers: they must not depend on what the sandbox's view contains.
$(VM_DIR)/helpers/%: tests/vm/helpers/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $<

# After deps (order-only): on a fresh machine the kernel and busybox-static come from it, also
# under make -j.
$(VM_DIR)/initrd.gz: tests/vm/mkinitrd.sh tests/vm/init $(wildcard /boot/vmlinuz-*) | deps
	@sh tests/vm/mkinitrd.sh $(VM_DIR)

vm-guest: $(VM_DIR)/initrd.gz

check-vm: deps $(BUILD)/sbx $(HELPER_BINS) $(VM_HELPER_BINS) $(VM_DIR)/initrd.gz
	@BUILD=$(abspath $(BUILD)) sh tests/vm/run.sh

.PHONY: check-vm vm-guest

# make check-vm-6.12: the guest boots Debian 12's linux-image-6.12 (from
# bookworm-security, the kernel that mediates AppArmor's userns rule) instead of the 6.1 one. It is
# fetched with apt-get download and unpacked into $(BUILD)/vm-6.12/root, never installed on the
# host: an installed one would become the kernel every other run of the lane picks.
VM_K_DIR := $(BUILD)/vm-6.12
$(VM_K_DIR)/kver: | deps
	@rm -rf $(VM_K_DIR)/root $(VM_K_DIR)/debs && mkdir -p $(VM_K_DIR)/debs
	@pkg=$$(apt-cache depends linux-image-6.12-amd64 | sed -n 's/^ *Depends: \(linux-image-6\.12[^ ]*\)$$/\1/p' | head -n 1); \
	test -n "$$pkg" || { echo "vm: apt knows no linux-image-6.12-amd64 (apt-get update?)" >&2; exit 1; }; \
	cd $(VM_K_DIR)/debs && apt-get download -q "$$pkg" >/dev/null 2>&1 && \
	dpkg-deb -x $(abspath $(VM_K_DIR))/debs/*.deb $(abspath $(VM_K_DIR))/root && \
	kver=$$(ls $(abspath $(VM_K_DIR))/root/lib/modules) && \
	depmod -b $(abspath $(VM_K_DIR))/root "$$kver" && echo "$$kver" > $(abspath $(VM_K_DIR))/kver

# AppArmor 4's parser (Debian trixie's, unpacked, run through trixie's ld.so) for the userns tests
# and the lint of profiles/apparmor/sbx: bookworm's 3.0.8 refuses abi/4.0 and `userns,`. Fetched
# through a throwaway apt state (the host's /etc/apt is not touched), cached like the kernel.
$(VM_K_DIR)/apparmor4/apparmor_parser: tests/vm/fetch-apparmor4.sh | deps
	@sh tests/vm/fetch-apparmor4.sh $(VM_K_DIR)/apparmor4

check-vm-6.12: deps $(BUILD)/sbx $(HELPER_BINS) $(VM_HELPER_BINS) $(VM_K_DIR)/kver $(VM_K_DIR)/apparmor4/apparmor_parser
	@SBX_VM_KROOT=$(abspath $(VM_K_DIR))/root SBX_VM_KVER=$$(cat $(VM_K_DIR)/kver) sh tests/vm/mkinitrd.sh $(VM_K_DIR)
	@rm -rf $(VM_K_DIR)/install && $(MAKE) -s install DESTDIR=$(abspath $(VM_K_DIR))/install PREFIX=/usr/local >/dev/null
	@SBX_VM_LANE=6.12 SBX_VM_DIR=$(abspath $(VM_K_DIR)) BUILD=$(abspath $(BUILD)) sh tests/vm/run.sh
.PHONY: check-vm-6.12
