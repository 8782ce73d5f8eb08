# Escape suite extras; include from the Makefile with `-include tests/escape/escape.mk`.
# The escape tests themselves (tests/escape/*.bats) run in `make check` through tests/run.sh.
#   make compare-peers    run the escape probes against sbx, bubblewrap and firejail on this
#                         machine and regenerate docs/escape-comparison.md (run as root: it
#                         creates the unprivileged test user for the run)
#   make check-escape     only the escape suite (SBX_BATS_FILES narrows tests/run.sh)

ESCAPE_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/helpers/%,$(wildcard tests/helpers/escape-*.c))

.PHONY: compare-peers check-escape

compare-peers: $(BUILD)/sbx $(ESCAPE_HELPERS)
	@SBX=$(abspath $(BUILD)/sbx) BUILD=$(abspath $(BUILD)) bash tests/escape/compare-peers.sh

check-escape: $(BUILD)/sbx $(HELPER_BINS)
	@SBX=$(abspath $(BUILD)/sbx) BUILD=$(abspath $(BUILD)) \
		SBX_BATS_FILES="$(wildcard tests/escape/*.bats)" bash tests/run.sh
