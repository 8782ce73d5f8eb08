# Test targets. `make check` builds, runs the unit tests, then the integration and escape suites
# (as root and as an unprivileged user the harness creates), and ends with "N passed, N failed".
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(BUILD)/helpers/%)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsbx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -iquote launcher $(LDFLAGS_ALL) -o $@ $< $(TEST_OBJS) $(BUILD)/libsbx.a $(LIBS) -lcmocka

# The precompiled seccomp table's test links the table build/sbx carries.
$(BUILD)/tests/test_seccomp_precompiled: TEST_OBJS = $(BUILD)/obj/seccomp_table.o
$(BUILD)/tests/test_seccomp_precompiled: $(BUILD)/obj/seccomp_table.o

# Probe programs run inside the sandbox; static so they do not depend on what the view contains.
$(BUILD)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O2 -Wall -Wextra -D_GNU_SOURCE -static -o $@ $<

check: deps $(BUILD)/sbx $(UNIT_BINS) $(HELPER_BINS)
	@SBX=$(abspath $(BUILD)/sbx) BUILD=$(abspath $(BUILD)) bash tests/run.sh $(UNIT_BINS)

# The two halves alone; TESTS="tests/integration/core.bats ..." narrows the bats files.
check-unit: deps $(UNIT_BINS)
	@SBX=$(abspath $(BUILD)/sbx) BUILD=$(abspath $(BUILD)) SBX_SKIP_BATS=1 bash tests/run.sh $(UNIT_BINS)

check-integration: deps $(BUILD)/sbx $(HELPER_BINS)
	@SBX=$(abspath $(BUILD)/sbx) BUILD=$(abspath $(BUILD)) SBX_BATS_FILES="$(TESTS)" bash tests/run.sh
