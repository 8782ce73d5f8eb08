#!/usr/bin/env bats
# Landlock, probed from inside the real sandbox, as root and as an unprivileged user. Each test is
# built so that the mount namespace alone would NOT produce the result (a control shows the same
# operation succeeding when only the Landlock rule differs), so the test fails if Landlock is off.

bats_require_minimum_version 1.5.0
load ../lib/common

setup() {
	dir=$(mktemp -d /var/tmp/sbx-landlock.XXXXXX)
	chmod 755 "$dir"
	mkdir -m 0777 "$dir/shared"
	bg_pids=()
}

teardown() {
	for pid in "${bg_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$dir"
}

# runs a shell command line on the host as MODE (for fds the sandbox must inherit).
host_as() {
	local mode=$1
	shift
	if [ "$mode" = root ]; then
		sh -c "$1"
	else
		as_user sh -c "$1"
	fi
}

give_to() {
	[ "$1" = user ] && chown -R "$TEST_UID:$TEST_GID" "$dir" || true
}

# ---- filesystem: write areas are not executable ----

exec_in_write_areas() {
	local mode=$1
	mkdir -m 0777 "$dir/rw"  # root runs as nobody inside
	give_to "$mode"
	run sbx_probe "$mode" --bind "$dir/rw:/rw" -- sh -c '
		for m in /tmp /dev/shm; do
			# The mount must allow exec, or the denial below would not be Landlock'"'"'s.
			awk -v m="$m" '"'"'$5 == m { print $6 }'"'"' /proc/self/mountinfo | grep -q noexec && echo "$m is noexec"
			cp /usr/bin/true "$m/t" && "$m/t"; echo "$m rc=$?"
		done
		cp /usr/bin/true /rw/t && /rw/t; echo "/rw rc=$?"
	'
	[ "$status" -eq 0 ]
	[[ "$output" != *noexec* ]]
	[[ "$output" == *"/tmp rc=126"* ]]
	[[ "$output" == *"/dev/shm rc=126"* ]]
	[[ "$output" == *"/rw rc=0"* ]]  # control: a read-write grant may execute
}

@test "landlock: a binary copied to /tmp or /dev/shm cannot be executed (root)" {
	exec_in_write_areas root
}

@test "landlock: a binary copied to /tmp or /dev/shm cannot be executed (user)" {
	exec_in_write_areas user
}

# ---- filesystem: a host path outside the view stays unreachable even when exposed ----

# A directory fd opened on the host and passed in reaches a path the mount plan never shows.
# Only Landlock stands between /proc/self/fd/5/secret and the host file.
passed_dirfd_unreachable() {
	local mode=$1
	mkdir "$dir/data"
	echo "host-secret" > "$dir/data/secret"
	chmod 644 "$dir/data/secret"
	give_to "$mode"
	local probe='cat /proc/self/fd/5/secret; echo "rc=$?"; ls /proc/self/fd/5/ >/dev/null; echo "ls rc=$?"'

	run host_as "$mode" "exec 5<'$dir/data'; exec $(sbx_cmd "$mode") --pass-fd 5 -- sh -c '$probe'"
	[ "$status" -eq 0 ]
	[[ "$output" != *host-secret* ]]
	[[ "$output" == *"Permission denied"* ]]
	[[ "$output" == *"rc=1"* ]]
	[[ "$output" == *"ls rc=2"* ]]

	# Control: the same route works once the directory is in the view (same inode, one rule).
	run host_as "$mode" "exec 5<'$dir/data'; exec $(sbx_cmd "$mode") --ro-bind '$dir/data:/data' --pass-fd 5 -- sh -c '$probe'"
	[ "$status" -eq 0 ]
	[[ "$output" == *host-secret* ]]
	[[ "$output" == *"rc=0"* ]]
}

# The sbx command line for host_as (as_user/sbx_user cannot carry an extra fd by themselves).
sbx_cmd() {
	printf '%q' "$SBX"
}

@test "landlock: a host directory passed as an fd stays unreachable (root)" {
	passed_dirfd_unreachable root
}

@test "landlock: a host directory passed as an fd stays unreachable (user)" {
	passed_dirfd_unreachable user
}

# ---- abstract unix sockets (ABI 6 scoping) ----

