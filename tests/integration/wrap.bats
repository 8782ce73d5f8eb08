#!/usr/bin/env bats
# `sbx wrap` / `sbx unwrap` and sbx started under another name (issue 13, plain commands). The
# wrapped program is a script in a test directory that prints what it sees from inside: NoNewPrivs,
# Seccomp, pid 1's command line (sbx-init in a sandbox), whether ~/.ssh is there, its argv[0] and
# arguments. As the user the links go to the test user's ~/.local/bin; as root with --system to
# /usr/local/bin under a name no real program has, removed in teardown.

load ../lib/common
bats_require_minimum_version 1.5.0

PROBE=sbx-t-wrap-probe

setup() {
	user_tmpdir work sbx-wrap
	as_user mkdir -p "$work/bin" "$work/a" "$work/b" "$work/other"
	cat >"$work/bin/$PROBE" <<-'SCRIPT'
	#!/bin/sh
	echo "argv0=$0"
	grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status | tr -d '\t'
	echo "pid1=$(tr '\0' ' ' </proc/1/cmdline)"
	if [ -e "$HOME/.ssh" ]; then echo ssh=present; else echo ssh=absent; fi
	for a in "$@"; do echo "arg=$a"; done
	SCRIPT
	chmod 0755 "$work/bin/$PROBE"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	user_profile "$PROBE.profile" "ro-bind $work/bin"
	[ -e "$TEST_HOME/.local" ] || cleanup_path "$TEST_HOME/.local"
	[ -e "$TEST_HOME/.ssh" ] || { cleanup_path "$TEST_HOME/.ssh"; as_user mkdir -m 0700 "$TEST_HOME/.ssh"; }
	LINK=$TEST_HOME/.local/bin/$PROBE
	cleanup_path "$LINK"
	UPATH=$TEST_HOME/.local/bin:$work/bin:/usr/bin:/bin
}

teardown() {
	if [ -L "/usr/local/bin/$PROBE" ]; then rm -f "/usr/local/bin/$PROBE"; fi
	sbx_cleanup
}

# The wrapped program as the user, PATH with ~/.local/bin first.
wrapped_user() { as_user env PATH="$UPATH" "$@"; }

@test "wrap as a user: the link runs the real program sandboxed, every argument its own" {
	run wrapped_user "$SBX" wrap "$PROBE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -L "$LINK" ]
	[ "$(readlink "$LINK")" = "$SBX" ]
	[[ $output == "$PROBE: $LINK -> $SBX (runs $work/bin/$PROBE sandboxed)" ]]

	# Outside sbx, the probe sees the host: no NoNewPrivs, ~/.ssh there.
	run as_user "$work/bin/$PROBE"
	[[ $output == *"NoNewPrivs:0"* ]]
	[[ $output == *"ssh=present"* ]]

	# Typed by name, through the shell's PATH lookup; options are the program's, not sbx's.
	run wrapped_user sh -c "$PROBE --explain --profile=x -- 'a b'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "argv0=$work/bin/$PROBE" ]
	[[ $output == *"NoNewPrivs:1"* ]]
	[[ $output == *"Seccomp:2"* ]]
	[[ $output == *"pid1=sbx-init"* ]]
	[[ $output == *"ssh=absent"* ]]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^arg=' | tr '\n' '|')" = "arg=--explain|arg=--profile=x|arg=--|arg=a b|" ]

	# The link by its path, and its exit status passes through.
	run wrapped_user "$LINK" x
	[ "$status" -eq 0 ]
	[[ $output == *"Seccomp:2"* ]]

	# Under a PATH without the program, the list says so.
	run sbx_user wrap --list
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\t%s\t%s' "$PROBE" "$LINK" "(no program of that name in PATH)")" ]

	# Wrapping again is idempotent.
	run wrapped_user "$SBX" wrap "$PROBE"
	[ "$status" -eq 0 ]
	[ "$output" = "$PROBE: already wrapped ($LINK)" ]
}

@test "wrap --list names the real program under the caller's PATH" {
	wrapped_user "$SBX" wrap "$PROBE" >/dev/null
	run wrapped_user "$SBX" wrap --list
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\t%s\t%s' "$PROBE" "$LINK" "$work/bin/$PROBE")" ]
}

