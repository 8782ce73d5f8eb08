# libFuzzer targets for the parsers (fuzz/fuzz_*.c), built with clang against the launcher sources
# (everything in launcher/ but main.c) under ASan and UBSan. Included by the top Makefile.
#   make fuzz                run each target for FUZZ_SECONDS (default 60)
#   make fuzz-smoke          run each target briefly (FUZZ_SMOKE_SECONDS, default 10), for CI
#   make fuzz-build          only build them
# Seeds live in fuzz/corpus/TARGET/ (fuzz/corpus/fuzz_profile is made from profiles/); new inputs go
# to $(BUILD)/fuzz/corpus/TARGET, crashes to $(BUILD)/fuzz/artifacts/, never into the source tree.

FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu17 -g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-D_GNU_SOURCE -DSBX_VERSION='"$(VERSION)"' -DSBX_DATADIR='"$(DATADIR)"' \
	-DSBX_SYSCONFDIR='"$(SYSCONFDIR)"' -DFUZZ_PROFILES_DIR='"$(abspath profiles)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJS := $(LIB_SRCS:launcher/%.c=$(FUZZ_DIR)/obj/%.o)

.PHONY: fuzz fuzz-smoke fuzz-build

$(FUZZ_DIR)/obj/%.o: launcher/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
-include $(FUZZ_OBJS:.o=.d)

$(FUZZ_DIR)/%: fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -iquote launcher -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LIBS)

fuzz-build: $(FUZZ_BINS)

# Runs every target for $(1) seconds from its seeds; stops at the first crash, leak or timeout.
define fuzz_run
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(1) s"; \
		dict=; [ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
		$(FUZZ_DIR)/$$t $$dict -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
			$(FUZZ_DIR)/corpus/$$t fuzz/corpus/$$t 2>$(FUZZ_DIR)/$$t.log \
			|| { tail -n 60 $(FUZZ_DIR)/$$t.log; echo "fuzz: $$t failed; see $(FUZZ_DIR)/$$t.log"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $(FUZZ_DIR)/$$t.log | tail -n 2 | sed "s/^/fuzz: $$t: /"; \
	done
endef

fuzz: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-smoke: $(FUZZ_BINS)
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))
