# Shared fixture for tests/integration/*.bats and tests/escape/*.bats: `load ../lib/common`.
#
# Gives: $SBX, $HELPERS (static probes), $TEST_USER $TEST_UID $TEST_GID $TEST_HOME (an unprivileged
# user; when the suite runs as root it is created for the run and removed afterwards),
# $SBX_PROFILES_DIR, and the functions below. Under tests/run.sh the fixture is already set up
# (SBX_HARNESS=1); a bats file run alone (`bats tests/integration/core.bats` after `make`) sets it
# up once per bats run and a watcher tears it down when bats exits.
#
# sbx and the probes are run from a copy in a 0755 directory under /tmp, because the checkout may
# sit below a directory the test user cannot traverse (a CI clone under /root).

SBX_TEST_USER_NAME=${SBX_TEST_USER_NAME:-sbx-test}
# Who holds the shared test user, so concurrent runs do not delete it under each other.
_SBX_STATE_DIR=${SBX_TEST_STATE_DIR:-/run/sbx-test-harness}
_SBX_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

_sbx_is_root() { [ "$(id -u)" -eq 0 ]; }

# Registers HOLDER (a pid) as a user of the test user, creating the user if it does not exist.
# The "created" marker records that the harness made it, so the last holder removes it.
sbx_fixture_acquire() {
	local holder=$1
	_sbx_is_root || return 0
	mkdir -p "$_SBX_STATE_DIR/holders"
	(
		flock 9
		_sbx_prune_holders
		if ! id -u "$SBX_TEST_USER_NAME" >/dev/null 2>&1; then
			useradd --create-home --home-dir "/home/$SBX_TEST_USER_NAME" --user-group \
				--shell /bin/sh --comment "sbx test suite" "$SBX_TEST_USER_NAME" >&2 || exit 1
			touch "$_SBX_STATE_DIR/created"
		fi
		# The user must not read what belongs to root or to anyone else.
		chmod 0700 "/home/$SBX_TEST_USER_NAME"
		touch "$_SBX_STATE_DIR/holders/$holder"
	) 9>"$_SBX_STATE_DIR/lock"
}

# Drops HOLDER; the last holder removes the user (and its home) if the harness created it.
sbx_fixture_release() {
	local holder=$1
	_sbx_is_root || return 0
	[ -d "$_SBX_STATE_DIR" ] || return 0
	(
		flock 9
		rm -f "$_SBX_STATE_DIR/holders/$holder"
		_sbx_prune_holders
		if [ -z "$(ls -A "$_SBX_STATE_DIR/holders" 2>/dev/null)" ] && [ -e "$_SBX_STATE_DIR/created" ]; then
			# Processes a test leaked would keep userdel from working; they belong to the test user.
			local left
			left=$(pgrep -U "$SBX_TEST_USER_NAME") && kill -KILL $left 2>/dev/null
			userdel --remove "$SBX_TEST_USER_NAME" 2>/dev/null ||
				userdel --force --remove "$SBX_TEST_USER_NAME" 2>/dev/null
			rm -rf "/home/$SBX_TEST_USER_NAME"
			rm -f "$_SBX_STATE_DIR/created"
		fi
	) 9>"$_SBX_STATE_DIR/lock"
}

_sbx_prune_holders() {
	local f
	for f in "$_SBX_STATE_DIR"/holders/*; do
		[ -e "$f" ] || continue
		kill -0 "${f##*/}" 2>/dev/null || rm -f "$f"
	done
}

# Copies sbx, the probes and the profiles from BUILD into DIR (made 0755, readable by all).
sbx_fixture_copy() {
	local sbx=$1 build=$2 dir=$3
	chmod 0755 "$dir"
	cp "$sbx" "$dir/sbx"
	mkdir -p "$dir/helpers" "$dir/profiles"
	if [ -d "$build/helpers" ]; then
		cp -R "$build/helpers/." "$dir/helpers/"
	fi
	if [ -d "$_SBX_REPO/profiles" ]; then
		cp -R "$_SBX_REPO/profiles/." "$dir/profiles/"
	fi
	chmod -R a+rX,go-w "$dir"
}

