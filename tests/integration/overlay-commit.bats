#!/usr/bin/env bats
# `sbx overlay commit APP [PATH] [--dry-run]` (issue 15): the app's upper layer applied to the host
# tree exactly (the host equals the merged view the app saw), conflicts refused per file, --dry-run
# changing nothing, and a commit killed at any point (a test hook and real kill -9) leaving every
# host file old or new, finished by the next commit. As the test user and as root (the command runs
# as 65534; the state is root's).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { app_state_setup oc; }
teardown() { app_state_teardown; }

upper_of() { echo "$(state_of "$1" "$APP")/overlay/$(escaped "$2")/upper"; }
# The state directory's name of an overlaid path (appstate_escape_path for the names tests use).

ssbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet --app "$APP" "$@"
}

# Names, types, modes, sizes, symlink targets and checksums of everything below DIR (not the
# sizes of directories: ext4 does not shrink a directory whose temporary entries are gone).
TREE_SUM='{ find . -type d -printf "%p %y %m\n"; find . ! -type d -printf "%p %y %m %s %l\n"; } | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum'
tree_sum() { (cd "$1" && eval "$TREE_SUM"); }
# The same, of the merged view the app sees.
merged_sum() { ssbx "$1" --overlay "$2" -- sh -c "cd $2 && $TREE_SUM"; }
# Fails showing the differing lines when two listings differ.
same_tree() { diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2; }
upper_list() { (cd "$1" && find . -printf '%p %y %m %s\n' | LC_ALL=C sort); }

# state_tree's tree plus keep and a symlink lnk -> a, in MADE_TREE.
make_tree() {
	state_tree "$1" sbx-commit || return 1
	echo keep >"$MADE_TREE/keep"
	ln -s a "$MADE_TREE/lnk"
	chown -h "$(uid_in "$1"):$(uid_in "$1")" "$MADE_TREE/keep" "$MADE_TREE/lnk"
}

# The changes of state.bats's round trip, and a symlink, a hard link and a file replaced by a directory.
CHANGES='echo new > added && echo more >> a && rm -r gone && mv ren ren2 && chmod 0700 mode &&
	rm -r redo && mkdir redo && echo fresh > redo/new && mkdir newdir && echo n > newdir/f &&
	ln -s ../keep newdir/l && ln a a-link && rm lnk && ln -s keep lnk && rm sub/b && mkdir sub/b &&
	echo deep > sub/b/x && chmod 0750 sub && touch -d 2001-02-03T04:05:06 keep'

check_commit_exact() {
	local who=$1 d before merged upper
	make_tree "$who"
	d=$MADE_TREE
	before=$(tree_sum "$d")
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && $CHANGES"
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "$(tree_sum "$d")" "$before"
	merged=$(merged_sum "$who" "$d")
	upper=$(upper_list "$(upper_of "$who" "$d")")
	# --dry-run: says what would happen, changes neither the host nor the upper layer.
	run sbx_as "$who" overlay commit "$APP" "$d" --dry-run
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"modified  $d/a  6 -> 11 bytes"* ]]
	[[ "$output" == *"deleted   $d/gone/"* ]]
	[[ "$output" == *"mode      $d/mode  0644 -> 0700"* ]]
	[[ "$output" == *"added     $d/redo/new  6 bytes"* ]]
	[[ "$output" == *"deleted   $d/redo/old"* ]]
	[[ "$output" == *"added     $d/newdir/l  symlink"* ]]
	[[ "${lines[-1]}" == "$APP: would commit "*" (dry run: nothing changed)" ]]
	assert_eq "$(tree_sum "$d")" "$before"
	assert_eq "$(upper_list "$(upper_of "$who" "$d")")" "$upper"
	# The commit: the host now is the merged view, the upper layer is empty, diff says nothing.
	run sbx_as "$who" overlay commit "$APP" "$d"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "$APP: committed "*", 0 conflicting" ]]
	same_tree "$(tree_sum "$d")" "$merged"
	assert_eq "$(upper_list "$(upper_of "$who" "$d")")" ". d 755 4096"
	[ "$(stat -c %Y "$d/keep")" = "$(date -d 2001-02-03T04:05:06 +%s)" ]
	[ "$(stat -c %u:%g "$d/added")" = "$(uid_in "$who"):$(uid_in "$who")" ]
	# A hard link in the upper layer is committed as a copy; a symlink as a symlink.
	[ "$(stat -c %i "$d/a")" != "$(stat -c %i "$d/a-link")" ]
	[ "$(readlink "$d/newdir/l")" = ../keep ]
	run sbx_as "$who" overlay diff "$APP"
	[ -z "$output" ]
	same_tree "$(merged_sum "$who" "$d")" "$merged"
	! compgen -G "$d/.sbx-commit.*"
	! compgen -G "$d/*/.sbx-commit.*"
	[ ! -e "$(state_of "$who" "$APP")/overlay/$(escaped "$d")/commit.journal" ]
	# Nothing left: a second commit has nothing to do.
	run sbx_as "$who" overlay commit "$APP"
	[ "$status" -eq 0 ]
	[ "$output" = "$APP: nothing to commit in $d" ]
}
@test "overlay-commit[user]: commit applies add, modify, delete, rename, chmod, touch, symlinks, a re-created directory exactly; --dry-run changes nothing" { check_commit_exact user; }
@test "overlay-commit[root]: commit applies add, modify, delete, rename, chmod, touch, symlinks, a re-created directory exactly (owners kept); --dry-run changes nothing" { needs_root; check_commit_exact root; }

