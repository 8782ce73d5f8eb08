#!/usr/bin/env bats
# Per-app state (issue 15): `home persistent` keeps the app's own home in
# ~/.local/share/sbx/apps/APP/home across runs while the real home stays hidden; `overlay PATH`
# shows the host's files and keeps every change in the app's upper layer, leaving the host's bytes
# alone; `sbx overlay diff|reset`, `sbx apps [reset]`. As the test user and as root (the command
# runs as 65534; the state is root's, its writable part handed to 65534).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	unset AS_USER_CWD AS_ROOT_CWD
	APP=st-$BATS_TEST_NUMBER-$$
	# Registered here: `run` calls ssbx in a subshell, whose cleanup_path would be lost.
	cleanup_path "$(state_of user "$APP")"
	if _sbx_is_root; then cleanup_path "$(state_of root "$APP")"; fi
}

teardown() {
	unset AS_USER_CWD AS_ROOT_CWD
	sbx_cleanup
	# The directories above the apps' own, when no other app's state is left in them.
	rmdir "$(home_of root)"/.local/share/sbx/apps "$(home_of root)"/.local/share/sbx 2>/dev/null || true
}

set_cwd() { if [ "$1" = root ]; then export AS_ROOT_CWD=$2; else export AS_USER_CWD=$2; fi; }

# sbx as WHO, quiet, with the test's app name; the app's state is removed at teardown.
ssbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet --app "$APP" "$@"
}

make_tree() { state_tree "$1" sbx-state; }

# Names, modes, sizes and checksums of everything below DIR: equal output means equal trees.
tree_sum() {
	(cd "$1" && find . -printf '%p %y %m %s\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

# ---- home persistent ----

check_sqlite_setting() {
	local who=$1 home dir
	home=$(home_of "$who")
	user_tmpdir dir sbx-state-cwd
	chown "$(uid_in "$who"):$(uid_in "$who")" "$dir"
	set_cwd "$who" "$dir"
	# A real ~/.ssh on the host that must stay out of sight.
	if [ ! -d "$home/.ssh" ]; then
		mkdir -m 0700 "$home/.ssh" && cleanup_path "$home/.ssh"
		[ "$who" = root ] || chown "$TEST_UID:$TEST_GID" "$home/.ssh"
	fi
	run ssbx "$who" --home persistent -- sh -c 'printf ".headers on\n" > ~/.sqliterc; ls -A ~'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *.ssh* ]]
	run ssbx "$who" --home persistent sqlite3 :memory: 'select 1 as x, 2 as y;'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'x|y\n1|2' ]
	# The control: the default home is new each run, so sqlite3 prints no header.
	run ssbx "$who" sqlite3 :memory: 'select 1 as x, 2 as y;'
	[ "$output" = "1|2" ]
	run ssbx "$who" --home persistent -- sh -c 'test -e ~/.ssh; echo $?; ls -A ~'
	echo "$output"
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = .sqliterc ]
	# On the host: the file is in the app's home, which is 0700 and the command's.
	local st
	st=$(state_of "$who" "$APP")
	[ "$(cat "$st/home/.sqliterc")" = ".headers on" ]
	[ "$(stat -c %a:%u "$st/home")" = "700:$(uid_in "$who")" ]
	[ "$(stat -c %a "$st")" = 700 ]
	if [ "$who" = root ]; then
		# Only the home is handed to 65534; everything above stays root's.
		[ "$(stat -c %u "$st")" = 0 ]
		[ "$(stat -c %u "$(dirname "$st")")" = 0 ]
	fi
	[ ! -e "$home/.sqliterc" ] || [ "$(cat "$home/.sqliterc")" != ".headers on" ]
}
@test "state[user]: home persistent keeps sqlite3's ~/.sqliterc across runs; ~/.ssh stays absent" { check_sqlite_setting user; }