# Prints the variables a test needs, as shell assignments, for DIR made by sbx_fixture_copy.
sbx_fixture_env() {
	local dir=$1 user
	if _sbx_is_root; then user=$SBX_TEST_USER_NAME; else user=$(id -un); fi
	printf 'export SBX=%q HELPERS=%q SBX_PROFILES_DIR=%q\n' "$dir/sbx" "$dir/helpers" "$dir/profiles"
	printf 'export TEST_USER=%q TEST_UID=%q TEST_GID=%q TEST_HOME=%q\n' "$user" \
		"$(id -u "$user")" "$(id -g "$user")" "$(getent passwd "$user" | cut -d: -f6)"
	printf 'export SBX_HARNESS=1 SBX_FIXTURE_DIR=%q\n' "$dir"
}

# Closes every descriptor above 2 in the current (sub)shell.
_sbx_close_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
	done
	return 0
}

# A bats file run on its own: set the fixture up once per bats run (state in BATS_RUN_TMPDIR) and
# leave a watcher that tears it down when the bats process (BATS_ROOT_PID) exits.
_sbx_standalone_init() {
	local envfile="$BATS_RUN_TMPDIR/sbx-fixture.env" dir
	if [ ! -s "$envfile" ]; then
		exec 8>"$BATS_RUN_TMPDIR/sbx-fixture.lock"
		flock 8
		if [ ! -s "$envfile" ]; then
			local sbx="${SBX:-$_SBX_REPO/build/sbx}" build="${BUILD:-$_SBX_REPO/build}"
			if [ ! -x "$sbx" ]; then
				echo "common.bash: $sbx is missing; run make first" >&2
				exec 8>&-
				return 1
			fi
			sbx_fixture_acquire "$BATS_ROOT_PID" || { exec 8>&-; return 1; }
			dir=$(mktemp -d /tmp/sbx-test.XXXXXX)
			sbx_fixture_copy "$sbx" "$build" "$dir"
			sbx_fixture_env "$dir" >"$envfile.new" && mv "$envfile.new" "$envfile"
			(
				# Hold none of bats' pipes, or bats would wait for this process forever.
				_sbx_close_fds
				trap '' HUP INT TERM
				while kill -0 "$BATS_ROOT_PID" 2>/dev/null; do sleep 0.5; done
				rm -rf "$dir"
				sbx_fixture_release "$BATS_ROOT_PID"
			) </dev/null >/dev/null 2>&1 &
			disown $! 2>/dev/null || true
		fi
		exec 8>&-
	fi
	# shellcheck disable=SC1090
	source "$envfile"
}

if [ -z "${SBX_HARNESS:-}" ] && [ -z "${SBX_COMMON_NO_INIT:-}" ]; then
	if [ -n "${BATS_RUN_TMPDIR:-}" ]; then
		_sbx_standalone_init || false
	fi
fi

# ---- running things ----

# as_user CMD...: runs CMD as $TEST_USER with a clean environment, cwd $AS_USER_CWD (default
# $TEST_HOME). The capability bounding set is left as a login would have it (full), so a test of
# CapBnd inside the sandbox measures what sbx did.
as_user() { (_as_user_exec "$@"); }

# as_root CMD...: CMD as root with a clean environment, cwd $AS_ROOT_CWD (default /).
as_root() { (_as_root_exec "$@"); }

# The bodies of as_user/as_root: they replace the current (sub)shell with CMD. Signal dispositions
# are reset to the defaults, as a login or a service manager would start it: bash starts
# background jobs with SIGINT and SIGQUIT ignored, which would hide how sbx handles them.
_as_user_exec() {
	# A clean environment, so results do not depend on the caller's.
	local env=(HOME="$TEST_HOME" USER="$TEST_USER" LOGNAME="$TEST_USER" PATH=/usr/bin:/bin
		LANG=C.UTF-8 SBX_PROFILES_DIR="$SBX_PROFILES_DIR")
	cd "${AS_USER_CWD:-$TEST_HOME}" || exit 125
	if _sbx_is_root; then
		exec setpriv --reuid="$TEST_UID" --regid="$TEST_GID" --init-groups -- \
			env --default-signal -i "${env[@]}" "$@"
	else
		exec env --default-signal -i "${env[@]}" "$@"
	fi
}