check_conflicts() {
	local who=$1 d
	make_tree "$who"
	d=$MADE_TREE
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && echo app >> a && echo app >> keep && rm sub/b && rm -r gone && echo app > mode && rm -r redo && mkdir redo && echo app > redo/new && echo app > added"
	[ "$status" -eq 0 ]
	# On the host, after the app's run: a changed, sub/b touched, a file added under gone/, a new
	# file in the directory the app made again, a chmod.
	echo host >>"$d/a"
	touch "$d/sub/b"
	echo host >"$d/gone/new"
	echo host >"$d/redo/host"
	chmod 0600 "$d/mode"
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 1 ]
	assert_eq "$(grep '^conflict' <<<"$output")" "conflict  $d/a  changed on the host since the app changed it
conflict  $d/gone/  changed on the host since the app deleted it
conflict  $d/mode  changed on the host since the app changed it
conflict  $d/redo/host  changed on the host since the app replaced its directory
conflict  $d/sub/b  changed on the host since the app deleted it"
	[ "${lines[-1]}" = "$APP: committed 2 added, 1 modified, 1 deleted, 5 conflicting (left in the upper layer)" ]
	# The others are applied; the host's versions of the conflicting ones are untouched.
	[ "$(cat "$d/keep")" = $'keep\napp' ]
	[ "$(cat "$d/added")" = app ]
	[ "$(cat "$d/redo/new")" = app ]
	[ ! -e "$d/redo/old" ]
	[ "$(cat "$d/a")" = $'alpha\nhost' ]
	[ "$(cat "$d/gone/c")" = gamma ]
	[ "$(cat "$d/redo/host")" = host ]
	[ "$(stat -c %a "$d/mode")" = 600 ]
	# The app still sees its own versions of the conflicting paths.
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && cat a mode && ls redo && test ! -e gone && test ! -e sub/b && echo ok"
	echo "$output"
	[ "$output" = $'alpha\napp\napp\nnew\nok' ]
	# The directory the app made again stays opaque (a host file in it conflicts), so redo/new,
	# applied, also stays in the upper layer; the next commit finds it already on the host.
	# A second commit refuses the same ones again; reset drops them and the app sees the host's.
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(grep -c '^conflict' <<<"$output")" = 5 ]
	[ "${lines[-1]}" = "$APP: committed 0 added, 0 modified, 0 deleted, 5 conflicting (left in the upper layer)" ]
	run sbx_as "$who" overlay reset "$APP"
	[ "$status" -eq 0 ]
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && cat a && ls redo && ls gone"
	[ "$output" = $'alpha\nhost\nhost\nnew\nc\nnew' ]
	same_tree "$(merged_sum "$who" "$d")" "$(tree_sum "$d")"
}
@test "overlay-commit[user]: paths the host changed after the app did are refused per file and stay in the upper layer; the rest is applied; reset drops them" { check_conflicts user; }
@test "overlay-commit[root]: paths the host changed after the app did are refused per file and stay in the upper layer; the rest is applied; reset drops them" { needs_root; check_conflicts root; }

