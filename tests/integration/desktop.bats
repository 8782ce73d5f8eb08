#!/usr/bin/env bats
# `sbx desktop` (issue 13) as the unprivileged test user, with XDG_DATA_HOME, XDG_CONFIG_HOME,
# XDG_DATA_DIRS and XDG_CONFIG_DIRS pointing into a test directory, and as root with --system
# --prefix into a test directory: nothing is written into a real home or /usr/local/share. The app
# is a script that records where it ran: pid 1's command line (sbx-init inside sbx), NoNewPrivs,
# its arguments and the content of files handed to it. GLib's `gio launch` and dbus-daemon start it.

load ../lib/common

setup_file() {
	local missing=() pkg
	for pkg in gio:libglib2.0-bin update-desktop-database:desktop-file-utils dbus-run-session:dbus-daemon dbus-send:dbus-bin; do
		command -v "${pkg%%:*}" >/dev/null 2>&1 || missing+=("${pkg#*:}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

setup() {
	user_tmpdir work sbx-desk
	XENV=(XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_DATA_DIRS="$work/sys:/usr/share"
		XDG_CONFIG_DIRS="$work/xdg")
	as_user mkdir -p "$work/sys/applications" "$work/sys/dbus-1/services" "$work/xdg/autostart" "$work/bin" \
		"$work/out" "$work/files" "$work/config/sbx/profiles"
	cat >"$work/bin/deskapp" <<-SCRIPT
	#!/bin/sh
	{
		echo "pid1=\$(tr '\\0' ' ' </proc/1/cmdline)"
		grep NoNewPrivs /proc/self/status
		for a in "\$@"; do echo "arg=\$a"; [ -f "\$a" ] && echo "content=\$(cat "\$a")"; done
		true
	} >"$work/out/run.log.tmp" && mv "$work/out/run.log.tmp" "$work/out/run.log"
	SCRIPT
	chmod 0755 "$work/bin/deskapp"
	printf 'ro-bind %s/bin\nro-bind %s/files\nbind %s/out\n' "$work" "$work" "$work" >"$work/config/sbx/profiles/deskapp.profile"
	echo "hello desk" >"$work/files/a b.txt"
	cat >"$work/sys/applications/sbxtest-deskapp.desktop" <<-EOF2
	[Desktop Entry]
	Type=Application
	Name=Desk App
	Exec=$work/bin/deskapp --name "a \\\\\$b and \\\\"q\\\\"" %F
	TryExec=$work/bin/deskapp
	MimeType=text/x-sbxtest;
	Actions=new;

	[Desktop Action new]
	Name=New
	Exec=$work/bin/deskapp --new %U
	EOF2
	chown -R "$TEST_UID:$TEST_GID" "$work"
}

desk() { as_user "${XENV[@]}" "$SBX" desktop "$@"; }
copy=
app_copy() { copy=$work/data/applications/sbxtest-deskapp.desktop; }

# Runs gio launch FILE ARGS... as the user and prints the app's record.
launch() {
	rm -f "$work/out/run.log"
	as_user "${XENV[@]}" gio launch "$@" || { echo "gio launch failed: $?"; return 1; }
	wait_until 20 test -s "$work/out/run.log" || { echo "the app left no record"; return 1; }
	cat "$work/out/run.log"
}

@test "desktop enable: every Exec runs the app through sbx; gio launch runs it sandboxed with its files" {
	app_copy
	run desk enable deskapp
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "wrote $copy" ]
	grep -qx "Exec=$SBX --launched-from $copy -- $work/bin/deskapp --name \"a \\\\\\\\\$b and \\\\\\\\\"q\\\\\\\\\"\" %F" "$copy"
	grep -qx "Exec=$SBX --launched-from $copy -- $work/bin/deskapp --new %U" "$copy"
	grep -qx "TryExec=$work/bin/deskapp" "$copy"
	grep -qx "X-SBX-Managed=$work/sys/applications/sbxtest-deskapp.desktop;[0-9a-f]\{16\}" "$copy"
	[ "$(grep -c '^Exec=' "$copy")" -eq 2 ]
	desktop-file-validate "$copy"
	# The MIME cache of the copies' directory names the app.
	grep -q '^text/x-sbxtest=sbxtest-deskapp.desktop' "$work/data/applications/mimeinfo.cache"
	# Launched from the copy by GLib: inside sbx, the arguments as the source meant them.
	run launch "$copy" "$work/files/a b.txt"
	echo "$output"
	[[ ${lines[0]} == "pid1=sbx-init"* ]]
	[ "${lines[1]}" = "NoNewPrivs:	1" ]
	[ "${lines[2]}" = "arg=--name" ]
	[ "${lines[3]}" = 'arg=a $b and "q"' ]
	[ "${lines[4]}" = "arg=$work/files/a b.txt" ]
	[ "${lines[5]}" = "content=hello desk" ]
	# The source itself runs the app unsandboxed: the check above tells the two apart.
	run launch "$work/sys/applications/sbxtest-deskapp.desktop"
	echo "$output"
	[[ ${lines[0]} != "pid1=sbx-init"* ]]
	[ "${lines[1]}" = "NoNewPrivs:	0" ]
}

@test "desktop disable removes exactly what enable made, and never a file sbx did not write" {
	local before after
	before=$(cd "$work" && find data config -type f 2>/dev/null | sort)
	desk enable sbxtest-deskapp.desktop
	[ -f "$work/data/applications/sbxtest-deskapp.desktop" ]
	run desk disable deskapp
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "removed $work/data/applications/sbxtest-deskapp.desktop" ]
	after=$(cd "$work" && find data config -type f 2>/dev/null | sort)
	assert_eq "$after" "$before"
	# A user's own file with the app's ID: enable and disable leave it alone and say so.
	printf '[Desktop Entry]\nType=Application\nName=mine\nExec=mine\n' >"$work/data/applications/sbxtest-deskapp.desktop"
	run desk enable deskapp
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: desktop: $work/data/applications/sbxtest-deskapp.desktop is not a copy sbx made; leaving it alone" ]
	run desk disable sbxtest-deskapp
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: desktop: $work/data/applications/sbxtest-deskapp.desktop is not a copy sbx made; leaving it alone" ]
	grep -qx 'Name=mine' "$work/data/applications/sbxtest-deskapp.desktop"
}

