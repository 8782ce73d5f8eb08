#!/usr/bin/env bats
# Errors that cross the fork (issue 11 §5): a step of the setup that fails inside the sandbox's pid 1
# is sent to sbx, which reports it once, naming the step, exits 125 and says "stage":"setup" in its
# --json status; COMMAND exiting 125 by itself is the command's status, with no setup error. For
# the test user and for root.

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { unset AS_USER_CWD AS_ROOT_CWD; }

teardown() {
	[ -z "${LOCKED:-}" ] || chmod 0700 "$LOCKED"
	sbx_cleanup
}

# A real failure that only the sandbox's pid 1 meets: a bind source below a directory nobody but its
# owner (root, when the suite runs as root) may search. sbx checks required sources before it
# clones, but leaves "permission denied" to the setup, which opens them as the sandbox's identity
# (the caller, or nobody for root); so sbx run by root passes the check and pid 1 fails on it.
locked_source() {
	LOCKED=$(mktemp -d /var/tmp/sbx-setup-errors.XXXXXX)
	cleanup_path "$LOCKED"
	mkdir "$LOCKED/sub"
	chmod 0000 "$LOCKED"
	SOURCE=$LOCKED/sub
}

# The sbx-status line of stderr, as JSON on stdout; fails unless there is exactly one, the last.
status_json() {
	local n
	n=$(grep -c '^sbx-status: ' <<<"$1")
	[ "$n" -eq 1 ] || { echo "sbx-status lines: $n" >&2; return 1; }
	[[ $(tail -n 1 <<<"$1") == "sbx-status: "* ]] || { echo "sbx-status is not the last line" >&2; return 1; }
	sed -n 's/^sbx-status: //p' <<<"$1"
}

# json_get JSON EXPR: prints EXPR (Python, over the object `s`) evaluated on JSON.
json_get() { python3 -c 'import json, sys; s = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

check_child_failure() {
	local who=$1 n
	locked_source
	run --separate-stderr sbx_as "$who" --quiet --ro-bind "$SOURCE" -- sh -c 'echo ran'
	echo "status: $status"$'\n'"stdout: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	# Once, on one line that names the step and the reason, and nothing else.
	n=$(grep -c "bind source $SOURCE" <<<"$stderr")
	[ "$n" -eq 1 ]
	[ "$stderr" = "sbx: setup: bind source $SOURCE: Permission denied" ]
}
@test "setup-errors[user]: a step that fails in the sandbox's pid 1 gives 125 and is named once on stderr" {
	check_child_failure user
}
@test "setup-errors[root]: a step that fails in the sandbox's pid 1 gives 125 and is named once on stderr" {
	needs_root
	check_child_failure root
}

check_child_failure_json() {
	local who=$1 json
	locked_source
	run --separate-stderr sbx_as "$who" --quiet --json --ro-bind "$SOURCE" -- sh -c 'echo ran'
	echo "status: $status"$'\n'"stdout: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	json=$(status_json "$stderr")
	assert_eq "$(json_get "$json" 's["stage"]')" setup
	assert_eq "$(json_get "$json" 's["exit_code"]')" 125
	assert_eq "$(json_get "$json" 's["error"]["message"]')" "setup: bind source $SOURCE: Permission denied"
	assert_eq "$(json_get "$json" 's["error"]["errno"]')" 13
	assert_eq "$(json_get "$json" 's["error"]["refused"]')" False
	# The fields that were there before stay.
	assert_eq "$(json_get "$json" '[k for k in ("signal", "oom_killed", "timed_out", "discarded") if k not in s]')" "[]"
	# The text line is there once too, before the status line.
	[ "$(grep -c "bind source $SOURCE" <<<"$stderr")" -eq 2 ]
	[ "$(head -n 1 <<<"$stderr")" = "sbx: setup: bind source $SOURCE: Permission denied" ]
}
@test "setup-errors[user]: --json reports a failure of pid 1 as stage setup, with its message" {
	check_child_failure_json user
}
@test "setup-errors[root]: --json reports a failure of pid 1 as stage setup, with its message" {
	needs_root
	check_child_failure_json root
}

check_command_125() {
	local who=$1 json
	run --separate-stderr sbx_as "$who" --quiet --json -- sh -c 'echo ran; exit 125'
	echo "status: $status"$'\n'"stdout: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 125 ]
	[ "$output" = ran ]
	[ "$(grep -vc '^sbx-status: ' <<<"$stderr")" -eq 0 ]
	json=$(status_json "$stderr")
	assert_eq "$(json_get "$json" 's["stage"]')" command
	assert_eq "$(json_get "$json" 's["error"]')" None
	assert_eq "$(json_get "$json" 's["exit_code"]')" 125
}
@test "setup-errors[user]: COMMAND exiting 125 is the command's status, not a setup error" { check_command_125 user; }
@test "setup-errors[root]: COMMAND exiting 125 is the command's status, not a setup error" {
	needs_root
	check_command_125 root
}

# A failure of sbx's own side of the setup (before the sandbox exists) is the same stage.
check_parent_failure_json() {
	local who=$1 dir json
	user_tmpdir dir sbx-setup-errors
	touch "$dir/file"
	run --separate-stderr sbx_as "$who" --quiet --json --keep-discarded "$dir/file" -- true
	echo "status: $status"$'\n'"stderr: $stderr"
	[ "$status" -eq 125 ]
	[ "$(grep -c -- "--keep-discarded" <<<"$stderr")" -eq 2 ]
	[ "$(head -n 1 <<<"$stderr")" = "sbx: --keep-discarded $dir/file: Not a directory" ]
	json=$(status_json "$stderr")
	assert_eq "$(json_get "$json" 's["stage"]')" setup
	assert_eq "$(json_get "$json" 's["error"]["message"]')" "--keep-discarded $dir/file: Not a directory"
}
@test "setup-errors[user]: a failure on sbx's side of the setup is stage setup too" { check_parent_failure_json user; }
@test "setup-errors[root]: a failure on sbx's side of the setup is stage setup too" {
	needs_root
	check_parent_failure_json root
}

# sbx makes the sandbox's network namespace in a short-lived child that joins the sandbox's user
# namespace while pid 1 sets up its mounts (net.h). When the kernel refuses it, here because an
# enclosing user namespace allows no more network namespaces (the limit counts in every ancestor),
# that is one clear error, exit 125, and COMMAND never runs.
@test "setup-errors[user]: no network namespace to be had is one error naming it, and nothing runs" {
	local marker
	user_tmpdir marker sbx-setup-errors
	run --separate-stderr as_user unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_net_namespaces &&
		exec unshare -U --map-user="$1" --map-group="$2" "$3" --quiet --bind "$4" -- touch "$4/ran"' \
		sh "$TEST_UID" "$TEST_GID" "$SBX" "$marker"
	echo "status: $status"$'\n'"stderr: $stderr"
	[ "$status" -eq 125 ]
	[ "$(head -n 1 <<<"$stderr")" = "sbx: cannot create the sandbox's network namespace: No space left on device" ]
	grep -q 'user.max_net_namespaces' <<<"$stderr"
	[ ! -e "$marker/ran" ]
	# The same enclosure with the host's network: nothing to make, so it runs.
	run --separate-stderr as_user unshare -U -r sh -c 'echo 0 >/proc/sys/user/max_net_namespaces &&
		exec unshare -U --map-user="$1" --map-group="$2" "$3" --quiet --net host --bind "$4" -- touch "$4/ran"' \
		sh "$TEST_UID" "$TEST_GID" "$SBX" "$marker"
	echo "status: $status"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	[ -e "$marker/ran" ]
}
