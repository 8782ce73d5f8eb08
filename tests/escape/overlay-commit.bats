#!/usr/bin/env bats
# Escapes through `sbx overlay commit` (issue 15): commit writes only below the overlaid directory,
# whatever the upper layer or the host tree holds by then: a hard link in the upper to a file
# outside the tree, a symlink the app made pointing outside, a host directory replaced by a
# symlink between the app's run and the commit (also in the middle of an interrupted commit), and
# a journal naming a path with "..". As the test user and as root (command as 65534).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { app_state_setup eoc; }
teardown() { app_state_teardown; }

overlay_state() { echo "$(state_of "$1" "$APP")/overlay/$(escaped "$2")"; }
ssbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet --app "$APP" "$@"
}
# Content, inode, mode, owner and mtime: equal output means the file was not written. (Not ctime:
# removing a link to a file, as commit does in the upper layer or by renaming over a host path,
# changes its link count and so its ctime.)
fingerprint() { echo "$(sha256sum <"$1") $(stat -c '%i %a %u %Y' "$1")"; }

# A tree (TREE) of the command's, and a directory OUTSIDE it with a file `victim` (VICTIM) the
# committing account owns (root's, 0600, for root).
make_dirs() {
	local who=$1
	user_tmpdir TREE sbx-eoc-tree
	user_tmpdir OUTSIDE sbx-eoc-out
	mkdir -p "$TREE/sub"
	echo host-b >"$TREE/sub/b"
	echo host-a >"$TREE/a"
	chown -R "$(uid_in "$who"):$(uid_in "$who")" "$TREE"
	VICTIM=$OUTSIDE/victim
	echo VICTIM >"$VICTIM"
	if [ "$who" = root ]; then
		chown 0:0 "$OUTSIDE" "$VICTIM"
		chmod 0600 "$VICTIM"
	else
		chown "$TEST_UID:$TEST_GID" "$VICTIM"
	fi
	# Same filesystem as the upper layer (the home), so that a hard link to it can exist.
	[ "$(stat -c %d "$VICTIM")" = "$(stat -c %d "$(home_of "$who")")" ]
}

check_hardlink() {
	local who=$1 up before before2 v2
	make_dirs "$who"
	# A host file inside the tree that is also linked from outside it.
	v2=$OUTSIDE/linked
	echo LINKED >"$v2"
	chown "$(uid_in "$who"):$(uid_in "$who")" "$v2"
	ln "$v2" "$TREE/shared"
	run ssbx "$who" --overlay "$TREE" -- sh -c "echo app > $TREE/new && echo app >> $TREE/shared"
	[ "$status" -eq 0 ]
	up=$(overlay_state "$who" "$TREE")/upper
	# Planted in the upper layer on the host: a hard link to the victim outside the tree.
	if [ "$who" = root ]; then ln "$VICTIM" "$up/planted"; else as_user ln "$VICTIM" "$up/planted"; fi
	before=$(fingerprint "$VICTIM")
	before2=$(fingerprint "$v2")
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added     $TREE/planted"* ]]
	# The victims are not written; the tree's paths are new files of their own.
	assert_eq "$(fingerprint "$VICTIM")" "$before"
	assert_eq "$(fingerprint "$v2")" "$before2"
	[ "$(stat -c %i "$TREE/planted")" != "$(stat -c %i "$VICTIM")" ]
	[ "$(stat -c %i "$TREE/shared")" != "$(stat -c %i "$v2")" ]
	[ "$(cat "$TREE/shared")" = $'LINKED\napp' ]
	# A copy keeps the linked file's owner and mode: root's 0600 file stays root's and 0600.
	if [ "$who" = root ]; then [ "$(stat -c %a:%u "$TREE/planted")" = 600:0 ]; fi
	# Removing the upper's link left the victim in place, with its own link only.
	[ "$(cat "$VICTIM")" = VICTIM ]
	[ "$(stat -c %h "$VICTIM")" = 1 ]
	[ "$(stat -c %h "$v2")" = 1 ]
}
@test "escape-commit[user]: a hard link in the upper layer to a file outside the tree is copied by content; that file is not written" { check_hardlink user; }
@test "escape-commit[root]: a hard link in the upper layer to root's file outside the tree is copied (root's, 0600); that file is not written" { needs_root; check_hardlink root; }

