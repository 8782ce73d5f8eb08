# sbx — setuid-free per-application sandbox launcher.
#   make            build build/sbx
#   make deps       install the Debian build/test dependencies (as root), or print the apt-get line
#   make check      unit + integration + escape tests (SANITIZE=1 for ASan/UBSan)
#   make bench      startup and filter benchmarks against bubblewrap and firejail
#   make bench-gui  time to the first window of xterm, mousepad, firefox-esr: bare, sbx, firejail (also in make bench)
#   make install    PREFIX=/usr/local DESTDIR=  (never sets a setuid or setgid bit)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
PKGS := libseccomp libcap libbpf libapparmor xcb xau
BUILD := build

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -Wvla
HARDEN := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection -fPIE
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu17 $(WARN) $(HARDEN) $(CFLAGS) -D_GNU_SOURCE \
	-DSBX_VERSION='"$(VERSION)"' -DSBX_DATADIR='"$(DATADIR)"' -DSBX_SYSCONFDIR='"$(SYSCONFDIR)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS_ALL := -pie -Wl,-z,relro,-z,now -Wl,--as-needed -Wl,-O1 $(LDFLAGS)
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -lbpf -lapparmor -lxcb -lXau)
# build/sbx carries the helper libraries (libseccomp, libcap, libbpf with libelf and zlib,
# libapparmor, libxcb with libXau and libXdmcp) statically; glibc stays shared. Loading and relocating six shared objects at every
# start is about a tenth of sbx's startup (make bench). Packagers who want the shared libraries
# (security updates without a rebuild) build with STATIC_LIBS=0.
STATIC_LIBS ?= 1
ifeq ($(STATIC_LIBS),1)
SBX_LIBS := -Wl,-Bstatic $(shell pkg-config --static --libs $(PKGS) 2>/dev/null || echo -lseccomp -lcap -lbpf -lelf -lz -lapparmor -lxcb -lXdmcp -lXau) -Wl,-Bdynamic
else
SBX_LIBS := $(LIBS)
endif

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ALL_CFLAGS := $(filter-out -D_FORTIFY_SOURCE=3,$(ALL_CFLAGS))
LDFLAGS_ALL += -fsanitize=address,undefined
endif