@test "desktop list shows stale copies; sync rewrites them, twice changes nothing, and removes those whose source is gone" {
	app_copy
	local src=$work/sys/applications/sbxtest-deskapp.desktop sum1 mtime1 marker1
	desk enable deskapp
	run desk list
	echo "$output"
	[[ $output == *"enabled   app       sbxtest-deskapp.desktop  $copy (from $src)"* ]]
	marker1=$(grep '^X-SBX-Managed=' "$copy")
	sed -i 's/^Name=Desk App$/Name=Desk App 2/' "$src"
	run desk list
	echo "$output"
	[[ $output == *"stale     app       sbxtest-deskapp.desktop  $copy (from $src; source changed; sync rewrites it)"* ]]
	run desk sync
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "wrote $copy" ]
	grep -qx 'Name=Desk App 2' "$copy"
	# The marker now carries the changed source's checksum.
	[ "$(grep '^X-SBX-Managed=' "$copy")" != "$marker1" ]
	run desk list
	[[ $output == *"enabled   app       sbxtest-deskapp.desktop"* ]]
	sum1=$(sha256sum "$copy")
	mtime1=$(stat -c %Y.%y "$copy")
	sleep 1.1
	run desk sync
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	assert_eq "$(sha256sum "$copy")" "$sum1"
	assert_eq "$(stat -c %Y.%y "$copy")" "$mtime1"
	rm "$src"
	run desk list
	[[ $output == *"stale     app       sbxtest-deskapp.desktop  $copy (from $src; source gone; sync removes it)"* ]]
	run desk sync
	echo "$output"
	[ "$output" = "removed $copy" ]
	[ ! -e "$copy" ]
}

