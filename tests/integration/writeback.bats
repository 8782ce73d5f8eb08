#!/usr/bin/env bats
# grant-args edit for a file whose directory stays out (writeback.h): directly in the home or in
# /tmp, the sandbox edits a private copy, which it may replace (save by rename), and sbx writes the
# sandbox's last version back when the sandbox ends: never over a host file that changed meanwhile,
# never through a symlink the sandbox left, nothing when nothing changed. For the test user and for
# root (whose command runs as nobody).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { unset AS_USER_CWD AS_ROOT_CWD; }

teardown() {
	unset AS_USER_CWD AS_ROOT_CWD
	sbx_cleanup
}

# A file of WHO's at PATH with CONTENT, mode 0640, an old mtime.
host_file() {
	local who=$1 path=$2 content=$3
	printf '%s\n' "$content" >"$path"
	if [ "$who" = user ]; then chown "$TEST_UID:$TEST_GID" "$path"; fi
	chmod 0640 "$path"
	touch -d '2020-01-02 03:04:05' "$path"
	cleanup_path "$path"
}

# sbx as WHO with grant-args edit, the file named as the shell's $1.
edit_sbx() {
	local who=$1 file=$2 script=$3
	shift 3
	sbx_as "$who" "$@" --grant-args edit -- sh -c "$script" sh "$file"
}

# run_edit WHO FILE SCRIPT [SBX OPTIONS]: edit_sbx under bats' run, both streams shown on failure.
run_edit() {
	run --separate-stderr edit_sbx "$@"
	echo "stdout: $output"$'\n'"stderr: $stderr"
}

check_save_by_rename() {
	local who=$1 f
	f=$(home_of "$who")/sbx-wb-$$.txt
	host_file "$who" "$f" original
	# What an editor built on GIO does: a new file beside the old one, renamed over it.
	run_edit "$who" "$f" \
		'cat "$1"; printf "edited\n" > "$1.new" && mv "$1.new" "$1" && echo saved; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = $'original\nsaved' ]
	grep -qF "$f is edited in a private copy, written back when the sandbox ends (its directory stays out:" <<<"$stderr"
	grep -qF "sbx: note: ~/sbx-wb-$$.txt: the sandbox's changes are written back" <<<"$stderr"
	! grep -q "discarded" <<<"$stderr"
	[ "$(cat "$f")" = edited ]
	# The host file's owner and permissions; nothing left beside it.
	[ "$(stat -c %a "$f")" = 640 ]
	[ "$(stat -c %u "$f")" = "$([ "$who" = root ] && echo 0 || echo "$TEST_UID")" ]
	[ -z "$(find "$(dirname "$f")" -maxdepth 1 -name ".sbx-wb-$$.txt.sbx-*")" ]
}
@test "writeback[user]: a file in ~ saved by rename inside is written back; owner, mode and exit status kept" { check_save_by_rename user; }
@test "writeback[root]: a file in ~ saved by rename inside is written back; owner, mode and exit status kept" { needs_root; check_save_by_rename root; }

check_unchanged() {
	local who=$1 f before
	f=$(home_of "$who")/sbx-wb-$$.txt
	host_file "$who" "$f" original
	before=$(stat -c '%i %Y %s' "$f")
	# Read, and saved again with the same bytes: the host file is not touched.
	run_edit "$who" "$f" 'cat "$1" > "$1.new" && mv "$1.new" "$1"' --quiet
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(stat -c '%i %Y %s' "$f")" = "$before" ]
}
@test "writeback[user]: an unchanged copy leaves the host file as it was (same inode and mtime), silently" { check_unchanged user; }
@test "writeback[root]: an unchanged copy leaves the host file as it was (same inode and mtime), silently" { needs_root; check_unchanged root; }

check_in_place_and_tmp() {
	local who=$1 f t
	f=$(home_of "$who")/sbx-wb-$$.txt
	host_file "$who" "$f" original
	run_edit "$who" "$f" 'printf "rewritten\n" > "$1"' --quiet
	[ "$status" -eq 0 ]
	[ "$(cat "$f")" = rewritten ]
	# /tmp is shared: never granted, but a file in it is edited the same way.
	t=/tmp/sbx-wb-$$.txt
	host_file "$who" "$t" draft
	run_edit "$who" "$t" 'printf "final\n" > "$1.new" && mv "$1.new" "$1"'
	[ "$status" -eq 0 ]
	[ "$(cat "$t")" = final ]
	grep -qF "sbx: note: $t: the sandbox's changes are written back" <<<"$stderr"
}
@test "writeback[user]: a copy changed in place, and a file in /tmp, are written back" { check_in_place_and_tmp user; }
@test "writeback[root]: a copy changed in place, and a file in /tmp, are written back" { needs_root; check_in_place_and_tmp root; }

