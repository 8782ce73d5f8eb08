#!/usr/bin/env bats
# Escape classes through the profiles themselves: a root-started sbx reading a user's profiles
# (su and sudo -E keep HOME, XDG_CONFIG_HOME and SBX_PROFILES_DIR), a profile file that is a
# symlink to a secret, and an include that makes writable what an earlier line granted read-only
# (outside review of 54f5aa8, findings 6 and 7).

load ../lib/common
load escape

# Layer: identity_init and profile_search_dirs ignore the caller's environment as root; read_profile
# opens without following symlinks and refuses files root does not own alone.
@test "as root, a user's XDG_CONFIG_HOME, HOME and SBX_PROFILES_DIR are not read" {
	needs_root
	local cfg=$TEST_HOME/.config out
	[ -d "$cfg" ] || cleanup_path "$cfg"
	as_user mkdir -p "$cfg/sbx/profiles" "$TEST_HOME/evil-profiles"
	cleanup_path "$cfg/sbx" "$TEST_HOME/evil-profiles"
	printf 'override hostname pwned-by-local\n' | as_user tee "$cfg/sbx/profiles/default.local" \
		"$cfg/sbx/profiles/hostname.local" >/dev/null
	printf 'hostname pwned-by-dir\n' | as_user tee "$TEST_HOME/evil-profiles/hostname.profile" >/dev/null
	# The control: the user's own sbx does read them.
	out=$(as_user "$SBX" -q -- hostname 2>&1)
	[ "$out" = pwned-by-local ] || { show control "$out"; return 1; }
	out=$(as_root env HOME="$TEST_HOME" XDG_CONFIG_HOME="$cfg" SBX_PROFILES_DIR="$TEST_HOME/evil-profiles" \
		"$SBX" -q -- hostname 2>&1)
	show "root with the user's environment" "$out"
	[[ $out != *pwned* ]]
	out=$(as_root env SBX_PROFILES_DIR="$TEST_HOME/evil-profiles" "$SBX" -- hostname 2>&1)
	[[ $out == *"SBX_PROFILES_DIR=$TEST_HOME/evil-profiles ignored"* ]] || { show "warning" "$out"; return 1; }
}

@test "as root, a profile file that is a symlink (to /etc/shadow) or that another user owns is refused without quoting it" {
	needs_root
	local dir out rc
	dir=$(mktemp -d /var/tmp/sbx-escape-rootprof.XXXXXX) && cleanup_path "$dir"
	chmod 0755 "$dir"
	ln -s /etc/shadow "$dir/shadow.inc"
	printf 'include shadow\n' >"$dir/victim.profile"
	rc=0
	out=$(as_root env SBX_PROFILES_DIR="$dir" "$SBX" --profile victim -- true 2>&1) || rc=$?
	show "symlinked include" "$out"
	[ "$rc" -eq 125 ]
	[[ $out == *"a symlink, which sbx does not follow as root"* ]]
	[[ $out != *"$(head -c 12 /etc/shadow)"* ]]
	printf 'hostname users\n' >"$dir/users.profile"
	chown "$TEST_UID" "$dir/users.profile"
	rc=0
	out=$(as_root "$SBX" --profile "$dir/users.profile" -- hostname 2>&1) || rc=$?
	show "user-owned profile" "$out"
	[ "$rc" -eq 125 ]
	[[ $out == *"refused as root: owned by uid $TEST_UID"* ]]
	chown 0 "$dir/users.profile" && chmod 0666 "$dir/users.profile"
	run as_root "$SBX" --profile "$dir/users.profile" -- hostname
	[ "$status" -eq 125 ]
}

# Layer: profile.c do_mount compares sources as well as destinations. ssh-client grants ~/.ssh
# read-only; a later include binds the same directory read-write at another place.
@test "an include cannot make writable at another place what an earlier line granted read-only" {
	local out rc
	[ -d "$TEST_HOME/.ssh" ] || { as_user mkdir -m 0700 "$TEST_HOME/.ssh"; cleanup_path "$TEST_HOME/.ssh"; }
	user_profile sshrw.inc 'bind ${HOME}/.ssh /mnt/ssh'
	user_profile victim.profile $'include ssh-client\ninclude sshrw'
	rc=0
	out=$(sbx_user profile check "$TEST_HOME/.config/sbx/profiles/victim.profile" 2>&1) || rc=$?
	show "profile check" "$out"
	[ "$rc" -ne 0 ]
	[[ $out == *"sshrw.inc:1:1: loosens 'ro-bind $TEST_HOME/.ssh' (the same host files)"* ]]
	rc=0
	out=$(sbx_user --profile victim -- sh -c 'echo x > /mnt/ssh/written' 2>&1) || rc=$?
	show "run" "$out"
	[ "$rc" -eq 125 ]
	[ ! -e "$TEST_HOME/.ssh/written" ]
	# With 'override' in a profile it is the author's explicit choice, and it says so.
	user_profile victim.profile $'include ssh-client\noverride bind ${HOME}/.ssh /mnt/ssh'
	out=$(sbx_user --profile victim -- true 2>&1)
	[[ $out == *"override loosens 'ro-bind $TEST_HOME/.ssh' (the same host files)"* ]]
}