abstract_socket_scoped() {
	local mode=$1 name="sbx-landlock-$$-$RANDOM"
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1]); s.listen(16)
print("ready", flush=True)
time.sleep(60)' "$name" > "$dir/listener.out" &
	bg_pids+=($!)
	for _ in $(seq 50); do grep -q ready "$dir/listener.out" && break; sleep 0.1; done
	# Control: the host can reach it; so could a sandbox with --net host, were it not scoped.
	[ "$("$HELPERS/probe-net" abstract "$name")" = OK ]

	run sbx_probe "$mode" --net host -- sh -c "/helpers/probe-net abstract $name; /helpers/probe-net abstract-self $name-inner"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = EPERM ]  # scoped: not ECONNREFUSED, the socket is there
	[ "${lines[1]}" = OK ]     # a socket made inside the sandbox is reachable
}

@test "landlock: a host abstract unix socket is unreachable with --net host (root)" {
	abstract_socket_scoped root
}

@test "landlock: a host abstract unix socket is unreachable with --net host (user)" {
	abstract_socket_scoped user
}

# ---- signals (ABI 6 scoping) ----

# The sandbox has its own pid namespace, so host processes are invisible anyway. To test the
# Landlock wall itself, put a process into the sandbox's pid namespace from outside (same uid,
# not in the Landlock domain) and let the sandboxed probe try to SIGTERM it.
signal_scoped() {
	local mode=$1 tag="tag-$$-$RANDOM"
	give_to "$mode"
	chmod 0777 "$dir/shared"
	sbx_bg() {
		if [ "$mode" = root ]; then
			sbx_root --quiet --ro-bind "$HELPERS:/helpers" --bind "$dir/shared:/shared" -- \
				sh -c "/helpers/probe-signal kill-file /shared/pid 15 $tag; /helpers/probe-signal child 15"
		else
			sbx_user --quiet --ro-bind "$HELPERS:/helpers" --bind "$dir/shared:/shared" -- \
				sh -c "/helpers/probe-signal kill-file /shared/pid 15 $tag; /helpers/probe-signal child 15"
		fi
	}
	sbx_bg > "$dir/out" 2>&1 &
	bg_pids+=($!)
	local probe=""
	for _ in $(seq 100); do
		probe=$(pgrep -f "^/helpers/probe-signal kill-file /shared/pid 15 $tag" | head -n1) && [ -n "$probe" ] && break
		sleep 0.1
	done
	[ -n "$probe" ]
	if [ "$mode" = root ]; then
		"$HELPERS/pidns-outsider" "$probe" "$dir/shared/pid" 30 &
	else
		as_user "$HELPERS/pidns-outsider" "$probe" "$dir/shared/pid" 30 &
	fi
	bg_pids+=($!)
	wait "${bg_pids[0]}" || true
	cat "$dir/out"
	mapfile -t out < "$dir/out"
	[ "${out[0]}" = EPERM ]  # the outsider is in the namespace, same uid, but outside the domain
	[ "${out[1]}" = OK ]     # control: a process inside the domain can be signalled
}

@test "landlock: a process outside the sandbox's domain cannot be signalled (root)" {
	signal_scoped root
}

@test "landlock: a process outside the sandbox's domain cannot be signalled (user)" {
	signal_scoped user
}

@test "landlock: --landlock optional still enforces what the kernel supports (user)" {
	run sbx_user --landlock optional -- sh -c 'cp /usr/bin/true /tmp/t && /tmp/t; echo "rc=$?"'
	[ "$status" -eq 0 ]
	[[ "$output" == *"rc=126"* ]]
}

# ---- --explain ----

@test "landlock: --explain reports the ABI and what is enforced; optional vs required" {
	run "$SBX" --explain -- /bin/true
	[ "$status" -eq 0 ]
	[[ "$output" == *"required (--landlock required): kernel ABI "* ]]
	[[ "$output" == *"scoped to the sandbox: abstract unix sockets, signals"* ]]
	run "$SBX" --landlock optional --explain -- /bin/true
	[ "$status" -eq 0 ]
	[[ "$output" == *"optional (--landlock optional): kernel ABI "* ]]
	# The JSON on stdout alone is what a tool parses; notes go to stderr.
	run --separate-stderr "$SBX" --explain --json -- /bin/true
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
ll = json.load(sys.stdin)["landlock"]
assert ll["requirement"] == "required", ll
assert ll["kernel_abi"] >= 6 and ll["status"] == "fully enforced", ll
assert any(r["path"] == "/usr" and "execute" in r["rights"] for r in ll["rules"]), ll
assert any(r["path"] == "/tmp" and "execute" not in r["rights"] for r in ll["rules"]), ll
'
}
