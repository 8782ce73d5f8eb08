#!/usr/bin/env bats
# sbx learn: records a real program's syscalls, opened host paths and connections, as root (syscalls
# by the eBPF recorder, arguments by a seccomp notifier) and as an unprivileged user (the seccomp
# notifier for everything), and writes a profile fragment. The fragment is then used: the program
# runs under it, and a syscall it never made stays blocked.

load ../lib/common

setup() {
	dir=$(mktemp -d /var/tmp/sbx-learn.XXXXXX)
	chmod 755 "$dir"
	bg_pids=()
	cat >"$dir/server.py" <<'PY'
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"hello from the test\n")
    def log_message(self, *a): pass
s = socketserver.TCPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
	# The learned script: reads a file in $HOME (hidden by the base view), hashes, prints JSON.
	cat >"$dir/script.py" <<'PY'
import hashlib, json, os, sys
try:
    data = open(os.path.expanduser("~/learn-input.txt"), "rb").read()
except OSError:
    data = b"absent"
print(json.dumps({"sha": hashlib.sha256(data).hexdigest()[:12], "n": len(sys.argv)}))
PY
	# Never called by script.py: getpriority (and setpriority).
	cat >"$dir/other.py" <<'PY'
import errno, os
try:
    os.getpriority(os.PRIO_PROCESS, 0); print("getpriority allowed")
except OSError as e:
    print("getpriority", errno.errorcode[e.errno])
PY
	# A thread and a forked child each make a call the main process never makes (neither is in
	# the allowlist's always-allowed base, @sbx-launch).
	cat >"$dir/family.py" <<'PY'
import os, threading
t = threading.Thread(target=lambda: os.getpriority(os.PRIO_PROCESS, 0))
t.start(); t.join()
pid = os.fork()
if pid == 0:
    os.sched_getscheduler(0)
    os._exit(0)