@test "desktop enable: DBusActivatable turns off, a D-Bus service override and an autostart copy run it through sbx" {
	local id=org.sbxtest.DeskApp
	sed 's/^Type=Application$/Type=Application\nDBusActivatable=true/' "$work/sys/applications/sbxtest-deskapp.desktop" \
		>"$work/sys/applications/$id.desktop"
	printf '[D-BUS Service]\nName=%s\nExec=%s/bin/deskapp --gapplication-service\n' "$id" "$work" \
		>"$work/sys/dbus-1/services/$id.service"
	printf '[Desktop Entry]\nType=Application\nName=auto\nExec=%s/bin/deskapp --autostart\n' "$work" \
		>"$work/xdg/autostart/deskapp-auto.desktop"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	run desk enable "$id"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx 'DBusActivatable=false' "$work/data/applications/$id.desktop"
	# A D-Bus activation passes no files: the override runs sbx without --launched-from.
	grep -qx "Exec=$SBX -- $work/bin/deskapp --gapplication-service" "$work/data/dbus-1/services/$id.service"
	grep -qx "Exec=$SBX --launched-from $work/config/autostart/deskapp-auto.desktop -- $work/bin/deskapp --autostart" \
		"$work/config/autostart/deskapp-auto.desktop"
	# Bus activation by a session bus the test starts runs the override, in a sandbox (the app
	# exits without taking the name, so the call itself fails).
	rm -f "$work/out/run.log"
	as_user "${XENV[@]}" dbus-run-session -- dbus-send --session --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName "string:$id" uint32:0 || true
	wait_until 20 test -s "$work/out/run.log"
	cat "$work/out/run.log"
	grep -q '^pid1=sbx-init' "$work/out/run.log"
	grep -qx 'arg=--gapplication-service' "$work/out/run.log"
	run desk list
	echo "$output"
	[[ $output == *"enabled   dbus      $id.service"* ]]
	[[ $output == *"enabled   autostart deskapp-auto.desktop"* ]]
	run desk disable "$id"
	echo "$output"
	[ ! -e "$work/data/dbus-1/services/$id.service" ]
	[ ! -e "$work/config/autostart/deskapp-auto.desktop" ]
}

@test "desktop: a real installed app (Debian's python3.N.desktop) is found through its shipped profile" {
	local real id
	real=$(ls /usr/share/applications/python3*.desktop 2>/dev/null | head -1)
	[ -n "$real" ] || skip "no python3 desktop file in /usr/share/applications"
	id=${real##*/}
	run desk list
	echo "$output"
	[[ $output == *"available app       $id  $real (profile python3)"* ]]
	run desk enable python3
	echo "$output"
	[ "$status" -eq 0 ]
	local exec
	exec=$(sed -n 's/^Exec=//p' "$real")
	grep -qx "Exec=$SBX --launched-from $work/data/applications/$id -- $exec" "$work/data/applications/$id"
	desktop-file-validate "$work/data/applications/$id"
	# --all takes apps with a shipped or admin profile only: not deskapp, whose profile is the user's.
	desk disable python3
	run desk enable --all
	echo "$output"
	[[ $output == *"wrote $work/data/applications/$id"* ]]
	[[ $output != *sbxtest-deskapp* ]]
	local f
	for f in "$work"/data/applications/*.desktop; do
		prog=$(sed -n 's/^Exec=[^ ]* --launched-from [^ ]* -- \([^ ]*\).*/\1/p' "$f" | head -1)
		run sbx_user profile which "$prog"
		[[ $output == *"$SBX_PROFILES_DIR/"* ]]
	done
}

@test "desktop: no such app, not a desktop file, an unwritable target: one line naming it, non-zero exit" {
	run desk enable no-such-app-xyz
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "sbx: desktop: no installed desktop file for 'no-such-app-xyz' (looked in $work/sys/applications, /usr/share/applications)" ]]
	echo "not a desktop file" >"$work/files/x.desktop"
	run desk enable "$work/files/x.desktop"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: desktop: $work/files/x.desktop: not a usable desktop file: line 1: neither a group, a key=value pair nor a comment" ]
	run desk enable /etc/passwd
	[ "$status" -eq 1 ]
	[[ $output == "sbx: desktop: /etc/passwd: not a desktop file"* ]]
	as_user mkdir -p "$work/data/applications"
	chmod 0555 "$work/data/applications"
	run desk enable deskapp
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: desktop: cannot write $work/data/applications/sbxtest-deskapp.desktop: Permission denied" ]
	chmod 0755 "$work/data/applications"
	run desk disable deskapp
	[ "$status" -eq 1 ]
	[[ $output == "sbx: desktop: no copy sbx made matches 'deskapp' in $work/data/applications" ]]
	run desk frobnicate
	[ "$status" -eq 2 ]
}