# Root runs the command as 65534, whose passwd home (/nonexistent) is where sqlite3 looks; git reads
# $HOME, which is root's home inside, the app's own directory.
@test "state[root]: home persistent keeps git's ~/.gitconfig across runs (root's state, home handed to 65534); /root/.ssh stays absent" {
	needs_root
	local st dir
	user_tmpdir dir sbx-state-cwd
	chown 65534:65534 "$dir"
	export AS_ROOT_CWD=$dir  # git's profile grants the working directory, which must not be /
	if [ ! -d /root/.ssh ]; then mkdir -m 0700 /root/.ssh && cleanup_path /root/.ssh; fi
	run ssbx root --home persistent -- git config --global user.name "State Test"
	echo "$output"
	[ "$status" -eq 0 ]
	run ssbx root --home persistent -- sh -c 'git config --global user.name; test -e ~/.ssh; echo $?; id -u'
	echo "$output"
	[ "$output" = $'State Test\n1\n65534' ]
	run ssbx root -- git config --global user.name
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	st=$(state_of root "$APP")
	[ "$(stat -c %a:%u "$st/home")" = 700:65534 ]
	[ "$(stat -c %a:%u "$st")" = 700:0 ]
	[ "$(stat -c %u "$(dirname "$st")")" = 0 ]
	grep -q "State Test" "$st/home/.gitconfig"
}

check_home_grants() {
	local who=$1 dir home
	home=$(home_of "$who")
	user_tmpdir dir sbx-state-grant
	chown "$(uid_in "$who"):$(uid_in "$who")" "$dir"
	echo granted >"$dir/g"
	# A grant inside the home is mounted on top of the app's home.
	run ssbx "$who" --home persistent --ro-bind "$dir:$home/granted" -- sh -c 'cat ~/granted/g; echo kept > ~/k'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = granted ]
	run ssbx "$who" --home persistent -- sh -c 'cat ~/k; ls ~/granted | wc -l'
	[ "${lines[0]}" = kept ]
	[ "${lines[1]}" = 0 ]
}
@test "state[user]: grants are mounted on top of the persistent home" { check_home_grants user; }
@test "state[root]: grants are mounted on top of the persistent home" { needs_root; check_home_grants root; }

# sbx hides its state inside a granted home with a read-only tmpfs; root's 0700 /root is out of
# reach for the command (65534), so there is nothing to hide and the run must not fail over it.
@test "state[root]: a grant of root's whole home runs while root has app state, which stays out of reach" {
	needs_root
	ssbx root --home persistent -- true
	[ -d "$(state_of root "$APP")" ]
	run ssbx root --bind /root -- sh -c 'ls /root/.local/share/sbx/apps; echo "rc=$?"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"Permission denied"* ]]
	[[ $output == *rc=2 ]]
}

@test "state: home persistent from a profile, and --explain names the app's home" {
	user_profile "$APP.profile" 'home persistent'
	cleanup_path "$(state_of user "$APP")"
	run sbx_user --explain --profile "$TEST_HOME/.config/sbx/profiles/$APP.profile" --app "$APP" -- true
	echo "$output"
	[ "$status" -eq 0 ]
	grep -E "^  bind +$TEST_HOME +.*<- $TEST_HOME/.local/share/sbx/apps/$APP/home .*$APP.profile:1" <<<"$output"
	# --explain creates nothing.
	[ ! -e "$(state_of user "$APP")" ]
	run sbx_user --explain --json --home persistent --app "$APP" -- true
	grep -q "\"src\":\"$TEST_HOME/.local/share/sbx/apps/$APP/home\",\"label\":\"private\"" <<<"$output"
	grep -q '"kept":true' <<<"$output"
}

@test "state: bad --app, --home and profile lines are refused with exit 125" {
	run sbx_user --app ../x -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--app '../x': expected"* ]]
	run sbx_user --home disk -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--home 'disk': expected 'tmpfs' or 'persistent'"* ]]
	user_profile "$APP.profile" $'net none\nhome kept'
	run sbx_user --profile "$TEST_HOME/.config/sbx/profiles/$APP.profile" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"$APP.profile:2:6: "*"expected 'tmpfs' or 'persistent'"* ]]
	user_profile "$APP.profile" 'overlay relative/dir'
	run sbx_user --profile "$TEST_HOME/.config/sbx/profiles/$APP.profile" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"$APP.profile:1:9: "* ]]
}

