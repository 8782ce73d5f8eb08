#!/usr/bin/env bats
# socket x11 (issue 12): one X display, with an untrusted cookie of the sandbox's own. An Xvfb with
# cookies (-auth) runs as the test user for the whole file, on the display number it picks itself
# (-displayfd), and the user's ~/.Xauthority holds the cookie, as on a desktop.

load ../lib/common
load ../lib/x11
bats_require_minimum_version 1.5.0

setup_file() {
	x11_dir_make
	XDIR=$(mktemp -d /var/tmp/sbx-x11.XXXXXX)
	chmod 0755 "$XDIR"
	_sbx_is_root && chown "$TEST_UID:$TEST_GID" "$XDIR"
	start_xvfb "$XDIR"
	export XDIR XVFB_PID XD=$XVFB_DISPLAY
	[ ! -e "$TEST_HOME/.Xauthority" ] || { echo "$TEST_HOME/.Xauthority exists already" >&2; return 1; }
	as_user xauth -q -f "$TEST_HOME/.Xauthority" add ":$XD" . "$XVFB_COOKIE"
}

teardown_file() {
	stop_xvfb "$XVFB_PID" "$XD"
	rm -rf "$XDIR" "$TEST_HOME/.Xauthority"
	x11_dir_remove
}

setup() {
	user_tmpdir WORK sbx-x11
}

teardown() {
	[ -z "${XVFB2_PID:-}" ] || stop_xvfb "$XVFB2_PID" "$XVFB2_DISPLAY"
	sbx_cleanup
}

# As the test user with the display in the environment (XAUTHORITY unset: ~/.Xauthority).
x_user() { as_user env DISPLAY=":$XD" "$@"; }
sbx_x() { x_user "$SBX" "$@"; }

# Waits (bounded) for a visible window whose name matches $1; prints its id.
window_of() { x_user timeout 20 xdotool search --sync --onlyvisible --name "$1" | head -1; }

# The number of colours on the screen: 1 for an empty display.
screen_colours() { x_user import -window root "$WORK/shot.png" && convert "$WORK/shot.png" -format %k info:; }

@test "socket x11: xterm's window appears and renders; inside only X\$N, DISPLAY, a private cookie, no ~/.Xauthority" {
	# xterm opens /dev/tty after making its pty the controlling terminal; a sandbox started without
	# a terminal has no /dev/tty node unless granted.
	_as_user_exec env DISPLAY=":$XD" "$SBX" -q --socket x11 --dev-bind /dev/tty -- sh -c \
		'ls -A /tmp/.X11-unix; echo "D=$DISPLAY A=$XAUTHORITY"; ls -A ~; stat -c %a "$XAUTHORITY"; exec xterm -T sbx-x11-xterm' \
		</dev/null >"$WORK/out" 2>&1 3>&- &
	pid=$!
	cleanup_pid "$pid"
	wid=$(window_of '^sbx-x11-xterm$')
	cat "$WORK/out"
	[ -n "$wid" ]
	colours=$(screen_colours)
	echo "colours on the screen: $colours"
	[ "$colours" -gt 1 ]
	run cat "$WORK/out"
	[ "${lines[0]}" = "X$XD" ]
	[ "${lines[1]}" = "D=:$XD A=/run/user/$TEST_UID/Xauthority" ]
	[ "${lines[2]}" = 600 ]  # the home is empty (no .Xauthority): ls printed nothing
	# Then only xterm's own complaints (a font alias Debian's minimal install lacks).
	for line in "${lines[@]:3}"; do [[ $line == "xterm: "* ]]; done
	kill -TERM "$pid"
	wait "$pid" || true
}

