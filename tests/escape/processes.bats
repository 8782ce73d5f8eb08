#!/usr/bin/env bats
# Escape classes through processes: descriptors, the sandbox's init, ptrace, /proc, signals,
# setuid binaries and daemons. Each runs as the test user and as root (command as 65534), under
# the default profile and the most permissive shipped configuration (tests/escape/escape.bash).

load ../lib/common
load escape

# run_holding_fds WHO VARIANT CLASS: escape-probe CLASS in a sandbox started by a process that
# holds extra descriptors without O_CLOEXEC (a file read-write, a directory, O_PATH fds of a
# directory and of /, a socketpair, a pipe), expecting BLOCKED.
run_holding_fds() {
	local who=$1 variant=$2 class=$3 file out rc
	file=$(mktemp /var/tmp/sbx-escape-fd.XXXXXX)
	cleanup_path "$file"
	chmod 0666 "$file"
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$HELPERS/escape-host" hold-fds "$file" /etc -- "$SBX" "${VARGS[@]}" \
		-- /helpers/escape-probe "$class" 2>&1)
	rc=$?
	show "$who $variant" "$out"
	[ "$rc" -eq 0 ] && grep -qx 'VERDICT BLOCKED' <<<"$out"
}

# Layer: the launcher closes every descriptor but 0, 1, 2 (and --pass-fd ones) before exec; its own
# sync pipes and the O_PATH fds of the mount plan are CLOEXEC. runc CVE-2024-21626: a leaked
# directory fd is a way out of the mount namespace.
@test "leaked descriptors: only 0, 1 and 2 are open in the command, whatever the caller held (files, dirs, O_PATH, sockets, pipes)" {
	for_variants run_holding_fds fds
}

# Layer: init is forked after the capability drop and applies no_new_privs, seccomp and Landlock
# to itself; it keeps only the command's stdio.
@test "the sandbox's init (pid 1) holds no capabilities, has no_new_privs and holds no host descriptor" {
	for_variants run_holding_fds init
}

# Layer: seccomp (ptrace, process_vm_readv EPERM) and, for /proc/1/mem and pidfd_getfd (which
# seccomp cannot see), init being non-dumpable. sbx itself stays outside the pid namespace.
@test "ptrace of the sandbox's init: ptrace, process_vm_readv, /proc/1/mem and pidfd_getfd are refused" {
	for_variants expect_blocked ptrace
}

# Layer: the pid namespace and a fresh /proc.
proc_host_check() {
	local who=$1 variant=$2 head=sbx-escape-victim- tail vpid rc=0
	tail="$$-$RANDOM$RANDOM"
	start_marked "$head$tail" /dev/null run_as "$who" -- sleep 60 || return 1
	vpid=$MARKED_PID
	expect_blocked "$who" "$variant" proc-host "$head" "$tail" || rc=1
	kill -KILL "$vpid" 2>/dev/null
	return "$rc"
}

@test "/proc shows no host process (a host process with a known command line is not found)" {
	for_variants proc_host_check
}

# Layer: the pid namespace (a host pid means nothing inside; kill(-1) reaches only the sandbox),
# and Landlock's signal scoping. The victim has the sandboxed command's own host uid, so the
# kernel's permission check alone would let the signal through.
signal_check() {
	local who=$1 variant=$2 marker vpid rc=0 out
	marker=$(unique signal-victim)
	start_marked "$marker" /dev/null run_as_sandbox_uid "$who" -- sleep 60 || return 1
	vpid=$MARKED_PID
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe signal "$vpid" all 2>&1)
	show "$who $variant" "$out"
	grep -qx 'VERDICT HOST-CHECK' <<<"$out" || { echo "    [$who $variant] the probe did not run" >&2; rc=1; }
	sleep 0.2
	if ! alive "$vpid"; then
		echo "    [$who $variant] ESCAPED: the host process $vpid (uid $(variant_uid "$who")) was killed from inside" >&2
		rc=1
	fi
	kill -KILL "$vpid" 2>/dev/null
	return "$rc"
}