_as_root_exec() {
	if ! _sbx_is_root; then
		echo "as_root: the suite is not running as root" >&2
		exit 125
	fi
	cd "${AS_ROOT_CWD:-/}" || exit 125
	exec env --default-signal -i HOME=/root USER=root LOGNAME=root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 SBX_PROFILES_DIR="$SBX_PROFILES_DIR" "$@"
}

sbx_user() { as_user "$SBX" "$@"; }
sbx_root() { as_root "$SBX" "$@"; }

# For bats: `run_user ARGS...` is `run sbx_user ARGS...` (sets $status, $output, $lines).
run_user() { run sbx_user "$@"; }
run_root() { run sbx_root "$@"; }

# VM lane (tests/vm): modprobe that also finds the second kernel's modules (make check-vm-6.12),
# which are in its unpacked package under the build directory, not in the guest's /lib/modules
# (the host's).
modprobe_vm() {
	local kver d
	kver=$(uname -r)
	if [ ! -d "/lib/modules/$kver" ]; then
		for d in "$BUILD"/vm-*/root; do
			[ -e "$d/lib/modules/$kver/modules.dep" ] && { modprobe -d "$d" "$@"; return; }
		done
	fi
	modprobe "$@"
}

# sbx_as root|user ARGS...: either of the two.
# The home and the command's uid of a run as WHO (user or root; root's command runs as nobody).
home_of() { if [ "$1" = root ]; then echo /root; else echo "$TEST_HOME"; fi; }
uid_in() { if [ "$1" = root ]; then echo 65534; else echo "$TEST_UID"; fi; }

# kernel_at_least MAJOR MINOR: the running kernel is that version or later.
kernel_at_least() {
	local v major minor
	v=$(uname -r)
	major=${v%%.*}
	minor=${v#*.}
	minor=${minor%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

# An app's state directory (appstate.h) for WHO, and the name an overlaid PATH gets in it.
state_of() { echo "$(home_of "$1")/.local/share/sbx/apps/$2"; }
escaped() { local p=${1#/}; p=${p//-/%2D}; echo "${p//\//-}"; }

# For a test file's setup and teardown: a fresh app name PREFIX-N-PID in APP, whose state (the
# user's, and root's) is removed at teardown with the directories above it when left empty.
app_state_setup() {
	unset AS_USER_CWD AS_ROOT_CWD
	APP=$1-$BATS_TEST_NUMBER-$$
	cleanup_path "$(state_of user "$APP")"
	if _sbx_is_root; then cleanup_path "$(state_of root "$APP")"; fi
}
app_state_teardown() {
	sbx_cleanup
	rmdir /root/.local/share/sbx/apps /root/.local/share/sbx 2>/dev/null || true
}

# state_tree WHO PREFIX: a directory tree of WHO's (the command's uid for root) under /var/tmp, in
# MADE_TREE, for overlay tests: a, sub/b, gone/c, ren, mode, redo/old.
state_tree() {
	local who=$1 d
	user_tmpdir d "$2" || return 1
	mkdir -p "$d/sub" "$d/gone" "$d/redo"
	echo alpha >"$d/a"
	echo beta >"$d/sub/b"
	echo gamma >"$d/gone/c"
	echo renamed-content >"$d/ren"
	echo mode >"$d/mode"
	echo old >"$d/redo/old"
	chown -R "$(uid_in "$who"):$(uid_in "$who")" "$d"
	MADE_TREE=$d
}

sbx_as() {
	local who=$1
	shift
	case $who in
	root) sbx_root "$@" ;;
	user) sbx_user "$@" ;;
	*) echo "sbx_as: root or user, not '$who'" >&2; return 125 ;;
	esac
}

# sbx_probe root|user ARGS...: sbx with the static probes (tests/helpers) read-only at /helpers.
# --quiet: the probes have no profile, and sbx's note saying so would mix into what is compared.
sbx_probe() {
	local who=$1
	shift
	sbx_as "$who" --quiet --ro-bind "$HELPERS:/helpers" "$@"
}

# The cgroup below the cgroup2 mount ROOT that has a BPF program attached whose line in
# `bpftool cgroup tree` matches the awk regex PROG; waits up to 10 s for a sandbox to start.
cgroup_with_bpf_prog() {
	local root=$1 prog=$2 cg
	command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
	for _ in $(seq 100); do
		cg=$(bpftool cgroup tree "$root" | awk -v re="$prog" '/^\// { path = $1 } $0 ~ re { print path }' | head -1)
		[ -n "$cg" ] && { echo "$cg"; return 0; }
		sleep 0.1
	done
	return 1
}

# Fails unless every BPF program id given is gone (bpftool no longer finds it).
bpf_progs_gone() {
	local id
	command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
	for id in "$@"; do
		if bpftool prog show id "$id" >/dev/null 2>&1; then
			echo "BPF program $id is still loaded" >&2
			return 1
		fi
	done
}

# Skips the test when the suite does not run as root (a plain user cannot test root behaviour).
needs_root() {
	_sbx_is_root || skip "needs root (the suite runs as $(id -un))"
}

# spawn_sbx VAR OUTFILE root|user ARGS...: starts sbx ARGS in the background as root or as the test
# user (stdin /dev/null, stdout and stderr to OUTFILE), sets VAR to the pid of sbx itself and
# registers it for sbx_cleanup.
spawn_sbx() {
	local _var=$1 _out=$2 _who=$3
	shift 3
	case $_who in
	root) _as_root_exec "$SBX" "$@" </dev/null >"$_out" 2>&1 3>&- & ;;
	user) _as_user_exec "$SBX" "$@" </dev/null >"$_out" 2>&1 3>&- & ;;
	*) echo "spawn_sbx: root or user, not '$_who'" >&2; return 125 ;;
	esac
	cleanup_pid $!
	printf -v "$_var" '%s' $!
}

