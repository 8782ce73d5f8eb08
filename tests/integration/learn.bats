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
	rm -f "$TEST_HOME/learn-input.txt" "$TEST_HOME/odd name#1.txt"
	rm -rf "$dir"
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

@test "learn python3 running a script: exit status, syscalls and the hidden home file it read" {
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
	# The base view hides $HOME: the file the script tried to read is offered as a grant.
	grep -qx "ro-bind-try $TEST_HOME/learn-input.txt" "$dir/py.profile"
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
	# A newline in an argument, a hidden home file with a blank and a '#' in its name, and a
	# file created in the home itself.
	run as_user "$SBX" learn -o "$dir/odd.profile" -- python3 -c 'import os
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