@test "state: a symlink in place of the app's home is refused, not followed" {
	local st victim
	st=$(state_of user "$APP")
	cleanup_path "$st"
	user_tmpdir victim sbx-state-victim
	as_user mkdir -p "$st"
	as_user ln -s "$victim" "$st/home"
	run sbx_user --app "$APP" --home persistent -- sh -c 'echo x > ~/planted'
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"home is not a directory (a symlink is refused)"* ]]
	[ ! -e "$victim/planted" ]
}

# ---- sbx apps ----

check_apps() {
	local who=$1
	ssbx "$who" --home persistent -- sh -c 'head -c 100000 /dev/zero > ~/blob'
	run sbx_as "$who" apps
	echo "$output"
	[ "$status" -eq 0 ]
	grep -E "^$APP +[0-9.]+K +home$" <<<"$output"
	# Not on a terminal: refused without --yes, nothing deleted.
	run sbx_as "$who" apps reset "$APP" </dev/null
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"stdin is not a terminal"*"--yes"* ]]
	[ -f "$(state_of "$who" "$APP")/home/blob" ]
	run sbx_as "$who" apps reset "$APP" --yes
	[ "$status" -eq 0 ]
	[ "$output" = "$APP: state deleted" ]
	[ ! -e "$(state_of "$who" "$APP")" ]
	run sbx_as "$who" apps
	! grep -q "^$APP " <<<"$output"
}
@test "state[user]: sbx apps lists the app with its size; apps reset refuses without --yes off a terminal, deletes with it" { check_apps user; }
@test "state[root]: sbx apps lists root's apps; apps reset --yes deletes 65534's files in root's state" { needs_root; check_apps root; }

@test "state: apps reset on a terminal asks and deletes only on y" {
	ssbx user --home persistent -- sh -c 'echo x > ~/f'
	run as_user script -qec "echo n | $SBX apps reset $APP" /dev/null
	[ -f "$(state_of user "$APP")/home/f" ]
	run as_user script -qec "$SBX apps reset $APP" /dev/null <<<"y"
	echo "$output"
	[[ "$output" == *"Delete the state of $APP"* ]]
	[ ! -e "$(state_of user "$APP")" ]
}

# ---- overlays ----

check_overlay_roundtrip() {
	local who=$1 d before after st
	make_tree "$who"
	d=$MADE_TREE
	before=$(tree_sum "$d")
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && echo new > added && echo more >> a && rm -r gone && mv ren ren2 &&
		chmod 0700 mode && rm -r redo && mkdir redo && echo fresh > redo/new && mkdir newdir && echo n > newdir/f && cat a"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'alpha\nmore' ]
	after=$(tree_sum "$d")
	assert_eq "$after" "$before"
	# The next run sees the changes.
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && cat a added redo/new && ls redo && test ! -e gone && stat -c %a mode"
	echo "$output"
	[ "$output" = $'alpha\nmore\nnew\nfresh\nnew\n700' ]
	st=$(state_of "$who" "$APP")/overlay
	[ -d "$st" ]
	[ "$(stat -c %u "$st"/*/upper)" = "$(uid_in "$who")" ]
	run sbx_as "$who" overlay diff "$APP"
	echo "$output"
	[ "$status" -eq 0 ]
	assert_eq "$output" "modified  $d/a  6 -> 11 bytes
added     $d/added  4 bytes
deleted   $d/gone/  0 bytes
deleted   $d/gone/c  6 bytes
mode      $d/mode  0644 -> 0700
added     $d/newdir/  0 bytes
added     $d/newdir/f  2 bytes
added     $d/redo/new  6 bytes
deleted   $d/redo/old  4 bytes
renamed   $d/ren -> $d/ren2  16 bytes"
	# Limited to one PATH, and an unknown PATH is an error.
	run sbx_as "$who" overlay diff "$APP" "$d"
	[ "${#lines[@]}" -eq 10 ]
	run sbx_as "$who" overlay diff "$APP" /nonexistent
	[ "$status" -eq 125 ]
	[[ "$output" == *"has no overlay of /nonexistent"* ]]
	# reset: the next run sees the host's tree again, and diff is empty.
	run sbx_as "$who" overlay reset "$APP" "$d"
	[ "$status" -eq 0 ]
	run sbx_as "$who" overlay diff "$APP"
	[ -z "$output" ]
	run ssbx "$who" --overlay "$d" -- sh -c "cd $d && cat a gone/c ren && ls redo"
	[ "$output" = $'alpha\ngamma\nrenamed-content\nold' ]
	assert_eq "$(tree_sum "$d")" "$before"
}
@test "state[user]: overlay: the host tree stays byte-identical, the next run sees the changes, diff lists them, reset drops them" { check_overlay_roundtrip user; }
@test "state[root]: overlay: the host tree stays byte-identical, the next run sees the changes, diff lists them, reset drops them" { needs_root; check_overlay_roundtrip root; }