# spawn_bg VAR OUTFILE CMD...: the same for any command (VAR is CMD's pid when CMD is a program).
spawn_bg() {
	local _var=$1 _out=$2
	shift 2
	"$@" </dev/null >"$_out" 2>&1 3>&- &
	cleanup_pid $!
	printf -v "$_var" '%s' $!
}

# ---- things tests create, and cleaning them up ----

_SBX_CLEANUP_PATHS=()
_SBX_CLEANUP_PIDS=()

# cleanup_path PATH...: removed by sbx_cleanup.
cleanup_path() { _SBX_CLEANUP_PATHS+=("$@"); }
# cleanup_pid PID...: killed (SIGKILL) by sbx_cleanup.
cleanup_pid() { _SBX_CLEANUP_PIDS+=("$@"); }

# user_tmpdir VAR [PREFIX]: sets VAR to a new directory under /var/tmp owned by the test user
# (0755), removed by sbx_cleanup. Use it as a bind source the user may write.
user_tmpdir() {
	local _d
	_d=$(mktemp -d "/var/tmp/${2:-sbx-t}.XXXXXX") || return 1
	chmod 0755 "$_d"
	if _sbx_is_root; then chown "$TEST_UID:$TEST_GID" "$_d"; fi
	cleanup_path "$_d"
	printf -v "$1" '%s' "$_d"
}

# user_profile NAME TEXT: writes the test user's own ~/.config/sbx/profiles/NAME.
user_profile() {
	local dir=$TEST_HOME/.config/sbx/profiles
	[ -d "$TEST_HOME/.config" ] || cleanup_path "$TEST_HOME/.config"
	[ -d "$TEST_HOME/.config/sbx" ] || cleanup_path "$TEST_HOME/.config/sbx"
	as_user mkdir -p "$dir"
	printf '%s\n' "$2" >"$dir/$1"
	chown "$TEST_UID:$TEST_GID" "$dir/$1"
	# Also when ~/.config/sbx was already there: a profile left behind changes later tests' lookup.
	cleanup_path "$dir/$1"
}

