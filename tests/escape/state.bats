#!/usr/bin/env bats
# Escapes through the per-app state (issue 15): an app reaching another app's state directory or
# its own upper layer other than through its overlay, by a grant that contains
# ~/.local/share/sbx (directly, through a symlinked name, or through its own persistent home).
# As the test user and as root (command as 65534).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	unset AS_USER_CWD AS_ROOT_CWD
	VICTIM=stv-$BATS_TEST_NUMBER-$$
	ATTACKER=sta-$BATS_TEST_NUMBER-$$
	for who in user root; do
		[ "$who" = user ] || _sbx_is_root || continue
		cleanup_path "$(state_of "$who" "$VICTIM")" "$(state_of "$who" "$ATTACKER")"
	done
}

teardown() {
	sbx_cleanup
	rmdir /root/.local/share/sbx/apps /root/.local/share/sbx 2>/dev/null || true
}


# The victim app keeps a secret in its persistent home and in its overlay's upper layer.
plant_victim() {
	local who=$1
	sbx_as "$who" --quiet --app "$VICTIM" --home persistent -- sh -c 'echo SECRET-HOME > ~/secret'
	[ -f "$(state_of "$who" "$VICTIM")/home/secret" ]
}

check_other_app() {
	local who=$1 home link
	home=$(home_of "$who")
	plant_victim "$who"
	# Grants that contain the state directory, by its name and through a symlink to ~/.local.
	link=$home/.sbx-escape-link-$$
	ln -s "$home/.local" "$link" && cleanup_path "$link"
	[ "$who" = root ] || chown -h "$TEST_UID:$TEST_GID" "$link"
	# Root's home is 0700: for 65534 the grants are skipped (-try), and nothing is reachable anyway.
	local try=""
	[ "$who" = user ] || try=-try
	for grant in "--ro-bind$try $home/.local" "--bind-try $home/.local/share" "--ro-bind$try $link"; do
		run sbx_as "$who" --quiet --app "$ATTACKER" --home persistent $grant -- sh -c "
			cat $home/.local/share/sbx/apps/$VICTIM/home/secret $link/share/sbx/apps/$VICTIM/home/secret 2>/dev/null
			find $home/.local/share/sbx $link/share/sbx -mindepth 1 2>/dev/null
			{ echo x > $home/.local/share/sbx/planted; } 2>/dev/null
			echo end"
		echo "$grant: $output"
		[ "$status" -eq 0 ]
		[ "$output" = end ]
	done
	# (A write there lands in the attacker's own home when its grant was skipped: root's runs.)
	[ ! -e "$home/.local/share/sbx/planted" ]
	[ "$(cat "$(state_of "$who" "$VICTIM")/home/secret")" = SECRET-HOME ]
	# The attacker's own persistent home holds no way up: it is the app's directory, mounted alone.
	run sbx_as "$who" --quiet --app "$ATTACKER" --home persistent -- sh -c "ls -A ~/..; cat ~/../$VICTIM/home/secret 2>/dev/null; echo end"
	echo "$output"
	[[ "$output" != *SECRET* ]]
	[[ "$output" != *"$VICTIM"* ]]
	[[ "$output" == *end ]]
}
@test "escape-state[user]: grants that contain ~/.local/share/sbx (by name or a symlink) show it empty and read-only: no other app's state" { check_other_app user; }
@test "escape-state[root]: grants that contain root's ~/.local/share/sbx show it empty and read-only: no other app's state" { needs_root; check_other_app root; }

check_own_upper() {
	local who=$1 home d
	home=$(home_of "$who")
	user_tmpdir d sbx-escape-ovl
	echo host >"$d/f"
	if [ "$who" = root ]; then chown -R 65534:65534 "$d"; else chown -R "$TEST_UID:$TEST_GID" "$d"; fi
	local try=""
	[ "$who" = user ] || try=-try
	# The app writes through its overlay, then tries to reach the upper layer directly to plant a
	# file that would not show in the merged view it is given.
	run sbx_as "$who" --quiet --app "$ATTACKER" --overlay "$d" "--ro-bind$try" "$home/.local" -- sh -c "
		echo changed > $d/f
		find $home/.local/share/sbx -mindepth 1 2>/dev/null
		for u in $home/.local/share/sbx/apps/$ATTACKER/overlay/*/upper; do { echo planted > \$u/p; } 2>/dev/null && echo WROTE; done
		cat $d/f"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = changed ]
	[ "$(cat "$d/f")" = host ]
	[ ! -e "$(state_of "$who" "$ATTACKER")"/overlay/*/upper/p ]
}
@test "escape-state[user]: an app cannot reach its own upper layer except through its overlay" { check_own_upper user; }
@test "escape-state[root]: an app cannot reach its own upper layer except through its overlay" { needs_root; check_own_upper root; }
