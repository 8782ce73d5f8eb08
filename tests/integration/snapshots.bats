#!/usr/bin/env bats
# `sbx apps snapshot|snapshots|rollback` (issue 15): a snapshot of an app's whole state (persistent
# home and overlay upper layers, whiteouts and opaque directories with their user.overlay.* xattrs
# included) taken, changed, and rolled back to exactly; the output says whether reflinks or copies
# were used. As the test user and as root (the state is root's, its files 65534's).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { app_state_setup sn; }
teardown() { app_state_teardown; }

ssbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet --app "$APP" "$@"
}

# Everything of the app's home and upper layers: names, types, modes, owners, sizes, mtimes, link
# targets, device numbers, checksums and extended attributes (not the overlays' work directories,
# not the snapshots).
state_dump() {
	(cd "$1" && find home overlay -path 'overlay/*/work' -prune -o -printf '%p %y %m %u %s %T@ %l %D\n' | LC_ALL=C sort &&
		find home overlay -path 'overlay/*/work' -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum &&
		/usr/bin/python3 -c '
import os, re
skip = re.compile(r"^\./snapshots(/|$)|^\./overlay/[^/]+/work(/|$)")
for root, dirs, files in sorted(os.walk(".")):
    for n in sorted(dirs + files):
        p = os.path.join(root, n)
        if skip.match(p):
            continue
        print(p, sorted((x, os.getxattr(p, x, follow_symlinks=False)) for x in os.listxattr(p, follow_symlinks=False)) if not os.path.islink(p) else "")
')
}

check_snapshot() {
	local who=$1 d st before merged
	user_tmpdir d sbx-snap
	mkdir "$d/dir"
	echo a >"$d/a"
	echo b >"$d/b"
	echo c >"$d/dir/c"
	chown -R "$(uid_in "$who"):$(uid_in "$who")" "$d"
	run ssbx "$who" --home persistent --overlay "$d" -- sh -c "echo one > ~/setting && mkdir ~/.cfg && ln -s ../setting ~/.cfg/link &&
		cd $d && echo more >> a && rm b && rm -r dir && mkdir dir && echo new > dir/n && chmod 0600 dir/n"
	echo "$output"
	[ "$status" -eq 0 ]
	st=$(state_of "$who" "$APP")
	before=$(state_dump "$st")
	# The upper layer holds a whiteout (b) and an opaque directory (dir): both must survive.
	[ "$(stat -c %t:%T "$st"/overlay/*/upper/b)" = 0:0 ]
	merged=$(ssbx "$who" --home persistent --overlay "$d" -- sh -c "cat ~/setting ~/.cfg/link; cd $d && ls -A; ls dir; cat a")
	run sbx_as "$who" apps snapshot "$APP" first
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "$APP: snapshot first taken ("*" files; "*")" ]]
	# ext4 here: copies, and the output says so; a reflinking filesystem says reflinks.
	if [ "$(stat -f -c %T "$st")" = ext2/ext3 ]; then [[ "$output" == *"copies: this filesystem has no reflinks"* ]]; fi
	run sbx_as "$who" apps snapshot "$APP" first
	[ "$status" -eq 125 ]
	[[ "$output" == *"a snapshot named first exists"* ]]
	run sbx_as "$who" apps snapshot "$APP" ../x
	[ "$status" -eq 125 ]
	# Changes after the snapshot, in the home and the overlay.
	ssbx "$who" --home persistent --overlay "$d" -- sh -c "echo two > ~/setting && rm -r ~/.cfg && cd $d && echo b-again > b && rm a && rm -r dir"
	[ "$(state_dump "$st")" != "$before" ]
	run sbx_as "$who" apps snapshots "$APP"
	echo "$output"
	[[ "$output" =~ ^first\ +[0-9-]+\ [0-9:]+\ +[0-9]+\ bytes$ ]]
	run sbx_as "$who" apps rollback "$APP" first
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "$APP: rolled back to snapshot first ("* ]]
	diff <(echo "$before") <(state_dump "$st")
	# The app sees the state of the snapshot again.
	assert_eq "$(ssbx "$who" --home persistent --overlay "$d" -- sh -c "cat ~/setting ~/.cfg/link; cd $d && ls -A; ls dir; cat a")" "$merged"
	# The snapshot is a copy, not links: the state's files are other inodes.
	[ "$(stat -c %i "$st/home/setting")" != "$(stat -c %i "$st/snapshots/first/home/setting")" ]
	[ "$(stat -c %h "$st/home/setting")" = 1 ]
	run sbx_as "$who" apps rollback "$APP" nope
	[ "$status" -eq 125 ]
	[[ "$output" == *"no snapshot named nope"* ]]
	[ "$(stat -c %a "$st/snapshots")" = 700 ]
}
@test "snapshots[user]: snapshot, change, rollback restores the home and the upper layer exactly (whiteouts, opaque directories, xattrs)" { check_snapshot user; }
@test "snapshots[root]: snapshot, change, rollback restores root's state exactly, owners (65534) included" { needs_root; check_snapshot root; }