@test "socket x11: works with --net host (libxcb's abstract try gets ECONNREFUSED and falls back), and the explain says why" {
	run sbx_x -q --net host --socket x11 -- xdpyinfo
	echo "$output" | head -5
	[ "$status" -eq 0 ]
	[[ $output == *"name of display:    :$XD"* ]]
	run sbx_x -q --net host --socket x11 --explain -- xdpyinfo
	# By sbx's init through the memfd guard's notifier where it runs (Linux 6.3+, Landlock ABI 6),
	# else by the filter alone.
	[[ $output == *"NOTIFY connect with an address of"* || $output == *"ECONNREFUSED connect with an address of"* ]]
	[[ $output == *"abstract socket @/tmp/.X11-unix/X$XD: refused"* ]]
	# Without the grant, the same bind by hand fails there: EPERM from Landlock, no fallback.
	as_user cp "$TEST_HOME/.Xauthority" "$WORK/xa"
	run sbx_x -q --net host --bind "/tmp/.X11-unix/X$XD" --ro-bind "$WORK/xa" --setenv XAUTHORITY="$WORK/xa" \
		--setenv DISPLAY=":$XD" --hostname "$(hostname)" -- xdpyinfo
	echo "$output" | head -3
	[ "$status" -ne 0 ]
	[[ $output == *"unable to open display"* ]]
}

@test "socket x11: the host's abstract X socket stays unreachable with --net host (the probe, and the control outside)" {
	run x_user "$HELPERS/escape-probe" abstract "/tmp/.X11-unix/X$XD"
	echo "outside: $output"
	[[ $output == "ESCAPED connect-abstract"* ]]
	run sbx_x -q --net host --socket x11 --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe abstract "/tmp/.X11-unix/X$XD"
	echo "inside: $output"
	[[ $output == "BLOCKED connect-abstract @/tmp/.X11-unix/X$XD: ECONNREFUSED"* ]]
}

# The untrusted client against the same checks with x11-trusted, which proves each can fail.
@test "socket x11: the untrusted client cannot read the screen or use XTEST; x11-trusted can" {
	_as_user_exec env DISPLAY=":$XD" xterm -T sbx-x11-victim -e sh -c 'echo VISIBLE; read -r line; echo "$line" >'"$WORK/typed" \
		</dev/null >/dev/null 2>&1 3>&- &
	cleanup_pid $!
	victim=$(window_of '^sbx-x11-victim$')
	[ -n "$victim" ]
	x_user xdotool windowfocus --sync "$victim"
	check='xwd -root -silent 2>/dev/null | wc -c; xdpyinfo -queryExtensions | grep -c XTEST; xdotool type --delay 5 injected 2>/dev/null; xdotool key Return 2>/dev/null'
	run sbx_x -q --socket x11 -- sh -c "$check"
	echo "untrusted: $output"
	[ "${lines[0]}" -eq 0 ]
	[ "${lines[1]}" -eq 0 ]
	sleep 1
	[ ! -s "$WORK/typed" ]
	# What the SECURITY extension does not hide, as README and SECURITY.md say: other windows' properties.
	run sbx_x -q --socket x11 -- xprop -id "$victim" WM_NAME
	[ "$output" = 'WM_NAME(STRING) = "sbx-x11-victim"' ]
	run sbx_x -q --socket x11-trusted -- sh -c "$check"
	echo "trusted: $output"
	[ "${lines[0]}" -gt 1000000 ]
	[ "${lines[1]}" -eq 1 ]
	wait_until 10 test -s "$WORK/typed"
	[ "$(cat "$WORK/typed")" = injected ]
}