os.waitpid(pid, 0)
print("family done")
PY
	chmod 644 "$dir"/*.py
	chmod 777 "$dir"
}

teardown() {
	for pid in "${bg_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -f "$TEST_HOME/learn-input.txt" "$TEST_HOME/odd name#1.txt" "$TEST_HOME/created"
	rm -rf "$dir"
	sbx_cleanup
}

start_server() {
	python3 "$dir/server.py" >"$dir/port" &
	bg_pids+=($!)
	for _ in $(seq 50); do
		[ -s "$dir/port" ] && break
		sleep 0.1
	done
	port=$(cat "$dir/port")
	[ -n "$port" ]
}

as() { if [ "$1" = root ]; then shift; as_root "$@"; else shift; as_user "$@"; fi; }

# Which recorder made the fragment $1 and the run whose output is $2 says so, in both places.
recorder_is() {
	local f=$1 out=$2 name=$3
	grep -q "^# [0-9]* calls recorded by the $name" "$f"
	[[ "$out" == *"recorded by the $name (COMMAND exited"* ]]
}

# The syscall names on the fragment's "syscalls allow" lines, one per line.
allowed() { sed -n 's/^syscalls allow //p' "$1" | tr ' ' '\n' | sed '/^$/d'; }

learn_curl() {
	local who=$1
	start_server
	run as "$who" "$SBX" learn -o "$dir/curl.$who.profile" --net host -- \
		curl -sS "http://127.0.0.1:$port/"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello from the test"* ]]  # the command's own output passes through
	f="$dir/curl.$who.profile"
	cat "$f"
	# As root the syscalls are recorded by eBPF; unprivileged by the notifier, without a note.
	if [ "$who" = root ]; then
		recorder_is "$f" "$output" "eBPF recorder"
		[[ "$output" != *"eBPF recorder is not used"* ]]
	else
		recorder_is "$f" "$output" "seccomp notifier"
		[[ "$output" != *"sbx learn: note"* ]]
	fi
	grep -qx "syscalls allowlist" "$f"
	grep -qx "net host" "$f"
	grep -qx "net-connect 127.0.0.1:$port" "$f"
	# The fragment is a profile as it stands, network address rule included.
	run sbx_as "$who" profile check "$f"
	echo "$output"
	[ "$status" -eq 0 ]
	# ... and it runs the program. As root eBPF enforces the address rule; unprivileged the rule
	# is refused unless network rules are optional, which widens it to its port (Landlock).
	local opt=()
	if [ "$who" = user ]; then
		run sbx_user --profile "$f" -- curl -sS "http://127.0.0.1:$port/"
		echo "$output"
		[ "$status" -eq 125 ]
		[[ "$output" == *"127.0.0.1:$port"*"names an address"* ]]
		opt=(--net-rules optional)
	fi
	run sbx_as "$who" --profile "$f" "${opt[@]}" -- curl -sS "http://127.0.0.1:$port/"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello from the test"* ]]
	allowed "$f" >"$dir/names"
	for s in socket connect execve; do
		grep -qx "$s" "$dir/names"
	done
	# sbx's own setup (mounts, namespaces, its filters) is not recorded, only the command's.
	for s in mount pivot_root unshare clone3 seccomp sethostname mount_setattr open_tree; do
		! grep -qx "$s" "$dir/names"
	done
}

@test "learn curl against a loopback server, as root" {
	needs_root
	learn_curl root
}

@test "learn curl against a loopback server, as a user" {
	learn_curl user
}

@test "learn python3 running a script: exit status, syscalls; the hidden home file it failed to read is only a comment" {
	echo "secret input" >"$TEST_HOME/learn-input.txt"
	chown "$TEST_UID:$TEST_GID" "$TEST_HOME/learn-input.txt"
	run as_user "$SBX" learn -o "$dir/py.profile" --ro-bind "$dir:/learn" -- \
		python3 -c 'import runpy, sys; runpy.run_path("/learn/script.py"); sys.exit(3)'
	echo "$output"
	[ "$status" -eq 3 ]  # COMMAND's status; the fragment is written anyway
	[[ "$output" == *'"sha": "'* ]]
	cat "$dir/py.profile"
	allowed "$dir/py.profile" >"$dir/names"
	grep -qx openat "$dir/names"
	grep -qx read "$dir/names"
	! grep -qx getpriority "$dir/names"
	# The base view hides $HOME: the open failed, so the file is named in a comment, not granted.
	! grep -q "bind.*learn-input.txt" "$dir/py.profile"
	grep -q "^#  $TEST_HOME/learn-input.txt (open: No such file or directory)" "$dir/py.profile"
	# No network was used.
	! grep -Eq '^(net host|net-connect|net-bind)' "$dir/py.profile"
}

@test "the learned profile runs the program; a syscall it never made stays blocked" {
	run as_user "$SBX" learn -o "$dir/py.profile" --ro-bind "$dir:/learn" -- python3 /learn/script.py
	[ "$status" -eq 0 ]
	printf 'ro-bind %s /learn\n' "$dir" >>"$dir/py.profile"
	run sbx_user profile check "$dir/py.profile"
	echo "$output"
	[ "$status" -eq 0 ]
	run sbx_user --profile "$dir/py.profile" -- python3 /learn/script.py
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"sha": "'* ]]
	run sbx_user --profile "$dir/py.profile" -- python3 /learn/other.py
	echo "$output"
	[[ "$output" == *"getpriority ENOSYS"* ]]
	# Control: without the learned allowlist, getpriority works in the sandbox.
	run sbx_user --ro-bind "$dir:/learn" -- python3 /learn/other.py
	[[ "$output" == *"getpriority allowed"* ]]
}

@test "the fragment is a valid profile whatever the command line and the path names" {
	echo "odd input" >"$TEST_HOME/odd name#1.txt"
	chown "$TEST_UID:$TEST_GID" "$TEST_HOME/odd name#1.txt"
	# A newline in an argument, a home file with a blank and a '#' in its name, and a file
	# created in the home itself (granted read-write by the base, so both calls succeed).
	run as_user "$SBX" learn -o "$dir/odd.profile" --bind "$TEST_HOME" -- python3 -c 'import os
try: open(os.path.expanduser("~/odd name#1.txt")).read()
except OSError: pass
open(os.path.expanduser("~/created"), "w").close()'
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$dir/odd.profile"
	run sbx_user profile check "$dir/odd.profile"
	echo "$output"
	[ "$status" -eq 0 ]
	# The newline stayed inside the comment.
	grep -q '^#.*\\ntry: open' "$dir/odd.profile"
	# The grant reads back as the path.
	run sbx_user profile show "$dir/odd.profile"
	echo "$output"
	[[ "$output" == *"ro-bind-try \"$TEST_HOME/odd name#1.txt\""* ]]
	# A file made in the home is not turned into a read-write grant of the whole home.
	! grep -q "^bind-try $TEST_HOME\$" "$dir/odd.profile"
	grep -q "^# it wrote in $TEST_HOME:" "$dir/odd.profile"
}

@test "as root the eBPF recorder records the program's calls, its threads' and children's, not sbx's setup" {
	needs_root
	run as_root "$SBX" learn -o "$dir/family.profile" --ro-bind "$dir:/learn" -- python3 /learn/family.py
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"family done"* ]]
	cat "$dir/family.profile"
	recorder_is "$dir/family.profile" "$output" "eBPF recorder"
	allowed "$dir/family.profile" >"$dir/names"
	grep -qx execve "$dir/names"              # COMMAND's execve counts, as with the notifier
	grep -qx getpriority "$dir/names"         # made by a thread only
	grep -qx sched_getscheduler "$dir/names"  # made by a forked child only
	for s in mount pivot_root unshare seccomp sethostname mount_setattr open_tree move_mount; do
		! grep -qx "$s" "$dir/names"
	done
	# The learned profile runs the program; a call it never made stays blocked.
	printf 'ro-bind %s /learn\n' "$dir" >>"$dir/family.profile"
	run sbx_root profile check "$dir/family.profile"
	echo "$output"
	[ "$status" -eq 0 ]
	run sbx_root --profile "$dir/family.profile" -- python3 /learn/family.py
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"family done"* ]]
	cat >"$dir/never.py" <<'PY'
import errno, os
try:
    os.sched_getparam(0); print("sched_getparam allowed")
except OSError as e:
    print("sched_getparam", errno.errorcode[e.errno])
PY
	chmod 644 "$dir/never.py"
	! grep -qx sched_getparam "$dir/names"
	run sbx_root --profile "$dir/family.profile" -- python3 /learn/never.py
	echo "$output"
	[[ "$output" == *"sched_getparam ENOSYS"* ]]
	# Control: without the learned allowlist, the call works in the sandbox.
	run sbx_root --ro-bind "$dir:/learn" -- python3 /learn/never.py
	echo "$output"
	[[ "$output" == *"sched_getparam allowed"* ]]
}

@test "learn refuses a command line without --" {
	run as_user "$SBX" learn curl
	[ "$status" -eq 125 ]
	[[ "$output" == *"usage: sbx learn"* ]]
}

@test "learn notes calls in a foreign ABI (i386 int 0x80) with either recorder; none without them" {
	needs_root
	local who i386=yes
	# Some hosts cannot run int 0x80 at all; tests/vm/foreign_abi.bats checks the note there.
	"$HELPERS/try-syscall" i386-getpid | grep -qx 'i386-getpid OK' || i386=no
	for who in root user; do
		# root: the eBPF recorder flags it (TS_COMPAT); user: the notifier sees the foreign arch.
		[ "$i386" = yes ] || break
		run as "$who" "$SBX" learn --quiet --allow multiarch --ro-bind "$HELPERS:/helpers" -- \
			/helpers/try-syscall --direct i386-getpid
		echo "[$who] $output"
		[ "$status" -eq 0 ]  # learn exits with COMMAND's status: try-syscall's errno, 0 = the call ran
		[[ $output == *"# note: the program made calls in a foreign ABI (i386/x32)"* ]]
	done
	for who in root user; do
		# Control: the same program making only native calls gets no such note.
		run as "$who" "$SBX" learn --quiet --allow multiarch --ro-bind "$HELPERS:/helpers" -- \
			/helpers/try-syscall --direct getpid
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ $output != *"foreign ABI"* ]]
	done
}

# Issue 17 (5): the program being learned is untrusted and must not be able to steer the fragment
# into granting host paths: its own private home is not the host's, failed calls are comments, and
# sensitive paths are comments whatever happened.
@test "learn: listing the private home, reading absent secrets and writing autostart grant nothing (user)" {
	[ -e "$TEST_HOME/.profile" ] || { make_user_file "$TEST_HOME/.profile" "# profile"; }
	if [ ! -d "$TEST_HOME/.ssh" ]; then
		as_user mkdir -m 700 "$TEST_HOME/.ssh"
		cleanup_path "$TEST_HOME/.ssh"
	fi
	[ -e "$TEST_HOME/.ssh/id_rsa" ] || { make_user_file "$TEST_HOME/.ssh/id_rsa" "PRIVATE KEY"; chmod 600 "$TEST_HOME/.ssh/id_rsa"; }
	if [ ! -d "$TEST_HOME/.config/autostart" ]; then
		[ -d "$TEST_HOME/.config" ] || cleanup_path "$TEST_HOME/.config"
		as_user mkdir -p "$TEST_HOME/.config/autostart"
		cleanup_path "$TEST_HOME/.config/autostart"
	fi
	# shellcheck disable=SC2016 # expanded by the sandboxed shell
	run as_user "$SBX" learn -o "$dir/home.profile" -- \
		sh -c 'ls $HOME; cat $HOME/.profile; cat $HOME/.ssh/id_rsa; echo x > $HOME/.config/autostart/evil.desktop'
	echo "$output"
	cat "$dir/home.profile"
	[ ! -e "$TEST_HOME/.config/autostart/evil.desktop" ]
	# No grant of anything in or above the home, nor of any path at all: every call here failed
	# or touched the sandbox's own tmpfs home.
	! grep -Eq "^(override )?(ro-)?bind(-try)? " "$dir/home.profile"
	# The sensitive ones it tried are named as left out.
	grep -q "^# Left out: sensitive paths" "$dir/home.profile"
	grep -q "^#  $TEST_HOME/.profile (tried to open it: No such file or directory)" "$dir/home.profile"
	grep -q "^#  $TEST_HOME/.ssh/id_rsa (tried to open it: No such file or directory)" "$dir/home.profile"
	grep -q "^#  $TEST_HOME/.config/autostart/evil.desktop (tried to write it: No such file or directory)" "$dir/home.profile"
	run sbx_user profile check "$dir/home.profile"
	echo "$output"
	[ "$status" -eq 0 ]
}

# The control: what the run really reached through its base grants is still granted, and a write
# the view refused (a read-only grant) is not turned into a read-write grant.
@test "learn: files read and created through the base's grants are granted; a refused write is a comment (user)" {
	# /var/tmp is private in every sandbox and never granted: directories in the home, then.
	as_user mkdir "$TEST_HOME/learn-ro" "$TEST_HOME/learn-rw"
	cleanup_path "$TEST_HOME/learn-ro" "$TEST_HOME/learn-rw"
	make_user_file "$TEST_HOME/learn-ro/data.txt" "data"
	# shellcheck disable=SC2016 # expanded by the sandboxed shell
	run as_user "$SBX" learn -o "$dir/grants.profile" --ro-bind "$TEST_HOME/learn-ro" --bind "$TEST_HOME/learn-rw" -- \
		sh -c 'cat $HOME/learn-ro/data.txt; echo new > $HOME/learn-rw/new.txt; echo x >> $HOME/learn-ro/data.txt; true'
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$dir/grants.profile"
	grep -qx "ro-bind-try $TEST_HOME/learn-ro/data.txt" "$dir/grants.profile"
	grep -qx "bind-try $TEST_HOME/learn-rw" "$dir/grants.profile"
	! grep -q "^bind-try $TEST_HOME/learn-ro" "$dir/grants.profile"
	grep -q "^#  $TEST_HOME/learn-ro/data.txt (write: Read-only file system)" "$dir/grants.profile"
	run sbx_user profile check "$dir/grants.profile"
	echo "$output"
	[ "$status" -eq 0 ]
}

# The memfd guard (launcher/memfd_guard.c) needs a seccomp listener, and the kernel allows one per
# filter chain: learn's recorder holds it, so under learn sbx keeps the old memfd rules (SECURITY.md)
# instead of failing, and programs making plain memfds still run, as root and as a user.
@test "learn: a program making plain memfds runs (learn's listener and the memfd guard do not collide)" {
	local who check
	for who in user root; do
		[ "$who" = user ] || [ "$(id -u)" -eq 0 ] || continue
		run as "$who" "$SBX" learn --quiet --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe memfd-plain
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		for check in shm cloexec noexec-seal names threads; do
			[[ $output == *"INFO memfd-plain-$check OK"* ]]
		done
	done
}