@test "desktop --system as root writes into --prefix, never /usr/local/share" {
	needs_root
	local prefix=$work/share
	[ ! -e /usr/local/share/applications/sbxtest-deskapp.desktop ]
	run as_root XDG_DATA_DIRS="$work/sys" "$SBX" desktop enable --system --prefix "$prefix" deskapp
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "wrote $prefix/applications/sbxtest-deskapp.desktop" ]
	grep -qx "Exec=$SBX --launched-from $prefix/applications/sbxtest-deskapp.desktop -- $work/bin/deskapp --new %U" \
		"$prefix/applications/sbxtest-deskapp.desktop"
	[ ! -e /usr/local/share/applications/sbxtest-deskapp.desktop ]
	run as_root XDG_DATA_DIRS="$work/sys" "$SBX" desktop list --system --prefix "$prefix"
	echo "$output"
	[[ $output == *"enabled   app       sbxtest-deskapp.desktop  $prefix/applications/sbxtest-deskapp.desktop"* ]]
	# The user's enable sees the system copy as a source that already runs sbx.
	run as_user XDG_DATA_HOME="$work/data" XDG_DATA_DIRS="$prefix:$work/sys" "$SBX" desktop enable sbxtest-deskapp
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$work/data/applications/sbxtest-deskapp.desktop" ]
	run as_root XDG_DATA_DIRS="$work/sys" "$SBX" desktop disable --system --prefix "$prefix" deskapp
	[ "$status" -eq 0 ]
	[ -z "$(find "$prefix" -type f)" ]
	run as_root "$SBX" desktop enable --prefix "$prefix" deskapp
	[ "$status" -eq 2 ]
}

@test "desktop: --explain names the desktop entry GLib started sbx from, and only for that process" {
	/usr/bin/python3 -c 'import gi' 2>/dev/null || apt-get install -y -qq --no-install-recommends python3-gi >/dev/null
	printf '[Desktop Entry]\nType=Application\nName=Explain\nExec=%s --explain -- /bin/true %%f\n' "$SBX" \
		>"$work/sys/applications/sbxtest-explain.desktop"
	chown "$TEST_UID:$TEST_GID" "$work/sys/applications/sbxtest-explain.desktop"
	# A launch context, as menus, gtk-launch and GIO's xdg-open have: GLib then sets
	# GIO_LAUNCHED_DESKTOP_FILE (and _PID, the started process). run reads until sbx, which
	# inherits its stdout, has closed it too.
	run as_user /usr/bin/python3 -c "
import gi
gi.require_version('Gio', '2.0')
from gi.repository import Gio
Gio.DesktopAppInfo.new_from_filename('$work/sys/applications/sbxtest-explain.desktop').launch([], Gio.AppLaunchContext())"
	echo "$output"
	[[ $output == *"started from desktop entry: $work/sys/applications/sbxtest-explain.desktop"* ]]
	# Inherited by a process the app started (another pid), the name is not believed.
	run as_user env GIO_LAUNCHED_DESKTOP_FILE=/x.desktop GIO_LAUNCHED_DESKTOP_FILE_PID=1 "$SBX" --explain --json -- /bin/true
	[[ $output == *'"desktop_entry":null'* ]]
	run as_user sh -c 'exec env GIO_LAUNCHED_DESKTOP_FILE=/x.desktop GIO_LAUNCHED_DESKTOP_FILE_PID=$$ "$0" --explain --json -- /bin/true' "$SBX"
	[[ $output == *'"desktop_entry":"/x.desktop"'* ]]
}