# check_host_changed WHO SAVE: SAVE is how the sandbox saves its copy (in place, or by rename: then
# the walk lists the new file itself).
check_host_changed() {
	local who=$1 save=$2 f out pid
	f=$(home_of "$who")/sbx-wb-$$.txt
	host_file "$who" "$f" original
	out=$(mktemp /tmp/sbx-wb-out.XXXXXX)
	cleanup_path "$out"
	# Another program saves the host file while the sandbox edits its copy.
	spawn_sbx pid "$out" "$who" --quiet --grant-args edit -- \
		sh -c "echo started; sleep 2; $save" sh "$f"
	wait_until 30 grep -q started "$out"
	printf 'host\n' >"$f"
	wait "$pid" || true
	cat "$out"
	[ "$(cat "$f")" = host ]
	grep -qF "sbx: warning: ~/sbx-wb-$$.txt was edited in a private copy and not written back: the host file changed while the sandbox ran" "$out"
	# The sandbox's version is reported as discarded, where --keep-discarded would keep it.
	grep -qxF "  ~/sbx-wb-$$.txt  8 B" "$out"
}
in_place='printf "sandbox\n" > "$1"'
by_rename='printf "sandbox\n" > "$1.new" && mv "$1.new" "$1"'
@test "writeback[user]: a host file that changed meanwhile is not overwritten; the copy is reported discarded" { check_host_changed user "$in_place"; }
@test "writeback[root]: a host file that changed meanwhile is not overwritten; the copy is reported discarded" { needs_root; check_host_changed root "$in_place"; }
@test "writeback[user]: a host file that changed meanwhile is not overwritten; a copy saved by rename is reported discarded" { check_host_changed user "$by_rename"; }
@test "writeback[root]: a host file that changed meanwhile is not overwritten; a copy saved by rename is reported discarded" { needs_root; check_host_changed root "$by_rename"; }

check_no_symlink() {
	local who=$1 f
	f=$(home_of "$who")/sbx-wb-$$.txt
	host_file "$who" "$f" original
	run_edit "$who" "$f" 'rm "$1" && ln -s /etc/passwd "$1"' --quiet
	[ "$status" -eq 0 ]
	[ "$(cat "$f")" = original ]
	[ ! -L "$f" ]
	grep -qF "not written back: the sandbox left something else than a file there" <<<"$stderr"
	# Removed inside: the host file stays, and sbx says so.
	run_edit "$who" "$f" 'rm "$1"' --quiet
	[ "$(cat "$f")" = original ]
	grep -qF "not written back: the sandbox removed it; the host file stays as it was" <<<"$stderr"
}
@test "writeback[user]: a symlink the sandbox left is not followed, a removal not copied; the host file stays" { check_no_symlink user; }
@test "writeback[root]: a symlink the sandbox left is not followed, a removal not copied; the host file stays" { needs_root; check_no_symlink root; }

@test "writeback: --explain shows the copy; a file in a sensitive directory is still granted alone" {
	local f c
	f=$TEST_HOME/sbx-wb-$$.txt
	host_file user "$f" original
	run -0 sbx_user --explain --grant-args edit -- cat "$f"
	echo "$output"
	echo "$output" | grep -E "^  copy +$f +<- $f, a private copy, written back when the sandbox ends"
	! echo "$output" | grep -E "^  bind +$f "
	[ -d "$TEST_HOME/.config" ] || { as_user mkdir "$TEST_HOME/.config"; cleanup_path "$TEST_HOME/.config"; }
	c=$TEST_HOME/.config/sbx-wb-$$.conf
	host_file user "$c" setting
	run -0 sbx_user --explain --grant-args edit -- cat "$c"
	echo "$output"
	[[ $output == *"granted $c alone (saving by rename will fail), not its directory: "* ]]
	echo "$output" | grep -E "^  bind +$c +<- "
}
