#!/usr/bin/env bats
# Files handed over by a desktop launcher (issue 13): a managed copy runs
# `sbx --launched-from COPY -- ORIGINAL`, and sbx grants, for that run, exactly the arguments at
# the Exec's %f %F %u %U, when COPY is a managed copy no one else can write and the command line
# matches one of its Exec lines. The files live in ~/Downloads/sbx-handover.*, which no profile
# here grants. The probe app is a script that records, from inside, pid 1, NoNewPrivs, Seccomp,
# its mount namespace, its arguments and, for each argument (file:// URIs decoded), whether it can
# read and append to it, and whether it can read a file of the same directory nobody handed over.
# Real launchers (GLib's gio launch, xdg-open) and a real app (evince, on Xvfb) too.

load ../lib/common
load ../lib/x11
bats_require_minimum_version 1.5.0

setup_file() {
	local pair missing=()
	for pair in libglib2.0-bin:gio desktop-file-utils:update-desktop-database \
		xdg-utils:xdg-open evince:evince xvfb:Xvfb xdotool:xdotool; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	/usr/bin/python3 -c 'import gi' 2>/dev/null || missing+=(python3-gi)
	if [ ${#missing[@]} -gt 0 ]; then
		_sbx_is_root || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
}

setup() {
	user_tmpdir work sbx-hand
	XENV=(XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_DATA_DIRS="$work/sys:/usr/share"
		XDG_CONFIG_DIRS="$work/xdg")
	as_user mkdir -p "$work/sys/applications" "$work/xdg" "$work/bin" "$work/out" "$work/config/sbx/profiles"
	# ~/Downloads: made for the test when the user has none, removed with it.
	[ -d "$TEST_HOME/Downloads" ] || { as_user mkdir "$TEST_HOME/Downloads"; cleanup_path "$TEST_HOME/Downloads"; }
	DL=$(as_user mktemp -d "$TEST_HOME/Downloads/sbx-handover.XXXXXX")
	cleanup_path "$DL"
	as_user chmod 0755 "$DL"
	as_user sh -c 'echo "handed secret" >"$1/a b.txt"; echo "not handed" >"$1/other.txt"' sh "$DL"
	cat >"$work/bin/deskapp" <<-SCRIPT
	#!/bin/sh
	{
		echo "pid1=\$(tr '\\0' ' ' </proc/1/cmdline)"
		grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
		echo "mntns=\$(readlink /proc/self/ns/mnt)"
		for a in "\$@"; do
			echo "arg=\$a"
			p=\$a
			case \$p in file://*) p=\$(/usr/bin/python3 -c 'import sys, urllib.parse as u; print(u.unquote(u.urlparse(sys.argv[1]).path))' "\$p") ;; esac
			if [ -f "\$p" ]; then
				echo "content=\$(cat "\$p")"
				if ( : >>"\$p" ) 2>/dev/null; then echo writable=yes; else echo writable=no; fi
			else
				echo "unreadable=\$p"
			fi
		done
		if [ -r "$DL/other.txt" ]; then echo other=readable; else echo other=unreadable; fi
	} >"$work/out/run.log.tmp" && mv "$work/out/run.log.tmp" "$work/out/run.log"
	SCRIPT
	chmod 0755 "$work/bin/deskapp"
	# /usr/bin/python3 decodes URIs inside; the profile grants nothing of ~.
	printf 'ro-bind %s/bin\nbind %s/out\n' "$work" "$work" >"$work/config/sbx/profiles/deskapp.profile"
	cat >"$work/sys/applications/sbxtest-handover.desktop" <<-EOF2
	[Desktop Entry]
	Type=Application
	Name=Handover
	Exec=$work/bin/deskapp --opt %U
	MimeType=text/x-sbxhandover;
	Actions=cfg;

	[Desktop Action cfg]
	Name=Config
	Exec=$work/bin/deskapp --config $DL/other.txt %f
	EOF2
	chown -R "$TEST_UID:$TEST_GID" "$work"
	copy=$work/data/applications/sbxtest-handover.desktop
}

teardown() {
	[ -z "${EV_PID:-}" ] || { kill -TERM "$EV_PID" 2>/dev/null; wait_until 10 eval '! kill -0 '"$EV_PID"' 2>/dev/null' || true; }
	EV_PID=
	[ -z "${XVFB_PID:-}" ] || stop_xvfb "$XVFB_PID" "$XVFB_DISPLAY"
	XVFB_PID=
	sbx_cleanup
}

desk() { as_user "${XENV[@]}" "$SBX" desktop "$@"; }

# The app's record after CMD... (as the test user) started it, directly or through a launcher.
record() {
	rm -f "$work/out/run.log"
	"$@" || { echo "launch failed: $?"; return 1; }
	wait_until 20 test -s "$work/out/run.log" || { echo "the app left no record"; return 1; }
	cat "$work/out/run.log"
}

# sbx as the test user, with --launched-from the copy, quietly (the notes would mix in).
launched() { as_user "${XENV[@]}" "$SBX" -q --launched-from "$copy" -- "$@"; }

# launch_uris DESKTOP-FILE URI...: GLib's launcher as file managers call it, with URIs.
LAUNCH_URIS='
import sys, gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio
Gio.DesktopAppInfo.new_from_filename(sys.argv[1]).launch_uris(sys.argv[2:], None)'

# The percent-encoded file URI of a path, as GLib writes it.
uri_of() { /usr/bin/python3 -c 'import sys, pathlib; print(pathlib.Path(sys.argv[1]).as_uri())' "$1"; }

@test "handover: gio launch on a file in ~/Downloads: the app reads it, sandboxed; nothing else of the directory" {
	run desk enable sbxtest-handover
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "Exec=$SBX --launched-from $copy -- $work/bin/deskapp --opt %U" "$copy"
	grep -qx "Exec=$SBX --launched-from $copy -- $work/bin/deskapp --config $DL/other.txt %f" "$copy"
	# The control: without the launcher's handover the app cannot see the file (the bug this fixes).
	launched_plain() { as_user "${XENV[@]}" "$SBX" -q -- "$work/bin/deskapp" --opt "$(uri_of "$DL/a b.txt")"; }
	run record launched_plain
	echo "$output"
	[[ $output == *"unreadable=$DL/a b.txt"* ]]
	# GLib's gio launch hands %U over as paths.
	run record as_user "${XENV[@]}" gio launch "$copy" "$DL/a b.txt"
	echo "$output"
	[[ ${lines[0]} == "pid1=sbx-init"* ]]
	[ "${lines[1]}" = "NoNewPrivs:	1" ]
	[ "${lines[2]}" = "Seccomp:	2" ]
	[ "${lines[3]}" != "mntns=$(readlink /proc/self/ns/mnt)" ]
	[[ $output == *"arg=--opt"$'\n'"unreadable=--opt"$'\n'"arg=$DL/a b.txt"$'\n'"content=handed secret"* ]]
	# Read-only: the profile has no grant-args rw.
	[[ $output == *"content=handed secret"$'\n'"writable=no"* ]]
	[[ $output == *"other=unreadable" ]]
	# A file manager launches with URIs (g_app_info_launch_uris): GLib turns a local "a%20b.txt"
	# into its path even for %U (launchers that pass the URI on: the next test).
	run record as_user "${XENV[@]}" /usr/bin/python3 -c "$LAUNCH_URIS" "$copy" "$(uri_of "$DL/a b.txt")"
	echo "$output"
	[[ ${lines[0]} == "pid1=sbx-init"* ]]
	[[ $output == *"arg=$DL/a b.txt"$'\n'"content=handed secret"* ]]
	[[ $output == *"other=unreadable" ]]
}

@test "handover: only arguments at field codes are granted; a path the Exec itself names is not" {
	desk enable sbxtest-handover
	# The action's Exec, run as a launcher would: --config's path is the desktop file's, not handed over.
	run record launched "$work/bin/deskapp" --config "$DL/other.txt" "$DL/a b.txt"
	echo "$output"
	[[ $output == *"arg=$DL/other.txt"$'\n'"unreadable=$DL/other.txt"* ]]
	[[ $output == *"arg=$DL/a b.txt"$'\n'"content=handed secret"* ]]
	[[ $output == *"other=unreadable"* ]]
	# --explain names the entry, the matched Exec and what was granted, and grants nothing else.
	run as_user "${XENV[@]}" "$SBX" -q --explain --launched-from "$copy" -- "$work/bin/deskapp" --config "$DL/other.txt" "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"launched from: $copy, [Desktop Action cfg] Exec=$SBX --launched-from $copy -- $work/bin/deskapp --config $DL/other.txt %f"* ]]
	[[ $output == *"handed over: $DL/a b.txt -> $DL/a b.txt granted read-only for this run"* ]]
	[[ $output == *"[handed over by $copy]"* ]]
	[[ $output != *"$DL/other.txt  "*"handed over"* ]]
	[ "$(grep -c "handed over by" <<<"$output")" -eq 1 ]
	run as_user "${XENV[@]}" "$SBX" -q --explain --json --launched-from "$copy" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[[ $output == *"\"launched_from\":{\"file\":\"$copy\",\"group\":\"Desktop Entry\""*"\"handed\":[{\"arg\":\"$DL/a b.txt\",\"granted\":\"$DL/a b.txt\",\"why\":null}]}"* ]]
	# Without --launched-from nothing changes: no grant, launched_from null.
	run as_user "${XENV[@]}" "$SBX" -q --explain --json -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	[[ $output == *'"launched_from":null'* ]]
	[[ $output != *"handed over"* ]]
}

@test "handover: file:// URIs (%20, file://localhost) are granted and passed on; an https URI is passed on, not granted" {
	desk enable sbxtest-handover
	local u1 u2
	u1=$(uri_of "$DL/a b.txt")
	u2="file://localhost${u1#file://}"
	run record launched "$work/bin/deskapp" --opt "$u2" https://example.org/x%20y.pdf
	echo "$output"
	[[ $output == *"arg=$u2"$'\n'"content=handed secret"* ]]
	[[ $output == *"arg=https://example.org/x%20y.pdf"$'\n'"unreadable="* ]]
	run as_user "${XENV[@]}" "$SBX" -q --explain --launched-from "$copy" -- "$work/bin/deskapp" --opt "$u1" https://example.org/x.pdf
	echo "$output"
	[[ $output == *"handed over: $u1 -> $DL/a b.txt granted read-only for this run"* ]]
	[[ $output == *"handed over: https://example.org/x.pdf -> not granted: a URI, not a local file: passed on as it is"* ]]
	# A file URI of another host, or with an escaped '/': not granted either.
	run as_user "${XENV[@]}" "$SBX" -q --explain --launched-from "$copy" -- "$work/bin/deskapp" --opt "file://example.org$DL/a%20b.txt" "file://$DL%2Fa%20b.txt"
	echo "$output"
	[[ $output == *"not granted: a file URI of another host"* ]]
	[[ $output == *"not granted: a malformed file URI"* ]]
	[ "$(grep -c "handed over by" <<<"$output")" -eq 0 ]
}

@test "handover: grant-args rw (edit: its directory) in the profile makes the handed file writable; the refusals of grant-args hold" {
	desk enable sbxtest-handover
	printf 'ro-bind %s/bin\nbind %s/out\ngrant-args rw\n' "$work" "$work" >"$work/config/sbx/profiles/deskapp.profile"
	run record launched "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[[ $output == *"content=handed secret"$'\n'"writable=yes"* ]]
	[[ $output == *"other=unreadable"* ]]
	# grant-args edit: the handed file's directory, read-write (editors save by rename).
	printf 'ro-bind %s/bin\nbind %s/out\ngrant-args edit\n' "$work" "$work" >"$work/config/sbx/profiles/deskapp.profile"
	run as_user "${XENV[@]}" "$SBX" -q --explain --launched-from "$copy" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[[ $output == *"handed over: $DL/a b.txt -> $DL granted read-write for this run"* ]]
	printf 'ro-bind %s/bin\nbind %s/out\ngrant-args rw\n' "$work" "$work" >"$work/config/sbx/profiles/deskapp.profile"
	# The home itself, / and /proc are never granted, whatever the launcher hands over.
	run as_user "${XENV[@]}" "$SBX" --explain --launched-from "$copy" -- "$work/bin/deskapp" --opt "$TEST_HOME" / /proc/self
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"left out $TEST_HOME: the path $TEST_HOME is your home directory"* ]]
	[[ $output == *"left out /: the path / contains your home directory"* ]]
	[[ $output == *"left out /proc/self: "* ]]
	[ "$(grep -c "handed over by" <<<"$output")" -eq 3 ]  # the three notes, no grant
	[[ $output != *"[handed over by $copy]"* ]]
}

