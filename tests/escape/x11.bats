#!/usr/bin/env bats
# Escape classes through a granted X display (socket x11): the X server's abstract socket, which
# would hand out the display without the sandbox's untrusted cookie, and what an untrusted client
# may do to the rest of the display (read its pixels). A real Xvfb with cookies runs for the file;
# the cookie file is readable by root and the test user, the two who start sbx here.

load ../lib/common
load ../lib/x11
load escape

setup_file() {
	x11_dir_make
	XDIR=$(mktemp -d /var/tmp/sbx-escape-x11.XXXXXX)
	chmod 0755 "$XDIR"
	_sbx_is_root && chown "$TEST_UID:$TEST_GID" "$XDIR"
	start_xvfb "$XDIR"
	as_user xauth -q -f "$XDIR/xauthority" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	export XDIR XVFB_PID XD=$XVFB_DISPLAY
}

teardown_file() {
	stop_xvfb "$XVFB_PID" "$XD"
	rm -rf "$XDIR"
	x11_dir_remove
}

# x11_sbx WHO VARIANT SBX-ARGS...: escape_sbx with the display and its cookie in the environment.
x11_sbx() {
	local who=$1 variant=$2
	shift 2
	variant_args "$who" "$variant"
	run_as "$who" env DISPLAY=":$XD" XAUTHORITY="$XDIR/xauthority" "$SBX" -q "${VARGS[@]}" --socket x11 "$@"
}

# Layer: the network namespace (default), or with --net host (permissive) Landlock's abstract
# scope plus the seccomp rule that answers the abstract name's exact length with ECONNREFUSED.
x11_abstract_check() {
	local who=$1 variant=$2 out rc=0 control
	control=$(run_as_sandbox_uid "$who" "$HELPERS/escape-probe" abstract "/tmp/.X11-unix/X$XD" 2>&1)
	if ! grep -q '^ESCAPED connect-abstract' <<<"$control"; then
		show "control, no sandbox" "$control"
		echo "    [$who $variant] the control connection failed: Xvfb does not answer" >&2
		rc=1
	fi
	out=$(x11_sbx "$who" "$variant" -- /helpers/escape-probe abstract "/tmp/.X11-unix/X$XD" 2>&1)
	show "$who $variant" "$out"
	if ! grep -qx 'VERDICT BLOCKED' <<<"$out"; then
		echo "    [$who $variant] ESCAPED: the X server's abstract socket answered inside" >&2
		rc=1
	fi
	return "$rc"
}

@test "socket x11: the X server's abstract socket stays unreachable, with and without --net host" {
	for_variants x11_abstract_check
}

# Layer: the untrusted cookie (X SECURITY extension). The same command with x11-trusted reads the
# screen, which proves the check can see an escape.
x11_getimage_check() {
	local who=$1 variant=$2 out trusted
	out=$(x11_sbx "$who" "$variant" -- sh -c 'xwd -root -silent 2>/dev/null | wc -c' 2>&1)
	trusted=$(x11_sbx "$who" "$variant" --socket x11-trusted -- sh -c 'xwd -root -silent 2>/dev/null | wc -c' 2>&1)
	show "$who $variant untrusted" "$out"
	show "$who $variant trusted" "$trusted"
	[[ $trusted =~ ^[0-9]+$ ]] && [ "$trusted" -gt 1000 ] || {
		echo "    [$who $variant] the control (x11-trusted) could not read the screen" >&2
		return 1
	}
	[ "$out" = 0 ] || { echo "    [$who $variant] ESCAPED: the untrusted client read the root window" >&2; return 1; }
}

@test "socket x11: the untrusted client cannot read the screen (xwd -root), while x11-trusted can" {
	for_variants x11_getimage_check
}