check_overlay_tmp() {
	local who=$1 d before
	make_tree "$who"
	d=$MADE_TREE
	before=$(tree_sum "$d")
	run ssbx "$who" --overlay-tmp "$d" -- sh -c "echo x > $d/added; rm $d/a; ls $d"
	[ "$status" -eq 0 ]
	[[ "$output" == *added* ]]
	run ssbx "$who" --overlay-tmp "$d" -- ls "$d"
	[[ "$output" != *added* ]]
	[[ "$output" == *a* ]]
	assert_eq "$(tree_sum "$d")" "$before"
	[ ! -e "$(state_of "$who" "$APP")" ]
}
@test "state[user]: overlay-tmp: changes are seen during the run, then gone; nothing is kept" { check_overlay_tmp user; }
@test "state[root]: overlay-tmp: changes are seen during the run, then gone; nothing is kept" { needs_root; check_overlay_tmp root; }

@test "state: --explain shows each overlay with its upper directory" {
	local d
	make_tree user
	d=$MADE_TREE
	run sbx_user --explain --app "$APP" --overlay "$d" --overlay-tmp /var/tmp -- true
	echo "$output"
	grep -E "^  overlay +$d +upper $TEST_HOME/.local/share/sbx/apps/$APP/overlay/var-tmp-sbx%2Dstate\.[A-Za-z0-9]+ .*command line" <<<"$output"
	grep -E "^  overlay +/var/tmp +upper a tmpfs of this run \(overlay-tmp\)" <<<"$output"
	run sbx_user --explain --json --app "$APP" --overlay "$d" -- true
	grep -q "\"type\":\"overlay\",\"dst\":\"$d\",\"src\":\"$d\",\"label\":\"overlay\",\"optional\":false,\"upper\":\"$TEST_HOME/.local/share/sbx/apps/$APP/overlay/" <<<"$output"
	[ ! -e "$(state_of user "$APP")" ]
}

check_overlay_refused() {
	local who=$1
	cleanup_path "$(state_of "$who" "$APP")"
	run sbx_as "$who" --quiet --app "$APP" --overlay /proc/sys -- true
	echo "$output"
	[ "$status" -eq 125 ]
	# "setup: " where the sandbox's pid 1 mounts it (a user's run); root's trees are made by sbx.
	[[ "${lines[0]}" =~ ^"sbx: "("setup: ")?"overlay /proc/sys: the kernel refuses the mount: Invalid argument"$ ]]
	[[ "$output" == *"not /proc"*dmesg* ]]
	local pdir profile
	user_tmpdir pdir sbx-state-profile
	chown 0:0 "$pdir"
	profile=$pdir/$APP.profile
	printf 'overlay /proc/sys optional\n' >"$profile"
	chmod 0644 "$profile"
	run sbx_as "$who" --quiet --app "$APP" --profile "$profile" -- sh -c 'echo ran'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "sbx: warning: overlay /proc/sys: the kernel refuses the mount: Invalid argument; optional, so skipped" ]]
	[[ "$output" == *ran ]]
}
@test "state[user]: an overlay the kernel refuses (a lower on procfs) fails with the reason, or is skipped with a warning when optional" { check_overlay_refused user; }
@test "state[root]: an overlay the kernel refuses (a lower on procfs) fails with the reason, or is skipped with a warning when optional" { needs_root; check_overlay_refused root; }