@test "handover: a tampered, unmanaged, linked or mismatched desktop file is refused: one line, exit 125, nothing started" {
	desk enable sbxtest-handover
	rm -f "$work/out/run.log"
	# Exec mismatch: a word that is not a field code differs.
	run launched "$work/bin/deskapp" --evil "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "sbx: --launched-from $copy: the command line ($work/bin/deskapp ...) matches none of its Exec lines; nothing granted, nothing started" ]
	# Two files where the action's %f takes one.
	run launched "$work/bin/deskapp" --config "$DL/other.txt" "$DL/a b.txt" "$DL/other.txt"
	[ "$status" -eq 125 ]
	# Writable by the group.
	chmod g+w "$copy"
	run launched "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: --launched-from $copy: others may write it (mode 0664); its grants are not believed" ]
	chmod g-w "$copy"
	# Not a managed copy: the same lines without the marker.
	local fake=$work/data/applications/fake.desktop
	grep -v '^X-SBX-Managed=' "$copy" | sed "s|$copy|$fake|g" >"$fake"
	chown "$TEST_UID:$TEST_GID" "$fake"
	run as_user "$SBX" -q --launched-from "$fake" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: --launched-from $fake: not a copy \`sbx desktop enable\` made (no X-SBX-Managed key)" ]
	# A symbolic link to the managed copy.
	as_user ln -s "$copy" "$work/data/applications/link.desktop"
	run as_user "$SBX" -q --launched-from "$work/data/applications/link.desktop" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"a symbolic link; sbx trusts only the managed copy itself" ]]
	# Another copy's Exec: its --launched-from names another file.
	sed "s|^Exec=$SBX --launched-from $copy|Exec=$SBX --launched-from /elsewhere.desktop|" "$copy" >"$fake"
	run as_user "$SBX" -q --launched-from "$fake" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	[ "$status" -eq 125 ]
	[[ $output == *"matches none of its Exec lines"* ]]
	[ ! -e "$work/out/run.log" ]
	# Owned by someone else than the caller or root (needs root to give it away).
	if _sbx_is_root; then
		chown nobody "$copy"
		run launched "$work/bin/deskapp" --opt "$DL/a b.txt"
		echo "$output"
		[ "$status" -eq 125 ]
		[[ $output == "sbx: --launched-from $copy: owned by uid $(id -u nobody), neither you (uid $TEST_UID) nor root; its grants are not believed" ]]
		[ ! -e "$work/out/run.log" ]
	fi
}

@test "handover as root: a --system copy grants the handed file to the command (nobody); the user's copy is not root's" {
	needs_root
	local prefix=$work/share
	run as_root XDG_DATA_DIRS="$work/sys" "$SBX" desktop enable --system --prefix "$prefix" sbxtest-handover
	echo "$output"
	[ "$status" -eq 0 ]
	local sys=$prefix/applications/sbxtest-handover.desktop
	grep -qx "Exec=$SBX --launched-from $sys -- $work/bin/deskapp --opt %U" "$sys"
	cp "$work/config/sbx/profiles/deskapp.profile" /tmp/sbx-handover-root.profile
	cleanup_path /tmp/sbx-handover-root.profile
	# The command runs as nobody: a file and an output directory nobody may use, outside the grants.
	chmod 0777 "$work/out"
	mkdir "$work/docs"
	echo "root's handed file" >"$work/docs/r.txt"
	chmod 0644 "$work/docs/r.txt"
	run record as_root "$SBX" -q --profile /tmp/sbx-handover-root.profile -- "$work/bin/deskapp" --opt "$work/docs/r.txt"
	echo "$output"
	[[ $output == *"unreadable=$work/docs/r.txt"* ]]
	run record as_root "$SBX" -q --profile /tmp/sbx-handover-root.profile --launched-from "$sys" -- "$work/bin/deskapp" --opt "$work/docs/r.txt"
	echo "$output"
	[[ ${lines[0]} == "pid1=sbx-init"* ]]
	[ "${lines[1]}" = "NoNewPrivs:	1" ]
	[ "${lines[2]}" = "Seccomp:	2" ]
	[[ $output == *"arg=$work/docs/r.txt"$'\n'"content=root's handed file"$'\n'"writable=no"* ]]
	# The user's own copy is not one root believes.
	desk enable sbxtest-handover
	run as_root "$SBX" -q --profile /tmp/sbx-handover-root.profile --launched-from "$copy" -- "$work/bin/deskapp" --opt "$DL/a b.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: --launched-from $copy: owned by uid $TEST_UID, neither you (uid 0) nor root; its grants are not believed" ]
}

@test "handover: desktop sync rewrites an old-style copy (sbx -- ORIGINAL) to --launched-from" {
	desk enable sbxtest-handover
	sed -i "s| --launched-from $copy --| --|" "$copy"
	grep -qx "Exec=$SBX -- $work/bin/deskapp --opt %U" "$copy"
	run desk sync
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "wrote $copy" ]
	grep -qx "Exec=$SBX --launched-from $copy -- $work/bin/deskapp --opt %U" "$copy"
	[ "$(grep -c -- "--launched-from $copy --" "$copy")" -eq 2 ]
	run desk sync
	[ -z "$output" ]
}

# The evince process of the test user started last, once its window titled NAME is visible.
evince_window() {
	as_user env DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$work/xauthority" timeout 40 \
		xdotool search --sync --onlyvisible --name "$1" | head -1
}

# The app in its sandbox: no new privileges, seccomp filtering, another mount namespace; the
# handed file visible inside, the rest of its directory not.
evince_sandboxed() {
	local pid=$1 file=$2
	[ -n "$pid" ]
	grep -qx 'NoNewPrivs:	1' "/proc/$pid/status"
	grep -qx 'Seccomp:	2' "/proc/$pid/status"
	[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
	[ -f "/proc/$pid/root$file" ]
	[ ! -e "/proc/$pid/root$DL/other.txt" ]
}

start_display() {
	x11_dir_make
	start_xvfb "$work"
	as_user xauth -q -f "$work/xauthority" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	XGUI=(DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$work/xauthority")
}

@test "handover: evince from its managed copy (gio launch) and as xdg-open's default PDF handler shows a PDF in ~/Downloads, sandboxed" {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/make_pdf.py" "$DL/sbx handover report.pdf" "Handed over"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/make_pdf.py" "$DL/sbx-xdg-open.pdf" "Opened by xdg-open"
	chown "$TEST_UID:$TEST_GID" "$DL"/*.pdf
	run desk enable org.gnome.Evince
	echo "$output"
	[ "$status" -eq 0 ]
	local ev=$work/data/applications/org.gnome.Evince.desktop
	grep -qx "Exec=$SBX --launched-from $ev -- evince %U" "$ev"
	start_display
	# GLib's launcher as a file manager calls it, with a file:// URI with %20 in it.
	as_user "${XENV[@]}" "${XGUI[@]}" /usr/bin/python3 -c "$LAUNCH_URIS" "$ev" "$(uri_of "$DL/sbx handover report.pdf")"
	wid=$(evince_window 'sbx handover report\.pdf')
	[ -n "$wid" ]
	EV_PID=$(pgrep -n -u "$TEST_UID" -f -- "--launched-from $ev")
	pid=$(pgrep -n -u "$TEST_UID" -x evince)
	evince_sandboxed "$pid" "$DL/sbx handover report.pdf"
	tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF "$DL/sbx handover report.pdf"
	kill -TERM "$EV_PID"
	wait_until 10 eval '! kill -0 '"$EV_PID"' 2>/dev/null'
	EV_PID=
	# xdg-open with evince the default handler: it runs the copy's Exec with the path.
	as_user "${XENV[@]}" xdg-mime default org.gnome.Evince.desktop application/pdf
	[ "$(as_user "${XENV[@]}" xdg-mime query default application/pdf)" = org.gnome.Evince.desktop ]
	AS_USER_CWD=$DL as_user "${XENV[@]}" "${XGUI[@]}" xdg-open sbx-xdg-open.pdf </dev/null >"$work/xdg-open.log" 2>&1 &
	cleanup_pid $!
	wid=$(evince_window 'sbx-xdg-open\.pdf')
	[ -n "$wid" ] || { cat "$work/xdg-open.log"; false; }
	EV_PID=$(pgrep -n -u "$TEST_UID" -f -- "--launched-from $ev")
	pid=$(pgrep -n -u "$TEST_UID" -x evince)
	evince_sandboxed "$pid" "$DL/sbx-xdg-open.pdf"
	[ ! -e "/proc/$pid/root$DL/sbx handover report.pdf" ]
}