@test "signals to host processes: kill(host pid) and kill(-1, SIGTERM) leave a host process of the same uid alive" {
	for_variants signal_check
}

# Layer: no_new_privs and nosuid mounts; and the user namespace, in which root is not mapped.
@test "setuid-root binaries (su, passwd, mount) run without any privilege" {
	for_variants expect_blocked setuid
}

# Layer: the pid namespace: when the command exits, init exits and the kernel kills everything
# left in the namespace, daemons included.
detach_check() {
	local who=$1 variant=$2 marker out rc left
	marker=$(unique daemon)
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe detach "$marker" 30 2>&1)
	rc=$?
	show "$who $variant" "$out"
	if [ "$rc" -ne 0 ] || ! grep -q 'INFO detach' <<<"$out"; then
		echo "    [$who $variant] the probe did not run (exit status $rc)" >&2
		return 1
	fi
	if ! wait_until 5 none_marked "$marker"; then
		left=$(kill_marked "$marker")
		echo "    [$who $variant] ESCAPED: $left process(es) of the sandbox outlived sbx" >&2
		return 1
	fi
}

@test "a daemon (setsid, double fork, SIGTERM and SIGHUP ignored) does not outlive sbx" {
	for_variants detach_check
}

# ---- sbx's own command line, read through /proc/1/cmdline (review of 54f5aa8, finding 8) ----

# Layer: init_hide_arguments. pid 1 is a fork of sbx, so without it /proc/1/cmdline (readable by
# COMMAND) shows every option sbx was given, host paths included. /proc/self/cmdline, the
# control, shows COMMAND's own arguments as usual.
init_cmdline_check() {
	local who=$1 variant=$2 marker out
	marker=$(unique cmdline)
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$SBX" "${VARGS[@]}" --bind-try "/nonexistent/$marker" --setenv "SECRET=$marker" \
		-- sh -c 'tr "\0" " " </proc/1/cmdline; echo; tr "\0" " " </proc/self/cmdline; echo' "$marker-arg" 2>/dev/null)
	show "$who $variant" "$out"
	if ! [[ $(sed -n 1p <<<"$out") =~ ^sbx-init\ *$ ]]; then
		echo "    [$who $variant] /proc/1/cmdline is not 'sbx-init'" >&2
		return 1
	fi
	if [[ $(sed -n 1p <<<"$out") == *"$marker"* ]] || [[ $(sed -n 2p <<<"$out") != *"$marker-arg"* ]]; then
		echo "    [$who $variant] sbx's arguments are visible in /proc/1/cmdline, or the control failed" >&2
		return 1
	fi
}

@test "the sandbox's init shows no sbx arguments (host paths, settings) in /proc/1/cmdline" {
	for_variants init_cmdline_check
}

# ---- the caller's environment: tokens, agent sockets, bus addresses (finding 8) ----

# Layer: env.c's allow-list. Only locale, terminal, PATH and XDG variables pass unless a profile
# keeps more; LANG, the control, does pass.
env_leak_check() {
	local who=$1 variant=$2 out
	variant_args "$who" "$variant"
	out=$(run_as "$who" env GITHUB_TOKEN=sbx-escape-token SSH_AUTH_SOCK=/tmp/sbx-escape-agent \
		DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/0/sbx-escape-bus AWS_SECRET_ACCESS_KEY=sbx-escape-key LANG=C.UTF-8 \
		"$SBX" "${VARGS[@]}" -- /usr/bin/env 2>/dev/null)
	# sbx sets DBUS_SESSION_BUS_ADDRESS itself (a path that does not exist, dbus_proxy.h): only the
	# caller's value is a leak.
	if grep -qE '^(GITHUB_TOKEN|SSH_AUTH_SOCK|AWS_SECRET_ACCESS_KEY)=|sbx-escape-bus' <<<"$out" ||
		! grep -qx 'LANG=C.UTF-8' <<<"$out"; then
		show "$who $variant" "$out"
		echo "    [$who $variant] a token, agent socket or bus address reached the command (or LANG did not)" >&2
		return 1
	fi
}

@test "the caller's tokens, agent socket and session bus address do not reach the command" {
	for_variants env_leak_check
}
