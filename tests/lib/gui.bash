# Running the shipped desktop profiles with the real apps on the X display of a bats file
# (`load ../lib/gui` after common and x11), for gui.bats and gui-office.bats. The file's
# setup_file starts the Xvfb and sets XD (its display number) and XDIR (a directory holding the
# test user's cookie file, XDIR/xauthority, and the screenshots); GUI_ENV may add variables for
# the app (e.g. the session bus's address).

# As the test user with the display and its cookie in the environment.
x_user() { as_user env DISPLAY=":$XD" XAUTHORITY="$XDIR/xauthority" ${GUI_ENV:-} "$@"; }

# gui_start SECONDS TITLE-REGEX ARGS...: `sbx ARGS` as the test user on the display, in the
# background; waits at most SECONDS for a visible window whose title matches and sets WID (the
# window) and SBX_PID (sbx).
gui_start() {
	local secs=$1 title=$2
	shift 2
	# shellcheck disable=SC2086  # GUI_ENV is a list of NAME=VALUE words
	_as_user_exec env DISPLAY=":$XD" XAUTHORITY="$XDIR/xauthority" ${GUI_ENV:-} "$SBX" "$@" \
		</dev/null >"$BATS_TEST_TMPDIR/app.log" 2>&1 3>&- &
	SBX_PID=$!
	cleanup_pid "$SBX_PID"
	WID=$(x_user timeout "$secs" xdotool search --sync --onlyvisible --name "$title" | head -1)
	if [ -z "$WID" ]; then
		echo "no visible window '$title' within $secs s; sbx said:" >&2
		cat "$BATS_TEST_TMPDIR/app.log" >&2
		return 1
	fi
}

# SIGTERM to sbx, which forwards it; prints what sbx and the app said.
gui_stop() {
	kill -TERM "$SBX_PID" 2>/dev/null || true
	wait "$SBX_PID" 2>/dev/null || true
	SBX_PID=
	cat "$BATS_TEST_TMPDIR/app.log"
}

# window_colours NAME: a screenshot of $WID (by the test user, whose cookie is trusted) to
# $XDIR/NAME.png; prints the number of distinct colours in it (1 for a blank window).
window_colours() {
	x_user import -window "$WID" "$XDIR/$1.png" && convert "$XDIR/$1.png" -format %k info:
}

# drawn NAME MIN: succeeds once the screenshot of $WID has more than MIN colours (an app maps its
# window before it paints it: wait_until retries, bounded); COLOURS is the last count.
drawn() {
	COLOURS=$(window_colours "$1") && echo "$1: $COLOURS colours" && [ "$COLOURS" -gt "$2" ]
}

# app_pid COMM: the test user's newest process named COMM (the app inside the sandbox).
app_pid() { pgrep -n -u "$TEST_UID" -x "$1"; }

# sandbox_view PID GRANTED: the sandbox of PID shows GRANTED (a host path) and has no ~/.ssh,
# which the user has outside.
sandbox_view() {
	local root=/proc/$1/root
	# Two commands: a failing left side of `&&` does not fail a bats test.
	[ -n "$1" ]
	[ -d "$root/" ]
	[ -e "$TEST_HOME/.ssh/id_sbxgui" ]
	[ -e "$root$2" ]
	[ ! -e "$root$TEST_HOME/.ssh" ]
	[ ! -e "$root$TEST_HOME/.ssh/id_sbxgui" ]
}

# gui_stop_within SECONDS: gui_stop, bounded: an app that does not end on SIGTERM (LibreOffice's
# oosplash blocks it while soffice.bin exits) gets sbx killed with SIGKILL after SECONDS, which
# ends the whole sandbox (sbx-init dies with sbx).
gui_stop_within() {
	kill -TERM "$SBX_PID" 2>/dev/null || true
	wait_until "$1" eval '! kill -0 '"$SBX_PID"' 2>/dev/null' || kill -KILL "$SBX_PID" 2>/dev/null || true
	wait "$SBX_PID" 2>/dev/null || true
	SBX_PID=
	cat "$BATS_TEST_TMPDIR/app.log"
}

# A secret of the test user's that no desktop profile grants (~/.ssh/id_sbxgui), for a whole file.
gui_plant_secret() {
	SSH_MADE=
	if [ ! -e "$TEST_HOME/.ssh" ]; then
		as_user mkdir -m 0700 "$TEST_HOME/.ssh"
		SSH_MADE=1
	fi
	as_user sh -c 'echo SECRET-KEY-MATERIAL >"$HOME/.ssh/id_sbxgui"'
	export SSH_MADE
}

gui_remove_secret() {
	rm -f "$TEST_HOME/.ssh/id_sbxgui"
	[ -z "$SSH_MADE" ] || rmdir "$TEST_HOME/.ssh"
}
