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