# A tree of N files of a few KB each (old-I), and the app's run rewriting each (new-I, other sizes),
# deleting a third of a directory of them and adding new ones.
make_many() {
	local who=$1 n=$2 d
	user_tmpdir d sbx-commit-many || return 1
	mkdir "$d/del"
	/usr/bin/python3 - "$d" "$n" <<-'EOF'
		import os, sys
		d, n = sys.argv[1], int(sys.argv[2])
		for i in range(n):
		    with open(f"{d}/f{i}", "w") as f:
		        f.write(f"old-{i}\n" * (300 + i))
		for i in range(n // 3):
		    with open(f"{d}/del/g{i}", "w") as f:
		        f.write(f"gone-{i}\n")
	EOF
	chown -R "$(uid_in "$who"):$(uid_in "$who")" "$d"
	ssbx "$who" --overlay "$d" -- sh -c "cd $d && for f in f*; do printf 'new-%s\n' \$f > \$f; done && rm del/g1* && mkdir added && for i in \$(seq 1 20); do echo \$i > added/n\$i; done" || return 1
	MANY=$d
}

# Every file of the tree is whole: f* old or new, added/n* absent or complete; no file is
# half-written.
check_whole() {
	/usr/bin/python3 - "$1" "$2" <<-'EOF'
		import os, sys
		d, n = sys.argv[1], int(sys.argv[2])
		bad = []
		for i in range(n):
		    data = open(f"{d}/f{i}").read()
		    if data not in (f"new-f{i}\n", f"old-{i}\n" * (300 + i)):
		        bad.append(f"f{i}: {data[:40]!r}")
		for i in range(1, 21):
		    p = f"{d}/added/n{i}"
		    if os.path.exists(p) and open(p).read() != f"{i}\n":
		        bad.append(p)
		if bad:
		    sys.exit("torn: " + ", ".join(bad))
	EOF
}

# sbx overlay commit APP DIR as WHO with the test hook stopping it after K steps.
killed_commit() {
	local who=$1 k=$2 d=$3
	if [ "$who" = root ]; then
		as_root env SBX_TEST_COMMIT_KILL_AFTER="$k" "$SBX" overlay commit "$APP" "$d"
	else
		as_user env SBX_TEST_COMMIT_KILL_AFTER="$k" "$SBX" overlay commit "$APP" "$d"
	fi
}

check_kill_hook() {
	local who=$1 d merged n=240 k
	make_many "$who" "$n"
	d=$MANY
	merged=$(merged_sum "$who" "$d")
	# Stopped (SIGKILL) after k steps: points in the temporary files, the renames, the directory
	# times and the upper side's cleanup (once the journal says "applied"), until a k beyond the
	# last step lets it finish.
	local kills=0 in_cleanup=0 journal last
	journal=$(state_of "$who" "$APP")/overlay/$(escaped "$d")/commit.journal
	for k in 1 2 3 50 241 300 480 530 540 600 700 760 780 790 800 810 820 840 860 900 1000 1200; do
		run killed_commit "$who" "$k" "$d"
		last=$status
		[ "$status" -eq 0 ] && break
		[ "$status" -eq 137 ]
		kills=$((kills + 1))
		check_whole "$d" "$n"
		[ "$(tail -n 1 "$journal")" != applied ] || in_cleanup=$((in_cleanup + 1))
		# While the journal is pending, the app does not start on a half-committed view.
		run ssbx "$who" --overlay "$d" -- true
		[ "$status" -eq 125 ]
		[[ "$output" == *"an interrupted commit is pending"* ]]
		run sbx_as "$who" overlay commit "$APP" --dry-run
		[[ "$output" == "$APP: an interrupted commit of $d is pending ("*" operations); a commit finishes it first" ]]
	done
	echo "$kills kills, $in_cleanup in the cleanup"
	[ "$kills" -ge 12 ]
	[ "$in_cleanup" -ge 1 ]
	# The commit that finished (the last k, or a plain one) finished the interrupted one.
	if [ "$last" -ne 0 ]; then
		run sbx_as "$who" overlay commit "$APP"
		[ "$status" -eq 0 ]
	fi
	echo "$output"
	[[ "$output" == *"finished an interrupted commit of $d"* ]]
	same_tree "$(tree_sum "$d")" "$merged"
	! compgen -G "$d/.sbx-commit.*"
	! compgen -G "$d/added/.sbx-commit.*"
	run sbx_as "$who" overlay diff "$APP"
	[ -z "$output" ]
}
@test "overlay-commit[user]: commit stopped by SIGKILL after k steps (test hook) leaves every file old or new; a run is refused meanwhile; the next commit finishes" { check_kill_hook user; }
@test "overlay-commit[root]: commit stopped by SIGKILL after k steps (test hook) leaves every file old or new; the next commit finishes" { needs_root; check_kill_hook root; }

check_kill_random() {
	local who=$1 d merged n=240 i pid
	make_many "$who" "$n"
	d=$MANY
	merged=$(merged_sum "$who" "$d")
	# Real SIGKILLs at whatever point the commit has reached (the assertion does not depend on where).
	# spawn_sbx gives sbx's own pid: a kill of the as_root/as_user subshell would leave the commit
	# running on, unkilled, and holding its lock when the last commit starts.
	for i in 1 2 3 4 5 6; do
		spawn_sbx pid /dev/null "$who" overlay commit "$APP"
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" || true
		check_whole "$d" "$n"
	done
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 0 ]
	same_tree "$(tree_sum "$d")" "$merged"
	! compgen -G "$d/.sbx-commit.*"
	! compgen -G "$d/added/.sbx-commit.*"
}
@test "overlay-commit[user]: commit killed with SIGKILL at random moments leaves every file old or new; the next commit finishes" { check_kill_random user; }
@test "overlay-commit[root]: commit killed with SIGKILL at random moments leaves every file old or new; the next commit finishes" { needs_root; check_kill_random root; }

check_running() {
	local who=$1 d pid out
	make_tree "$who"
	d=$MADE_TREE
	out=$BATS_TEST_TMPDIR/run.out
	spawn_sbx pid "$out" "$who" --quiet --app "$APP" --overlay "$d" -- sh -c "echo x > $d/started; exec sleep 60"
	wait_until 20 test -e "$(upper_of "$who" "$d")/started"
	run sbx_as "$who" overlay commit "$APP"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"$APP runs with this overlay"* ]]
	[ ! -e "$d/started" ]
	kill -KILL "$pid"
	wait "$pid" || true
	run sbx_as "$who" overlay commit "$APP"
	[ "$status" -eq 0 ]
	[ -e "$d/started" ]
}
@test "overlay-commit[user]: commit while the app runs with the overlay is refused" { check_running user; }
@test "overlay-commit[root]: commit while the app runs with the overlay is refused" { needs_root; check_running root; }