# make_user_file PATH CONTENT: writes CONTENT (and a newline) to PATH, owned by the test user,
# mode 0644; removed by sbx_cleanup.
make_user_file() {
	local path=$1 content=$2
	printf '%s\n' "$content" >"$path" || return 1
	if _sbx_is_root; then chown "$TEST_UID:$TEST_GID" "$path"; fi
	chmod 0644 "$path"
	cleanup_path "$path"
}

# sbx_cleanup: undo what the helpers above made. Runs as the default teardown; a file that
# defines its own teardown should call it.
sbx_cleanup() {
	local pid path
	for pid in "${_SBX_CLEANUP_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for path in "${_SBX_CLEANUP_PATHS[@]}"; do
		rm -rf -- "$path"
	done
	_SBX_CLEANUP_PIDS=()
	_SBX_CLEANUP_PATHS=()
}

teardown() { sbx_cleanup; }

# ---- small utilities ----

# wait_until SECONDS CMD...: polls CMD every 0.05 s until it succeeds; fails after SECONDS.
wait_until() {
	local limit=$1 i=0
	shift
	local n=$((limit * 20))
	until "$@"; do
		i=$((i + 1))
		[ "$i" -ge "$n" ] && return 1
		sleep 0.05
	done
}

# The pid of the newest process whose command line contains MARKER (pgrep -f), or nothing.
pid_of_marker() { pgrep -n -f -- "$1"; }

# Fails with a message showing both when $1 != $2.
assert_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %q\n     got: %q\n' "$2" "$1" >&2
		return 1
	fi
}

# ---- loopback servers and the test user's secret, for tests that run real programs ----

# A free loopback port nothing listens on (bound and released on the host).
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port_in LO HI: a TCP port in LO-HI that nothing listens on.
free_port_in() {
	local p
	for _ in $(seq 200); do
		p=$(($1 + RANDOM % ($2 - $1 + 1)))
		port_open "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# dns_query PORT NAME: the A record dnsmasq on 127.0.0.1:PORT answers for NAME, as a.b.c.d.
dns_query() {
	/usr/bin/python3 - "$@" <<-'PY'
		import socket, struct, sys
		port, name = int(sys.argv[1]), sys.argv[2]
		q = struct.pack(">HHHHHH", 0x5b5b, 0x0100, 1, 0, 0, 0)
		q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		s.settimeout(5)
		s.sendto(q, ("127.0.0.1", port))
		d = s.recv(512)
		print(".".join(str(b) for b in d[-4:]) if struct.unpack(">H", d[6:8])[0] else "no answer")
	PY
}

# start_http DIR: serves DIR on a loopback port (outside any sandbox) and sets $port and $http_pid.
start_http() {
	port=$(free_port)
	spawn_bg http_pid "$BATS_TEST_TMPDIR/http.log" /usr/bin/python3 -m http.server --bind 127.0.0.1 \
		--directory "$1" "$port"
	wait_until 10 port_open "$port"
}

# as_user_in DIR COMMAND...: as_user with DIR as the working directory.
as_user_in() {
	local dir=$1
	shift
	(AS_USER_CWD=$dir as_user "$@")
}

# After `run sbx ... CMD`: sbx found a profile for CMD (printed no "no profile for" note).
has_profile() { [[ $output != *"no profile for"* ]]; }

# plant_secret NAME: a key the sandboxed programs must not read, $TEST_HOME/.ssh/NAME, in $secret;
# the control (the user can read it outside the sandbox) is checked here.
plant_secret() {
	secret_dir=$TEST_HOME/.ssh
	if [ ! -e "$secret_dir" ]; then
		mkdir -m 0700 "$secret_dir"
		chown "$TEST_UID:$TEST_GID" "$secret_dir"
		cleanup_path "$secret_dir"
	fi
	secret=$secret_dir/$1
	make_user_file "$secret" "SECRET-KEY-MATERIAL"
	as_user grep -q SECRET "$secret"
}