@test "socket x11: the cookie works while the sandbox runs and is revoked when it ends (exit, and SIGTERM to sbx)" {
	for how in exit term; do
		rm -f "$WORK/cookie" "$WORK/go"
		_as_user_exec env DISPLAY=":$XD" "$SBX" -q --socket x11 --bind "$WORK" -- sh -c \
			'cp "$XAUTHORITY" '"$WORK"'/cookie; while [ ! -e '"$WORK"'/go ]; do sleep 0.05; done' \
			</dev/null >"$WORK/out" 2>&1 3>&- &
		pid=$!
		cleanup_pid "$pid"
		wait_until 10 test -s "$WORK/cookie"
		# The sandbox's cookie, used from outside: it connects, as an untrusted client.
		run x_user env XAUTHORITY="$WORK/cookie" xdpyinfo -queryExtensions
		[ "$status" -eq 0 ]
		[[ $output != *XTEST* ]]
		if [ "$how" = exit ]; then as_user touch "$WORK/go"; else kill -TERM "$pid"; fi
		wait "$pid" || true
		cat "$WORK/out"
		run x_user env XAUTHORITY="$WORK/cookie" xdpyinfo
		echo "$how: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"unable to open display"* ]]
	done
}

@test "socket x11: --explain and --json say what the grant gives away" {
	run sbx_x -q --socket x11 --explain -- xlogo
	[ "$status" -eq 0 ]
	[[ $output == *"x11: display :$XD: /tmp/.X11-unix/X$XD bound alone, DISPLAY=:$XD"* ]]
	[[ $output == *"cookie: untrusted"*"or inject input (no XTEST)"*"reads other windows' titles and properties"* ]]
	[[ $output == *"abstract socket @/tmp/.X11-unix/X$XD: unreachable"* ]]
	run sbx_x -q --socket x11-trusted --explain -- xlogo
	[[ $output == *"cookie: TRUSTED"*"inject keys"* ]]
	run sbx_x -q --socket x11 --explain --json -- xlogo
	printf '%s' "$output" | python3 -c '
import json, sys
x = json.load(sys.stdin)["x11"]
assert x["display"] == int(sys.argv[1]) and x["trusted"] is False, x
assert x["socket"] == "/tmp/.X11-unix/X" + sys.argv[1], x
assert "no XTEST" in x["implies"], x' "$XD"
	run sbx_x -q --explain --json -- xlogo
	printf '%s' "$output" | python3 -c 'import json, sys; assert json.load(sys.stdin)["x11"] is None'
	# From a shell without a display the explanation still comes, and says a run would be refused.
	run as_user "$SBX" -q --socket x11 --explain -- xlogo
	[ "$status" -eq 0 ]
	[[ $output == *"x11: REFUSED here, nothing would start: socket x11 (command line): DISPLAY is not set"* ]]
}

@test "socket x11 in a profile; a server without SECURITY is refused unless optional, which runs trusted with a warning" {
	user_profile xdpyinfo.profile 'socket x11'
	cleanup_path "$TEST_HOME/.config"
	run sbx_x -q xdpyinfo
	[ "$status" -eq 0 ]
	mkdir "$WORK/plain" && chown "$TEST_UID:$TEST_GID" "$WORK/plain"
	start_xvfb "$WORK/plain" -extension SECURITY
	XVFB2_PID=$XVFB_PID XVFB2_DISPLAY=$XVFB_DISPLAY
	as_user xauth -q -f "$WORK/plain/xa" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	run as_user env DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$WORK/plain/xa" "$SBX" -q --socket x11 -- touch "$WORK/started"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "sbx: socket x11: the X server of DISPLAY=:$XVFB_DISPLAY has no SECURITY extension, so sbx cannot give the sandbox an untrusted cookie" ]
	[ ! -e "$WORK/started" ]
	user_profile xdpyinfo.local 'socket x11 optional'
	run as_user env DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$WORK/plain/xa" "$SBX" -q xdpyinfo -queryExtensions
	echo "$output" | grep -v '^ '
	[ "$status" -eq 0 ]
	[[ $output == *"sbx: warning: socket x11 optional: the X server of DISPLAY=:$XVFB_DISPLAY has no SECURITY extension"* ]]
	[[ $output == *XTEST* ]]
}

