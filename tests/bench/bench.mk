# `make bench`: startup against bubblewrap and firejail, the seccomp filter's cost and the terminal
# relay's (see tests/bench/run.sh), and overlays (tests/bench/overlay.sh). Prints tables; never fails
# on a timing.
BENCH_DIR := $(BUILD)/bench
BENCH_WARN := -std=gnu17 -O2 -Wall -Wextra -Werror -Wshadow -D_GNU_SOURCE

# Runs inside the sandbox, so static: it must not depend on what the view contains.
$(BENCH_DIR)/benchrun: tests/bench/benchrun.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_WARN) -static -o $@ $<

# sbx's objects linked against the shared libseccomp, so that the shim below can stand in for its
# seccomp_load (build/sbx carries libseccomp statically).
$(BENCH_DIR)/sbx-shared: $(OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

# Preloaded into sbx-shared to swap the filter layout (or skip the filter) and nothing else.
$(BENCH_DIR)/filter_shim.so: tests/bench/filter_shim.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_WARN) -fPIC -shared -o $@ $< $(shell pkg-config --cflags --libs libseccomp 2>/dev/null || echo -lseccomp) -ldl

# Runs on the host: times a command on a pty (terminal throughput and echo latency).
$(BENCH_DIR)/ptyrun: tests/bench/ptyrun.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_WARN) -o $@ $< -lutil

bench: $(BUILD)/sbx $(BENCH_DIR)/sbx-shared $(BENCH_DIR)/benchrun $(BENCH_DIR)/filter_shim.so \
	$(BENCH_DIR)/ptyrun $(BENCH_DIR)/firstmap
	@SBX=$(abspath $(BUILD)/sbx) BENCH_BIN=$(abspath $(BENCH_DIR)) bash tests/bench/run.sh
	@SBX=$(abspath $(BUILD)/sbx) BENCH_BIN=$(abspath $(BENCH_DIR)) bash tests/bench/first_window.sh
	@SBX=$(abspath $(BUILD)/sbx) bash tests/bench/overlay.sh

# Time to the first window of xterm, mousepad and firefox-esr: bare, sbx, firejail (also part of `make bench`).
$(BENCH_DIR)/firstmap: tests/bench/firstmap.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_WARN) -o $@ $< -lxcb

bench-gui: $(BUILD)/sbx $(BENCH_DIR)/firstmap $(BENCH_DIR)/benchrun
	@SBX=$(abspath $(BUILD)/sbx) BENCH_BIN=$(abspath $(BENCH_DIR)) bash tests/bench/first_window.sh

# Overlays: start-up, tar -c through an overlay vs a bind, commit vs cp -a (also part of `make bench`).
bench-overlay: $(BUILD)/sbx
	@SBX=$(abspath $(BUILD)/sbx) bash tests/bench/overlay.sh

.PHONY: bench-gui bench-overlay