@test "sbx NAME and sbx -- NAME run the program, not a wrap link first in PATH" {
	wrapped_user "$SBX" wrap "$PROBE" >/dev/null
	for form in "$PROBE" "-- $PROBE"; do
		# shellcheck disable=SC2086
		run wrapped_user "$SBX" $form y
		echo "$output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "argv0=$work/bin/$PROBE" ]
		[[ $output == *"pid1=sbx-init"* ]]
		[[ $output == *"arg=y"* ]]
	done
}

@test "profile which NAME says when a wrap link comes first in PATH, and which program it runs" {
	run wrapped_user "$SBX" profile which "$PROBE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "$PROBE: $TEST_HOME/.config/sbx/profiles/$PROBE.profile (typed name)" ]]
	run wrapped_user "$SBX" profile which --json "$PROBE"
	[[ $output == *'"resolved":"'"$work/bin/$PROBE"'"'*'"wrap_link":null}' ]]
	wrapped_user "$SBX" wrap "$PROBE" >/dev/null
	run wrapped_user "$SBX" profile which "$PROBE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$PROBE: $TEST_HOME/.config/sbx/profiles/$PROBE.profile (typed name)" ]
	[ "${lines[1]}" = "$PROBE: first in PATH is $LINK, a link to sbx (sbx wrap): typing $PROBE runs $work/bin/$PROBE sandboxed" ]
	run wrapped_user "$SBX" profile which --json "$PROBE"
	echo "$output"
	[[ $output == *'"resolved":"'"$work/bin/$PROBE"'"'*'"wrap_link":"'"$LINK"'"}' ]]
	# A PATH in which the link is the only program of that name.
	run as_user env PATH="$TEST_HOME/.local/bin:/usr/bin:/bin" "$SBX" profile which "$PROBE"
	echo "$output"
	[ "${lines[1]}" = "$PROBE: first in PATH is $LINK, a link to sbx (sbx wrap), but PATH has no other $PROBE: typing it fails" ]
}

@test "unwrap removes only links to sbx" {
	wrapped_user "$SBX" wrap "$PROBE" >/dev/null
	run sbx_user unwrap "$PROBE"
	[ "$status" -eq 0 ]
	[ "$output" = "$PROBE: removed $LINK" ]
	[ ! -e "$LINK" ] && [ ! -L "$LINK" ]

	run sbx_user unwrap "$PROBE"
	[ "$status" -eq 1 ]
	[[ $output == "sbx: unwrap: $PROBE: not wrapped ($LINK: No such file or directory)" ]]

	# A regular file and a link to something else are left alone, by unwrap and by wrap.
	as_user cp "$work/bin/$PROBE" "$LINK"
	run sbx_user unwrap "$PROBE"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: unwrap: $LINK is not a link to sbx; left alone" ]
	[ -f "$LINK" ] && [ ! -L "$LINK" ]
	run wrapped_user "$SBX" wrap "$PROBE"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: wrap: $LINK exists and is not a link to sbx; left alone" ]
	[ ! -L "$LINK" ]
	rm -f "$LINK"
	as_user ln -s /usr/bin/true "$LINK"
	run sbx_user unwrap "$PROBE"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: unwrap: $LINK is not a link to sbx; left alone" ]
	[ "$(readlink "$LINK")" = /usr/bin/true ]
}

@test "wrap refuses names that are not programs, and programs PATH does not have" {
	for bad in sbx ../x -x "" .; do
		run sbx_user wrap "$bad"
		[ "$status" -ne 0 ]
	done
	run sbx_user wrap sbx
	[ "$output" = "sbx: wrap: 'sbx': expected a program name (no '/', not 'sbx', not an option)" ]
	run sbx_user wrap sbx-t-no-such-program
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: wrap: sbx-t-no-such-program: no program of that name in PATH (other than sbx)" ]
	[ ! -L "$TEST_HOME/.local/bin/sbx-t-no-such-program" ]
	run sbx_user wrap --system "$PROBE"
	[ "$status" -eq 1 ]
	[[ $output == "sbx: --system writes /usr/local/bin: only root can"* ]]
	run sbx_user wrap
	[ "$status" -eq 2 ]
	run sbx_user unwrap --list
	[ "$status" -eq 2 ]
}

