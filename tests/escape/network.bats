#!/usr/bin/env bats
# Escape classes through the network: the host's abstract unix sockets (X11 listens on
# @/tmp/.X11-unix/X0, and an X client can read every keystroke and inject input) and the host's
# loopback-only TCP services. A listener runs on the host with the sandboxed command's own uid; a
# control connection from the host proves it answers.

load ../lib/common
load escape

# start_listener WHO ARGS...: escape-listen ARGS on the host as the sandbox's uid; sets LISTEN_LOG
# and LISTEN_PID, and LISTEN_PORT for tcp.
start_listener() {
	local who=$1
	shift
	LISTEN_LOG=$(mktemp /var/tmp/sbx-escape-listen.XXXXXX)
	cleanup_path "$LISTEN_LOG"
	start_marked "$(unique listener)" "$LISTEN_LOG" run_as_sandbox_uid "$who" -- "$HELPERS/escape-listen" "$@" || return 1
	LISTEN_PID=$MARKED_PID
	wait_until 5 grep -q READY "$LISTEN_LOG" || { cat "$LISTEN_LOG" >&2; return 1; }
	LISTEN_PORT=$(awk '/READY/ { print $2 }' "$LISTEN_LOG")
}

stop_listener() {
	kill -KILL "$LISTEN_PID" 2>/dev/null
	return 0
}

# Layer: with the default network, the sandbox's own network namespace (abstract sockets belong to
# a network namespace); with --net host, Landlock's abstract-socket scoping (ABI 6).
abstract_check() {
	local who=$1 variant=$2 name rc=0 control
	name="/tmp/.X11-unix/X$(unique x11)"
	start_listener "$who" abstract "$name" || return 1
	control=$(run_as_sandbox_uid "$who" "$HELPERS/escape-probe" abstract "$name" 2>&1)
	if ! grep -q '^ESCAPED connect-abstract' <<<"$control"; then
		show "control, no sandbox" "$control"
		echo "    [$who $variant] the control connection failed: the listener does not answer" >&2
		rc=1
	fi
	expect_blocked "$who" "$variant" abstract "$name" || rc=1
	if [ "$(grep -c ACCEPTED "$LISTEN_LOG")" -ne 1 ]; then
		echo "    [$who $variant] ESCAPED: the listener accepted a connection from the sandbox" >&2
		rc=1
	fi
	stop_listener
	return "$rc"
}

@test "the host's abstract unix sockets (an X11-like @/tmp/.X11-unix/X listener) are unreachable, with and without --net host" {
	for_variants abstract_check
}

# Layer: the sandbox's own network namespace (only lo, its own). With --net host the host's
# loopback services ARE reachable: that is what the grant means, SECURITY.md says so, and the
# permissive variants assert it so that this test also proves it can see a connection.
tcp_check() {
	local who=$1 variant=$2 rc=0 control want=BLOCKED
	start_listener "$who" tcp || return 1
	control=$(run_as_sandbox_uid "$who" "$HELPERS/escape-probe" tcp "$LISTEN_PORT" 2>&1)
	if ! grep -q '^ESCAPED connect-tcp' <<<"$control"; then
		show "control, no sandbox" "$control"
		echo "    [$who $variant] the control connection failed: the listener does not answer" >&2
		rc=1
	fi
	[ "$variant" = permissive ] && want=ESCAPED
	expect_probe "$who" "$variant" "$want" tcp "$LISTEN_PORT" || rc=1
	stop_listener
	return "$rc"
}

@test "the host's loopback TCP services are unreachable without a network grant (reachable with --net host, as documented)" {
	for_variants tcp_check
}

# ---- a host Unix socket reached through ${CWD} (review of 54f5aa8: `cd /tmp; sbx tar ...` bound
# the whole /tmp, and a tmux server's socket there ran commands outside the sandbox) ----

# Layer: workdir.c. ${CWD} is left undefined in a shared (world-writable or sticky) directory, in a
# directory that holds a socket, and under /dev or /run: `bind ${CWD}` (tar) refuses to start, the
# -try forms (curl read-write, python3 read-only: connect() needs no write permission) leave it
# out. A tmux-like server listens in a 0700 directory of the sandbox's uid in /var/tmp (sticky);
# the control connection from the host proves it answers.
cwd_socket_check() {
	local who=$1 variant=$2 dir sock cwd profile out rc bad=0 control
	sandbox_owned_dir dir "$who" tmux || return 1
	chmod 0700 "$dir"
	sock=$dir/default
	start_listener "$who" path "$sock" || return 1
	control=$(run_as_sandbox_uid "$who" "$HELPERS/escape-probe" unix "$sock" 2>&1)
	if ! grep -q '^ESCAPED connect-unix' <<<"$control"; then
		show "control, no sandbox" "$control"
		echo "    [$who $variant] the control connection failed: the listener does not answer" >&2
		bad=1
	fi
	for cwd in /var/tmp "$dir" /dev/shm; do
		for profile in tar curl python3; do
			out=$(AS_USER_CWD=$cwd AS_ROOT_CWD=$cwd run_as "$who" "$SBX" --ro-bind "$HELPERS:/helpers" \
				--profile "$profile" -- /helpers/escape-probe unix "${sock/#"$cwd"/.}" 2>&1)
			rc=$?
			if grep -q '^ESCAPED' <<<"$out" || { [ "$rc" -ne 0 ] && [ "$rc" -ne 125 ]; }; then
				show "$who $variant, cd $cwd, profile $profile" "$out"
				echo "    [$who $variant] cd $cwd; sbx --profile $profile: exit status $rc, the socket was reachable or the probe failed" >&2
				bad=1
			fi
			if [ "$rc" -eq 125 ] && ! grep -q 'CWD} is not defined: the working directory' <<<"$out"; then
				show "$who $variant, cd $cwd, profile $profile" "$out"
				echo "    [$who $variant] cd $cwd; sbx --profile $profile: refused without naming why" >&2
				bad=1
			fi
		done
	done
	stop_listener
	return "$bad"
}

@test "a Unix socket in a shared or socket-holding working directory is never reachable through \${CWD}" {
	for_variants cwd_socket_check
}