SRCS := $(sort $(wildcard launcher/*.c))
LIB_SRCS := $(filter-out launcher/main.c,$(SRCS))
OBJS := $(SRCS:launcher/%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(LIB_SRCS:launcher/%.c=$(BUILD)/obj/%.o)

.PHONY: all demo deps check check-unit check-integration bench install install-completions uninstall clean lint fuzz check-vm

all: $(BUILD)/sbx

# Rebuild everything when the flags change (e.g. between a plain and a SANITIZE=1 build).
$(BUILD)/flags: FORCE
	@mkdir -p $(BUILD)/obj
	@echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) $(SBX_LIBS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) $(SBX_LIBS)' > $@
FORCE:

# Each object depends on the headers and BPF skeletons it includes, as the compiler lists them in
# build/obj/NAME.d (-MMD; -MP keeps a removed header from breaking the build), and on the flags.
$(BUILD)/obj/%.o: launcher/%.c $(BUILD)/flags
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
-include $(OBJS:.o=.d)

# Layer 1 of the seccomp filter compiled at build time for the keys most runs have
# (launcher/seccomp_precompiled.h): the generator links the launcher's objects and the same static
# libseccomp as build/sbx and writes build/gen/seccomp_table.c. Only with the static libseccomp,
# where the table and the compiler it stands for are the same code in one binary: with
# STATIC_LIBS=0 an update of the shared libseccomp must reach layer 1, so sbx compiles it at each
# start, as it does for any key the table lacks. SECCOMP_PRECOMPILE=0 also leaves it out (a cross
# build, which cannot run the generator).
SECCOMP_PRECOMPILE ?= $(STATIC_LIBS)
SECCOMP_TABLE_OBJ := $(if $(filter 1,$(SECCOMP_PRECOMPILE)),$(BUILD)/obj/seccomp_table.o)

$(BUILD)/seccomp-precompile: launcher/gen/seccomp_precompile.c $(BUILD)/libsbx.a
	$(CC) $(ALL_CFLAGS) -iquote launcher $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libsbx.a $(SBX_LIBS)

$(BUILD)/gen/seccomp_table.c: $(BUILD)/seccomp-precompile
	@mkdir -p $(dir $@)
	ASAN_OPTIONS=detect_leaks=0 $< >$@.new && mv $@.new $@

$(BUILD)/obj/seccomp_table.o: $(BUILD)/gen/seccomp_table.c $(BUILD)/flags
	$(CC) $(ALL_CFLAGS) -iquote launcher -c -o $@ $<

$(BUILD)/sbx: $(OBJS) $(SECCOMP_TABLE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS_ALL) -o $@ $^ $(SBX_LIBS)

$(BUILD)/libsbx.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

deps:
	@sh tests/lib/deps.sh

# Builds sbx and shows what a command sees inside it, as an unprivileged user.
demo: deps
	@$(MAKE) --no-print-directory $(BUILD)/sbx
	@sh tests/lib/demo.sh $(BUILD)/sbx

include bpf/bpf.mk
include tests/tests.mk
include tests/escape/escape.mk
-include tests/vm/vm.mk
-include tests/bench/bench.mk
-include fuzz/fuzz.mk

install: $(BUILD)/sbx install-completions
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/sbx/profiles $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(BUILD)/sbx $(DESTDIR)$(BINDIR)/sbx
	for f in profiles/*; do [ -f "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/sbx/profiles/; done; true
	# Installed in place (no DESTDIR): the names index of the profiles, as the Debian package's
	# trigger writes it, so that a lookup reads one file instead of every profile.
	[ -n "$(DESTDIR)" ] || $(BINDIR)/sbx profile index $(DATADIR)/sbx/profiles >/dev/null
	for f in man/*.1; do [ -f "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man1/; done; true
	for f in man/*.5; do [ -f "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(MANDIR)/man5/; done; true
	# Lets sbx (and nothing else) create user namespaces where AppArmor restricts them, naming the
	# installed binary's path. Its abi/4.0 and userns rule need AppArmor 4: Debian 12's parser (3.0)
	# refuses the file, and apparmor.service loads all of /etc/apparmor.d, so it goes where
	# apparmor-profiles-extra keeps profiles that are not loaded by default (README: Troubleshooting).
	install -d $(DESTDIR)$(DATADIR)/apparmor/extra-profiles
	sed 's#/usr{,/local}/bin/sbx#$(BINDIR)/sbx#' profiles/apparmor/sbx >$(DESTDIR)$(DATADIR)/apparmor/extra-profiles/sbx
	chmod 0644 $(DESTDIR)$(DATADIR)/apparmor/extra-profiles/sbx

# Shell completions (launcher/completions/): they read sbx --help at completion time.
install-completions:
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0644 launcher/completions/sbx.bash $(DESTDIR)$(BASHCOMPDIR)/sbx
	sed 's#@BASH_COMPLETION@#$(BASHCOMPDIR)/sbx#' launcher/completions/sbx.zsh >$(DESTDIR)$(ZSHCOMPDIR)/_sbx
	chmod 0644 $(DESTDIR)$(ZSHCOMPDIR)/_sbx
	install -m 0644 launcher/completions/sbx.fish $(DESTDIR)$(FISHCOMPDIR)/sbx.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sbx $(DESTDIR)$(DATADIR)/apparmor/extra-profiles/sbx
	rm -f $(DESTDIR)$(BASHCOMPDIR)/sbx $(DESTDIR)$(ZSHCOMPDIR)/_sbx $(DESTDIR)$(FISHCOMPDIR)/sbx.fish
	rm -rf $(DESTDIR)$(DATADIR)/sbx

# Static analysis; any finding fails. clang-tidy runs once per file (make -j runs them in
# parallel): given several files, clang-tidy 14 carries analyzer state from one translation unit
# into the next and then reports every va_list after va_start as uninitialized. Findings inside the
# generated BPF skeletons (bpftool's code, not ours to change) are left out by --header-filter, not by
# including them as system headers: the analyzer takes a system header's function that it does not
# inline (past its call depth of 5) for one that cannot free, and reports a leak in the skeleton's
# open error path that is not there. The insecureAPI
# check asks for the C11 Annex K functions (memcpy_s ...), which glibc does not provide. clang 14's
# analyzer does not see __attribute__((cleanup)): give a _cleanup_free_ variable its memory from the
# x* helpers of util.c (xstrndup ...), not from strndup or calloc, or it reports a leak. Our own
# headers are checked too; the padding check is off: struct policy exists once per run, and its
# fields stay grouped by meaning rather than by size.
LINT_CFLAGS = $(filter-out -fstack-clash-protection,$(ALL_CFLAGS)) -iquote launcher
TIDY_CHECKS := -clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-optin.performance.Padding
LINT_TIDY := $(SRCS:launcher/%.c=lint-tidy/%) lint-tidy/gen/seccomp_precompile
.PHONY: lint-cppcheck $(LINT_TIDY)

lint: $(LINT_TIDY) lint-cppcheck

$(LINT_TIDY): lint-tidy/%: launcher/%.c $(BPF_SKELS)
	@echo "clang-tidy $<"
	@clang-tidy --quiet --warnings-as-errors='*' --checks='$(TIDY_CHECKS)' --header-filter='launcher/' \
		$< -- $(LINT_CFLAGS)

lint-cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--suppress=missingIncludeSystem --inline-suppr -D_GNU_SOURCE launcher/

clean:
	rm -rf $(BUILD)

# Debian package (debian/): `make deb` builds $(DEB_DIR)/sbx_VERSION_ARCH.deb from a copy of this
# tree (installing the Build-Depends of debian/control first when run as root), then runs lintian,
# which must report no error (debian/lintian-warnings lists the warnings and why they stay).
# `make check-deb` also installs, upgrades and purges it on this machine (tests/package/).
DEB_DIR ?= $(BUILD)/deb
.PHONY: deb check-deb
deb:
	@dpkg-checkbuilddeps debian/control 2>/dev/null || { [ "$$(id -u)" -eq 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq --no-install-recommends ./ >/dev/null; } || \
		{ echo "make deb: missing build dependencies; as root: apt-get build-dep ./" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	tar --exclude=./$(BUILD) --exclude=./.git -cf - . | tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc -j2 >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	rm -rf $(DEB_DIR)/src
	lintian --fail-on error --suppress-tags-from-file debian/lintian-warnings $(DEB_DIR)/*.changes
	@ls $(DEB_DIR)/*.deb

check-deb: deb
	@SBX_DEB_DIR=$(abspath $(DEB_DIR)) bats --tap tests/package/package.bats

# issue 14: import every firejail profile Debian ships (firejail-profiles) and print the counts.
.PHONY: import-report
import-report: $(BUILD)/sbx
	@$(BUILD)/sbx profile import-firejail --summary /etc/firejail/*.profile 2>&1 | grep '^summary:'; true