@test "socket x11: the cookie is made while the sandbox sets up; the file holds it, is not counted as discarded, and a refusal then leaves nothing running" {
	# Made during the mounts, written once sbx has the cookie: the command's own, 0600, and not
	# among the files the command wrote (the discard report lists those).
	run --separate-stderr sbx_x --json --socket x11 -- sh -c 'stat -c "%a %U" "$XAUTHORITY"; xauth -f "$XAUTHORITY" list | wc -l; xdpyinfo | head -1'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "600 $TEST_USER" ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = "name of display:    :$XD" ]
	grep -q '^sbx-status: {.*"discarded":\[\],' <<<"$stderr"
	# A server without SECURITY refuses once the sandbox exists: sbx ends it before any command,
	# says it in one line, and --json calls it the setup's failure. No process of the user is left.
	mkdir "$WORK/plain" && chown "$TEST_UID:$TEST_GID" "$WORK/plain"
	start_xvfb "$WORK/plain" -extension SECURITY
	XVFB2_PID=$XVFB_PID XVFB2_DISPLAY=$XVFB_DISPLAY
	as_user xauth -q -f "$WORK/plain/xa" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	before=$(pgrep -U "$TEST_UID" | sort)
	run --separate-stderr as_user env DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$WORK/plain/xa" "$SBX" -q --json \
		--socket x11 -- touch "$WORK/started"
	echo "$stderr"
	[ "$status" -eq 125 ]
	[ "$(head -1 <<<"$stderr")" = "sbx: socket x11: the X server of DISPLAY=:$XVFB_DISPLAY has no SECURITY extension, so sbx cannot give the sandbox an untrusted cookie" ]
	grep -q '^sbx-status: {.*"stage":"setup"' <<<"$stderr"
	[ ! -e "$WORK/started" ]
	[ "$(pgrep -U "$TEST_UID" | sort)" = "$before" ]
}

@test "socket x11 on a server that resets when its last client leaves (xvfb-run, xinit): the cookie holds for the run" {
	# sbx's connection that made the cookie stays open until the cookie is revoked: were it the
	# server's only client and closed, the server would reset and the sandbox's cookie be gone.
	mkdir "$WORK/resets" && chown "$TEST_UID:$TEST_GID" "$WORK/resets"
	XVFB_RESETS=1 start_xvfb "$WORK/resets"
	XVFB2_PID=$XVFB_PID XVFB2_DISPLAY=$XVFB_DISPLAY
	as_user xauth -q -f "$WORK/resets/xa" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	run as_user env DISPLAY=":$XVFB_DISPLAY" XAUTHORITY="$WORK/resets/xa" "$SBX" -q --socket x11 -- \
		sh -c 'xdpyinfo | head -1; ls /proc/self/fd'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "name of display:    :$XVFB_DISPLAY" ]
	[[ $output != *"could not revoke"* ]]
	# And COMMAND holds no descriptor of that connection: 0 1 2 and ls's own.
	[ "$(echo "$output" | tail -n +2 | tr '\n' ' ')" = "0 1 2 3 " ]
}

@test "socket x11: bad input is one line and exit 125, and nothing starts" {
	run as_user "$SBX" -q --socket x11 -- touch "$WORK/started"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: socket x11 (command line): DISPLAY is not set; there is no X display to grant" ]
	n=$((XD + 1000))
	while [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
	run as_user env DISPLAY=":$n" "$SBX" -q --socket x11 -- touch "$WORK/started"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: socket x11 (command line): DISPLAY=:$n: /tmp/.X11-unix/X$n: No such file or directory" ]
	run as_user env DISPLAY=otherhost:0 "$SBX" -q --socket x11 -- touch "$WORK/started"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: socket x11 (command line): DISPLAY=otherhost:0: only a local display (:N) can be granted" ]
	run sbx_x -q --socket x12 -- touch "$WORK/started"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: --socket 'x12': expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus" ]
	# A cookie the server does not take: sbx cannot connect to make the sandbox's.
	as_user touch "$WORK/empty"
	run as_user env DISPLAY=":$XD" XAUTHORITY="$WORK/empty" "$SBX" -q --socket x11 -- touch "$WORK/started"
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "sbx: socket x11: cannot connect to the X server of DISPLAY=:$XD with your cookie ($WORK/empty)" ]
	[[ ${lines[1]} == "sbx: hint: "* ]]
	# x11-trusted needs no connection: without a cookie of yours it runs, says so, and the server decides.
	run as_user env DISPLAY=":$XD" XAUTHORITY="$WORK/empty" "$SBX" --socket x11-trusted -- xdpyinfo
	[ "$status" -ne 0 ]
	[[ $output == *"sbx: note: socket x11: your Xauthority has no cookie for display :$XD;"* ]]
	[[ $output == *"unable to open display"* ]]
	user_profile true.profile 'socket x12'
	cleanup_path "$TEST_HOME/.config"
	run sbx_x -q true
	[ "$status" -eq 125 ]
	[[ ${lines[0]} == *"true.profile:1:8: expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus: 'x12'" ]]
	[ ! -e "$WORK/started" ]
}

