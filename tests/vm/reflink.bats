#!/usr/bin/env bats
# Snapshots with reflinks (issue 15): `sbx apps snapshot|rollback` clone files with FICLONE where the
# filesystem has reflinks. The development host's filesystem is ext4 (copies only), so the guest
# makes a btrfs on a file in /dev/shm, mounts it over the test user's ~/.local/share (where the app
# state lives) and checks that snapshot and rollback say reflinks, share the extents, and restore
# the state exactly. Nothing is mounted on the host.

load ../lib/common

setup_file() {
	modprobe_vm loop
	modprobe_vm btrfs
	IMG=/dev/shm/sbx-reflink.img
	SHARE=$TEST_HOME/.local/share
	[ ! -e "$SHARE" ] || [ -z "$(ls -A "$SHARE")" ]  # nothing of the user's is hidden by the mount
	truncate -s 256M "$IMG"
	mkfs.btrfs -q "$IMG"
	mkdir -p "$SHARE"
	mount -o loop "$IMG" "$SHARE"
	chown "$TEST_UID:$TEST_GID" "$TEST_HOME/.local" "$SHARE"
	export IMG SHARE
}

teardown_file() {
	umount "$SHARE" || umount -l "$SHARE"
	rm -f "$IMG"
	rmdir "$SHARE" "$TEST_HOME/.local" 2>/dev/null || true
}

setup() { app_state_setup rl; }
teardown() { app_state_teardown; }

# The physical offset of each extent of FILE (filefrag -v), one a line.
extents() { filefrag -v "$1" | awk '$1 ~ /^[0-9]+:$/ {sub(/\.\..*/, "", $4); print $4}'; }

@test "vm reflink: on btrfs, snapshot and rollback clone the app's files (FICLONE, extents shared) and restore its home and upper layer" {
	local st lower big_sum
	[ "$(stat -f -c %T "$SHARE")" = btrfs ]
	lower=$SHARE/lower-$APP
	as_user mkdir "$lower"
	as_user sh -c "echo host > $lower/a && echo gone > $lower/b"
	cleanup_path "$lower"
	run sbx_user --quiet --app "$APP" --home persistent --overlay "$lower" -- sh -c \
		"head -c 4194304 /dev/urandom > ~/big && echo one > ~/setting && cd $lower && echo app >> a && rm b"
	echo "$output"
	[ "$status" -eq 0 ]
	st=$(state_of user "$APP")
	big_sum=$(sha256sum <"$st/home/big")

	run sbx_user apps snapshot "$APP" first
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == "$APP: snapshot first taken ("*" files; reflinks (FICLONE))" ]]
	# The clone shares the live file's extents: same physical blocks, flagged shared.
	filefrag -v "$st/snapshots/first/home/big"
	[ -n "$(extents "$st/home/big")" ]
	assert_eq "$(extents "$st/snapshots/first/home/big")" "$(extents "$st/home/big")"
	filefrag -v "$st/home/big" | grep -q shared
	# A copy, not a link: another inode, and a write to the live file leaves the snapshot alone.
	[ "$(stat -c %i "$st/home/big")" != "$(stat -c %i "$st/snapshots/first/home/big")" ]
	[ "$(stat -c %h "$st/home/big")" = 1 ]

	# Changes after the snapshot, in the home and the overlay.
	run sbx_user --quiet --app "$APP" --home persistent --overlay "$lower" -- sh -c \
		"echo two > ~/setting && dd if=/dev/zero of=\$HOME/big bs=4096 count=1 conv=notrunc 2>/dev/null && cd $lower && echo b-again > b && rm a"
	[ "$status" -eq 0 ]
	[ "$(sha256sum <"$st/home/big")" != "$big_sum" ]
	[ "$(sha256sum <"$st/snapshots/first/home/big")" = "$big_sum" ]

	run sbx_user apps rollback "$APP" first
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == "$APP: rolled back to snapshot first ("*" files; reflinks (FICLONE))" ]]
	[ "$(sha256sum <"$st/home/big")" = "$big_sum" ]
	assert_eq "$(extents "$st/home/big")" "$(extents "$st/snapshots/first/home/big")"
	# The app sees the snapshot's state again: its setting, its change to a, b deleted (a whiteout).
	run sbx_user --quiet --app "$APP" --home persistent --overlay "$lower" -- sh -c "cat ~/setting; cd $lower && ls -A && cat a"
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "$output" "$(printf 'one\na\nhost\napp')"
	# The host's files were never touched.
	[ "$(cat "$lower/a")" = host ]
	[ "$(cat "$lower/b")" = gone ]
}
