# BPF programs (bpf/*.bpf.c) -> CO-RE objects -> libbpf skeletons in $(BUILD)/bpf/*.skel.h.
# Included from the top-level Makefile after ALL_CFLAGS and BUILD are set.
#
# The programs take the kernel's types from vmlinux.h. It is committed, per architecture, as
# bpf/vmlinux/ARCH/vmlinux.h (bpf/vmlinux/README.md says from which kernel), so the build does not
# depend on the kernel of the machine that builds: CO-RE relocates the programs to the running
# kernel at load. `make vmlinux-h VMLINUX_SRC=...` regenerates it. An architecture without a
# committed header takes its types from this machine's kernel (VMLINUX_BTF).
BPF_CLANG ?= clang
BPF_STRIP ?= llvm-strip
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(patsubst ppc64le,powerpc,$(shell uname -m))))

BPF_SRCS := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.skel.h)

ALL_CFLAGS += -I$(BUILD)/bpf

VMLINUX_H := $(or $(wildcard bpf/vmlinux/$(BPF_ARCH)/vmlinux.h),$(BUILD)/bpf/vmlinux/vmlinux.h)

$(BUILD)/bpf/vmlinux/vmlinux.h:
	@test -r $(VMLINUX_BTF) || { echo "bpf.mk: no bpf/vmlinux/$(BPF_ARCH)/vmlinux.h, and $(VMLINUX_BTF) is missing: the kernel needs CONFIG_DEBUG_INFO_BTF (or set VMLINUX_BTF=)" >&2; exit 1; }
	BPFTOOL=$(BPFTOOL) sh bpf/gen-vmlinux-h.sh $(VMLINUX_BTF) $@

# Each program depends on what it includes (-MMD: $(BUILD)/bpf/NAME.bpf.d). -g makes the BTF that
# libbpf and the skeleton need; the DWARF beside it (~700 KiB for a program that includes
# vmlinux.h's types) is stripped, since the skeleton embeds the whole object in sbx.
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) bpf/bpf.mk
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -O2 -g -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
		-I$(dir $(VMLINUX_H)) -Ibpf -MMD -MP -c $< -o $@
	$(BPF_STRIP) -g $@
-include $(BPF_OBJS:.o=.d)
# Kept, so that a rebuild knows which program changed.
.SECONDARY: $(BPF_OBJS)

# Skeleton struct names are sbx_<file>, e.g. struct sbx_net for bpf/net.bpf.c.
$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name sbx_$(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# The skeletons exist before the first compile (order only: which object includes which skeleton
# is in its dependency file, build/obj/NAME.d).
$(OBJS): | $(BPF_SKELS)

# Regenerates the committed header from a kernel's BTF: a BTF file, an ELF vmlinux or a kernel
# image, e.g. VMLINUX_SRC=/boot/vmlinuz-6.1.0-57-amd64 (see bpf/vmlinux/README.md).
VMLINUX_SRC ?= $(VMLINUX_BTF)
.PHONY: bpf vmlinux-h
vmlinux-h:
	BPFTOOL=$(BPFTOOL) sh bpf/gen-vmlinux-h.sh $(VMLINUX_SRC) bpf/vmlinux/$(BPF_ARCH)/vmlinux.h

bpf: $(BPF_SKELS)