@test "socket x11 started by root: the command runs as nobody and reaches the display with its own cookie" {
	needs_root
	run env -i PATH=/usr/bin:/bin HOME=/root DISPLAY=":$XD" XAUTHORITY="$TEST_HOME/.Xauthority" \
		SBX_PROFILES_DIR="$SBX_PROFILES_DIR" "$SBX" -q --socket x11 -- sh -c 'id -u; stat -c %U "$XAUTHORITY"; xdpyinfo | head -1'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 65534 ]
	[ "${lines[1]}" = nobody ]
	[ "${lines[2]}" = "name of display:    :$XD" ]
}

@test "socket x11 with --net host: a Unix path socket whose address has the abstract name's length still connects (as CPython and libdbus connect)" {
	# The address of @/tmp/.X11-unix/XN is 2 + 1 + 16 + digits bytes long; CPython connects to a
	# path with its length plus its NUL (libdbus without the NUL), so a path of 16 + digits bytes
	# has the same address length.
	local len=$((16 + ${#XD})) dir path
	dir=$(as_user mktemp -d /tmp/s.XXXX)
	cleanup_path "$dir"
	path=$dir/$(head -c $((len - ${#dir} - 1)) /dev/zero | tr '\0' s)
	[ "${#path}" -eq "$len" ]
	# _as_user_exec in the background: $! is python itself, which sbx_cleanup kills.
	_as_user_exec python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(60)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept(); c.sendall(b"hello\n")' "$path" </dev/null >/dev/null 2>&1 3>&- &
	cleanup_pid $!
	wait_until 10 test -e "$path.ready"
	# Only fds 0-2, as a desktop launcher starts sbx (bats holds fd 3): sbx's init must keep the
	# notifier it answers these calls (and flagless memfd_create) on.
	run sbx_x -q --net host --socket x11 --bind "$dir" -- python3 -c 'import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(6).decode().strip())
print(os.memfd_create("desktop-app", os.MFD_CLOEXEC) >= 0)' "$path" 3>&-
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = True ]
}

@test "socket x11: no D-Bus autolaunch through the display (GLib's dbus-launch inside), unless the bus variable is unset on purpose" {
	[ -x /usr/bin/dbus-launch ] || skip "dbus-x11 is not installed (make deps)"
	check='gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.GetId >/dev/null 2>&1; echo "call=$?"; pgrep -c -x dbus-launch; echo "bus=$DBUS_SESSION_BUS_ADDRESS"'
	run sbx_x -q --socket x11 -- sh -c "$check"
	echo "$output"
	[ "${lines[0]}" = call=1 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "bus=unix:path=/run/user/$TEST_UID/bus" ]
	# The control: with the variable unset on purpose, GLib autolaunches a bus inside.
	run sbx_x -q --socket x11 --unsetenv DBUS_SESSION_BUS_ADDRESS -- sh -c "$check"
	echo "$output"
	[ "${lines[0]}" = call=0 ]
	[ "${lines[1]}" -ge 1 ]
}