check_symlinks() {
	local who=$1 before
	make_dirs "$who"
	before=$(fingerprint "$VICTIM")
	# The app makes symlinks to the outside, and one through which it then writes (dangling inside).
	run ssbx "$who" --overlay "$TREE" -- sh -c "ln -s $VICTIM $TREE/s && ln -s $OUTSIDE $TREE/dir &&
		echo app > $TREE/sub/new && echo app >> $TREE/sub/b"
	echo "$output"
	[ "$status" -eq 0 ]
	# Between the run and the commit, the host's sub/ becomes a symlink to the outside.
	mv "$TREE/sub" "$TREE/sub.real"
	ln -s "$OUTSIDE" "$TREE/sub"
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"conflict  $TREE/sub/  the host replaced this directory"* ]]
	[ "$(readlink "$TREE/s")" = "$VICTIM" ]
	[ "$(readlink "$TREE/dir")" = "$OUTSIDE" ]
	assert_eq "$(fingerprint "$VICTIM")" "$before"
	[ ! -e "$OUTSIDE/new" ]
	[ ! -e "$OUTSIDE/b" ]
	[ "$(cat "$TREE/sub.real/b")" = host-b ]
}
@test "escape-commit[user]: symlinks the app made are committed as symlinks, never followed; a host directory turned into a symlink is a conflict, not written through" { check_symlinks user; }
@test "escape-commit[root]: symlinks the app made are committed as symlinks, never followed; a host directory turned into a symlink is a conflict, not written through" { needs_root; check_symlinks root; }

check_swap_midway() {
	local who=$1 before
	make_dirs "$who"
	before=$(fingerprint "$VICTIM")
	run ssbx "$who" --overlay "$TREE" -- sh -c "echo app > $TREE/sub/victim && echo app > $TREE/sub/b"
	[ "$status" -eq 0 ]
	# Stopped right after its journal is written (the plan is made: sub/ is a directory) ...
	if [ "$who" = root ]; then
		run -137 as_root env SBX_TEST_COMMIT_KILL_AFTER=1 "$SBX" overlay commit "$APP"
	else
		run -137 as_user env SBX_TEST_COMMIT_KILL_AFTER=1 "$SBX" overlay commit "$APP"
	fi
	[ -e "$(overlay_state "$who" "$TREE")/commit.journal" ]
	# ... then sub/ becomes a symlink to the directory of the victim, and the commit is finished.
	mv "$TREE/sub" "$TREE/sub.real"
	ln -s "$OUTSIDE" "$TREE/sub"
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"sub/victim: Too many levels of symbolic links"* ]]
	assert_eq "$(fingerprint "$VICTIM")" "$before"
	[ "$(ls -A "$OUTSIDE")" = victim ]
	[ "$(cat "$TREE/sub.real/b")" = host-b ]
	# The journal stays until the commit can finish; reset drops it.
	[ -e "$(overlay_state "$who" "$TREE")/commit.journal" ]
	run sbx_as "$who" overlay reset "$APP"
	[ "$status" -eq 0 ]
	[ ! -e "$(overlay_state "$who" "$TREE")/commit.journal" ]
}
@test "escape-commit[user]: a host directory swapped for a symlink in the middle of a commit is not written through (openat2, no symlinks)" { check_swap_midway user; }
@test "escape-commit[root]: a host directory swapped for a symlink in the middle of a commit is not written through (openat2, no symlinks)" { needs_root; check_swap_midway root; }

check_journal_dotdot() {
	local who=$1 st
	make_dirs "$who"
	run ssbx "$who" --overlay "$TREE" -- sh -c "echo app > $TREE/x"
	st=$(overlay_state "$who" "$TREE")
	# A journal naming ../ paths, as if planted in the state directory.
	printf 'sbx-overlay-commit 1 0123456789abcdef\nW ../%s/victim\nX ../%s\n' "${OUTSIDE##*/}" "${OUTSIDE##*/}" >"$st/commit.journal"
	[ "$who" = root ] || chown "$TEST_UID:$TEST_GID" "$st/commit.journal"
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"its journal"*"Bad message"* ]]
	[ "$(cat "$VICTIM")" = VICTIM ]
	[ ! -e "$TREE/x" ]
}
@test "escape-commit[user]: a journal naming a path with .. is refused; nothing is written" { check_journal_dotdot user; }
@test "escape-commit[root]: a journal naming a path with .. is refused; nothing is written" { needs_root; check_journal_dotdot root; }
