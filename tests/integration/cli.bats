#!/usr/bin/env bats
# Command-line paths and sbx's own messages (issue 18 §7), as the unprivileged test user: relative
# grants, paths holding ':', and notes that never come before the error that stops a run.

load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	user_tmpdir WORK sbx-cli
	as_user mkdir -p "$WORK/proj/sub" "$WORK/other" "$WORK/a:b"
}

teardown() {
	sbx_cleanup
}

@test "cli: --bind . and --bind ../DIR grant the directories they name, relative to the working directory" {
	export AS_USER_CWD=$WORK/proj/sub
	run sbx_user -q --bind . --bind ../../other -- sh -c 'echo here > in-sub && echo there > ../../other/f && pwd'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$WORK/proj/sub" ]
	[ "$(cat "$WORK/proj/sub/in-sub")" = here ]
	[ "$(cat "$WORK/other/f")" = there ]
	# Only what was named: the parent in between stays out of the sandbox.
	run sbx_user -q --bind . -- sh -c 'test -e ../../other || echo absent'
	[ "$output" = absent ]
}

@test "cli: a path holding ':' is written with '\\:' as source and as destination" {
	as_user sh -c "echo inside > '$WORK/a:b/f'"
	run sbx_user -q --ro-bind "$WORK/a\\:b" -- cat "$WORK/a:b/f"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = inside ]
	run sbx_user -q --ro-bind "$WORK/a\\:b:/mnt/x\\:y" -- cat /mnt/x:y/f
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = inside ]
	# Unescaped, the first ':' still separates SRC from DST as before.
	run sbx_user -q --ro-bind "$WORK/a:b/f" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--ro-bind '$WORK/a:b/f': expected an absolute path without '.' or '..' components: 'b/f'"* ]]
}

@test "cli: an error comes alone, without the notes of a run that never started" {
	run sbx_user --bind "$WORK/missing" -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "${lines[0]}" == "sbx: "*"$WORK/missing"* ]]
	[[ "$output" != *"no profile for"* ]]
	# The same run that starts says it has no profile.
	run sbx_user --bind "$WORK/proj" -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"no profile for 'true'"* ]]
}

@test "cli: dropped code-path variables are named in a note; --keepenv passes one" {
	run as_user env PYTHONPATH=/opt/lib TMPDIR=/var/tmp DISPLAY=:9 "$SBX" -- sh -c 'echo "[${PYTHONPATH-unset}]"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"not passed into the sandbox: "*"PYTHONPATH"* ]]
	[[ "$output" == *"TMPDIR"* ]]
	# Session plumbing is dropped silently (--explain lists it).
	[[ "$(grep 'not passed' <<<"$output")" != *DISPLAY* ]]
	[[ "$output" == *"[unset]"* ]]
	run as_user env PYTHONPATH=/opt/lib "$SBX" --keepenv PYTHONPATH -- sh -c 'echo "[${PYTHONPATH-unset}]"'
	[ "$status" -eq 0 ]
	[[ "$output" != *"not passed"* ]]
	[[ "$output" == *"[/opt/lib]"* ]]
	run as_user env PYTHONPATH=/opt/lib "$SBX" -q -- true
	[ -z "$output" ]
}

@test "cli: every profile relaxation and -try form has a command-line spelling" {
	run sbx_user -q --explain --allow signals --allow abstract-unix --dev-bind-try /dev/sbx-no-such-node -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"not scoped (allow abstract-unix)"* ]]
	[[ "$output" == *"not scoped (allow signals)"* ]]
	[[ "$output" == *"/dev/sbx-no-such-node (optional)"* ]]
	run sbx_user -q --allow bogus -- true
	[ "$status" -eq 125 ]
	[[ "$output" == "sbx: --allow 'bogus': expected devel, userns, multiarch, jit, abstract-unix or signals" ]]
}

@test "install: make install puts sbx's AppArmor profile beside the binary it names" {
	needs_root
	local dest
	dest=$(mktemp -d /var/tmp/sbx-install.XXXXXX)
	cleanup_path "$dest"
	make -s -C "$_SBX_REPO" -o build/sbx install DESTDIR="$dest" PREFIX=/usr >/dev/null
	[ -x "$dest/usr/bin/sbx" ]
	[ ! -u "$dest/usr/bin/sbx" ]
	grep -q '^profile sbx /usr/bin/sbx ' "$dest/usr/share/apparmor/extra-profiles/sbx"
	[ ! -e "$dest/etc/apparmor.d" ]  # Debian 12's parser refuses it, and would load it from there
	[ -f "$dest/usr/share/sbx/profiles/default.profile" ]
	[ -f "$dest/usr/share/man/man1/sbx.1" ]
	[ -f "$dest/usr/share/man/man5/sbx-profile.5" ]
}