@test "loops: a PATH of only wrap links is a one-line error, never sbx running itself" {
	as_user ln -s "$SBX" "$work/a/$PROBE"
	as_user ln -s "$SBX" "$work/b/$PROBE"
	run -127 as_user env PATH="$work/a:$work/b" "$work/a/$PROBE" x
	echo "$output"
	[ "$status" -eq 127 ]
	[ "${lines[0]}" = "sbx: $PROBE: every '$PROBE' in PATH is a link to sbx (2); no real program to run" ]
	[ "${lines[1]}" = "sbx: hint: 'sbx unwrap $PROBE' removes the link made by 'sbx wrap $PROBE'" ]
	[ "${#lines[@]}" -eq 2 ]

	# Not in PATH at all (the link called by its path).
	run -127 as_user env PATH=/usr/bin:/bin "$work/a/$PROBE"
	[ "$status" -eq 127 ]
	[[ ${lines[0]} == "sbx: $PROBE: started as '$work/a/$PROBE' (a link to $SBX), but PATH has no program '$PROBE' other than sbx" ]]

	# A link to another install of sbx is sbx too: skipped, not started inside this one.
	as_user cp "$SBX" "$work/other/sbx"
	as_user ln -s "$work/other/sbx" "$work/other/$PROBE"
	run as_user env PATH="$work/a:$work/other:$work/bin:/usr/bin:/bin" "$work/a/$PROBE" z
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "argv0=$work/bin/$PROBE" ]
	[[ $output == *"pid1=sbx-init"* ]]
	[[ $output == *"arg=z"* ]]
	# And the same started through the other install.
	run as_user env PATH="$work/a:$work/other:$work/bin:/usr/bin:/bin" "$work/other/$PROBE" z
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "argv0=$work/bin/$PROBE" ]

	# A copy of sbx under the program's name is sbx (same file), not the program.
	as_user rm "$work/a/$PROBE" "$work/b/$PROBE"
	as_user cp "$SBX" "$work/a/$PROBE"
	run -127 as_user env PATH="$work/a" "$work/a/$PROBE"
	[ "$status" -eq 127 ]
	[[ ${lines[0]} == *"every '$PROBE' in PATH is a link to sbx (1)"* ]]
}

@test "root: wrap --system links /usr/local/bin/APP; the program runs sandboxed as nobody; unwrap --system" {
	needs_root
	local pdir
	pdir=$(mktemp -d /var/tmp/sbx-wrap-prof.XXXXXX)
	cleanup_path "$pdir"
	chmod 0755 "$pdir"
	printf 'ro-bind %s/bin\n' "$work" >"$pdir/$PROBE.profile"
	local rpath=/usr/local/bin:$work/bin:/usr/bin:/bin
	run as_root env PATH="$rpath" "$SBX" wrap --system "$PROBE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(readlink "/usr/local/bin/$PROBE")" = "$SBX" ]
	run as_root env PATH="$rpath" "$SBX" wrap --list --system
	[ "$output" = "$(printf '%s\t%s\t%s' "$PROBE" "/usr/local/bin/$PROBE" "$work/bin/$PROBE")" ]

	run as_root env PATH="$rpath" SBX_PROFILES_DIR="$pdir" sh -c "$PROBE r; echo uid=\$(id -u)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "argv0=$work/bin/$PROBE" ]
	[[ $output == *"NoNewPrivs:1"* ]]
	[[ $output == *"Seccomp:2"* ]]
	[[ $output == *"pid1=sbx-init"* ]]
	[[ $output == *"arg=r"* ]]

	# The same for the user, whose PATH has /usr/local/bin first.
	run as_user env PATH="/usr/local/bin:$work/bin:/usr/bin:/bin" "$PROBE" u
	[ "$status" -eq 0 ]
	[[ $output == *"NoNewPrivs:1"* ]]
	[[ $output == *"ssh=absent"* ]]

	# unwrap --system only as root; without --system root's own ~/.local/bin is meant.
	run sbx_user unwrap --system "$PROBE"
	[ "$status" -eq 1 ]
	[ -L "/usr/local/bin/$PROBE" ]
	run as_root "$SBX" unwrap --system "$PROBE"
	[ "$status" -eq 0 ]
	[ ! -L "/usr/local/bin/$PROBE" ]
	run as_root "$SBX" unwrap --system "$PROBE"
	[ "$status" -eq 1 ]
}
