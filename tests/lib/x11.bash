# An X server for tests of `socket x11` (`load ../lib/x11` after common): Xvfb with a cookie
# (-auth), run as the test user, on the display number it picks itself (-displayfd) so that runs in
# parallel never collide. Stop it with stop_xvfb, never with SIGKILL alone (that leaves its socket
# in /tmp/.X11-unix).

# start_xvfb DIR [XVFB-ARGS...]: an Xvfb whose server cookie file is DIR/serverauth (DIR writable
# by the test user); sets XVFB_PID, XVFB_DISPLAY (the number) and XVFB_COOKIE (hex). The server
# keeps its state when its last client leaves (-noreset), unless XVFB_RESETS=1: then it resets, as
# under xvfb-run or xinit, and forgets the cookies it made.
start_xvfb() {
	local dir=$1 cookie noreset=-noreset
	shift
	[ "${XVFB_RESETS:-}" != 1 ] || noreset=
	cookie=$(mcookie)
	as_user xauth -q -f "$dir/serverauth" add :0 . "$cookie"
	_as_user_exec Xvfb -displayfd 3 -auth "$dir/serverauth" -nolisten tcp $noreset \
		-screen 0 800x600x24 "$@" </dev/null >"$dir/xvfb.log" 2>&1 3>"$dir/displayfd" &
	XVFB_PID=$!
	wait_until 10 test -s "$dir/displayfd" || { cat "$dir/xvfb.log" >&2; return 1; }
	XVFB_DISPLAY=$(cat "$dir/displayfd")
	XVFB_COOKIE=$cookie
}

# stop_xvfb PID DISPLAY: SIGTERM, so that the server removes its socket and lock file; what a
# server that had to be killed left behind is removed here.
stop_xvfb() {
	kill -TERM "$1" 2>/dev/null
	wait_until 5 eval '! kill -0 '"$1"' 2>/dev/null' || kill -KILL "$1" 2>/dev/null
	[ -z "$2" ] || rm -f "/tmp/.X11-unix/X$2" "/tmp/.X$2-lock"
}

# A host without an X server may have no /tmp/.X11-unix: made as a desktop has it (root only);
# X11_DIR_MADE says so, for x11_dir_remove.
x11_dir_make() {
	if [ ! -d /tmp/.X11-unix ] && _sbx_is_root; then
		install -d -m 1777 /tmp/.X11-unix
		export X11_DIR_MADE=1
	fi
}

x11_dir_remove() {
	[ -z "${X11_DIR_MADE:-}" ] || rmdir /tmp/.X11-unix 2>/dev/null || true
}
