# BPF programs (bpf/*.bpf.c) -> CO-RE objects -> libbpf skeletons in $(BUILD)/bpf/*.skel.h.
# Included from the top-level Makefile after ALL_CFLAGS and BUILD are set. vmlinux.h is generated
# from the build machine's kernel BTF; CO-RE relocates the programs to the running kernel at load.
BPF_CLANG ?= clang
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(patsubst ppc64le,powerpc,$(shell uname -m))))

BPF_SRCS := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.bpf.o)
BPF_SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(BUILD)/bpf/%.skel.h)

ALL_CFLAGS += -I$(BUILD)/bpf

$(BUILD)/bpf/vmlinux.h:
	@mkdir -p $(dir $@)
	@test -r $(VMLINUX_BTF) || { echo "bpf.mk: $(VMLINUX_BTF) missing: the kernel needs CONFIG_DEBUG_INFO_BTF (or set VMLINUX_BTF=)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/sbx_bpf.h $(BUILD)/bpf/vmlinux.h
	$(BPF_CLANG) -O2 -g -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror \
		-I$(BUILD)/bpf -Ibpf -c $< -o $@

# Skeleton struct names are sbx_<file>, e.g. struct sbx_net for bpf/net.bpf.c.
$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name sbx_$(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# Any module may include a skeleton (the loaders do); they are generated before the first compile.
$(OBJS): $(BPF_SKELS)

.PHONY: bpf
bpf: $(BPF_SKELS)
