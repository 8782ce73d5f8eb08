#!/usr/bin/env bats
# Terminal injection: TIOCSTI pushes keystrokes into the terminal the sandbox was started from,
# which the user's shell then runs outside the sandbox (CVE-2017-5226 bubblewrap, CVE-2016-7545
# firejail); with bits above 32 set it slipped past 64-bit seccomp compares (CVE-2019-10063
# Flatpak, CVE-2019-7303 snapd); TIOCLINUX does the same on a virtual console (CVE-2023-28100).
# sbx is started on a real pty that is its controlling terminal (tests/helpers/escape-pty.c), so
# an injection would land in that terminal's input queue, which escape-pty reads afterwards.

load ../lib/common
load escape

tty_check() {
	local who=$1 variant=$2 marker out rc bad=0
	marker=$(unique tty)
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$HELPERS/escape-pty" "$marker" "$SBX" "${VARGS[@]}" \
		-- /helpers/escape-probe tty "$marker"$'\n' 2>&1)
	rc=$?
	show "$who $variant" "$out"
	if ! grep -qx 'INJECTED no' <<<"$out"; then
		echo "    [$who $variant] ESCAPED: input was injected into the terminal sbx was started from" >&2
		bad=1
	fi
	if [ "$rc" -ne 0 ] || ! grep -qx 'VERDICT BLOCKED' <<<"$out"; then
		echo "    [$who $variant] escape-probe tty: exit status $rc; expected VERDICT BLOCKED" >&2
		bad=1
	fi
	return "$bad"
}

# Layer: seccomp (ioctl TIOCSTI and TIOCLINUX, compared on the low 32 bits: EPERM). The control
# shows that this kernel (dev.tty.legacy_tiocsti=1) does inject without a sandbox, so the check
# can see an injection when there is one.
@test "TIOCSTI and TIOCLINUX, plain and with high bits set, cannot inject into the caller's terminal" {
	if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ]; then
		local marker control
		marker=$(unique tty-control)
		control=$(as_user "$HELPERS/escape-pty" "$marker" "$HELPERS/escape-probe" tty "$marker"$'\n' 2>&1 || true)
		show "control, no sandbox" "$control"
		grep -qx 'INJECTED yes' <<<"$control"
	fi
	for_variants tty_check
}

# ---- the sandbox's own terminal (issue 17 item 3) ----
# sbx used to leave the sandbox in the caller's session with the caller's terminal on its std
# fds and as /dev/tty: changes to that terminal outlived the sandbox (TIOCSETD N_NULL left it
# dead, TIOCEXCL locked the user out, TCSETS garbled it) and, with stdio redirected, /dev/tty still
# reached it. Now a terminal on a std fd is replaced by a pty of the sandbox's own, relayed by
# sbx, and without one the sandbox has no controlling terminal at all.

# The outer terminal after sbx exits, as escape-pty reports it: unchanged.
terminal_unchanged() {
	local label=$1 out=$2 bad=0 want
	for want in "TERMIOS same" "LDISC 0" "EXCL 0" "REOPEN ok" "INJECTED no"; do
		if ! grep -qx "$want" <<<"${out//$'\r'/}"; then
			echo "    [$label] the caller's terminal after sbx exited: expected '$want'" >&2
			bad=1
		fi
	done
	return "$bad"
}

tty_attack_check() {
	local who=$1 variant=$2 out rc
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$HELPERS/escape-pty" "$(unique ttyattack)" "$SBX" --quiet "${VARGS[@]}" \
		-- /helpers/tty-probe attack 2>&1)
	rc=$?
	show "$who $variant" "$out"
	[ "$rc" -eq 0 ] || { echo "    [$who $variant] exit status $rc" >&2; return 1; }
	# The attack ran: TCSETS works on the sandbox's own terminal, through each fd and /dev/tty.
	[ "$(grep -c 'TCSETS OK' <<<"$out")" -eq 4 ] || { echo "    [$who $variant] the attack did not run" >&2; return 1; }
	terminal_unchanged "$who $variant" "$out"
}

# Layer: tty (a pty of the sandbox's own; the caller's terminal is never its std fds nor its
# controlling terminal) and seccomp (TIOCSETD, TIOCEXCL: EPERM). The control shows that the
# attack does change a terminal it reaches, so the check can see a change when there is one.
@test "TIOCSETD, TIOCEXCL and TCSETS on fds 0-2 and /dev/tty leave the caller's terminal unchanged" {
	local control
	control=$(as_user "$HELPERS/escape-pty" "$(unique ttyattack-control)" "$HELPERS/tty-probe" attack 2>&1 || true)
	show "control, no sandbox" "$control"
	! terminal_unchanged control "$control" 2>/dev/null
	grep -qx 'TERMIOS changed' <<<"${control//$'\r'/}"
	for_variants tty_attack_check
}

# sbx started from a terminal with stdin, stdout and stderr redirected to files (as a shell runs
# `sbx CMD </dev/null >log 2>&1`); the probe's report goes to the log.
redirected_session() {
	local who=$1 variant=$2 marker=$3 dir
	dir=$4
	variant_args "$who" "$variant"
	# shellcheck disable=SC2016 # expanded by the inner sh
	run_as "$who" "$HELPERS/escape-pty" "$marker" sh -c 'log=$1; shift; exec "$@" </dev/null >"$log" 2>&1' \
		sh "$dir/$who-$variant.log" "$SBX" --quiet "${VARGS[@]}" -- /helpers/tty-probe session "$marker" 2>&1
}

tty_redirected_check() {
	local who=$1 variant=$2 dir=$3 marker out log bad=0
	marker=$(unique ttytitle)
	out=$(redirected_session "$who" "$variant" "$marker" "$dir")
	log=$(cat "$dir/$who-$variant.log")
	show "$who $variant, terminal" "$out"
	show "$who $variant, log" "$log"
	if grep -q "$marker" <<<"$out"; then
		echo "    [$who $variant] ESCAPED: the sandbox wrote to the caller's terminal" >&2
		bad=1
	fi
	grep -qx 'WRITE ok' <<<"$log" && { echo "    [$who $variant] /dev/tty was writable" >&2; bad=1; }
	grep -qx 'WRITE [A-Z]*' <<<"$log" || { echo "    [$who $variant] the probe did not run" >&2; bad=1; }
	terminal_unchanged "$who $variant" "$out" || bad=1
	return "$bad"
}

# Layer: tty (pid 1 starts a new session, and without a terminal on a std fd the view has no
# /dev/tty): title escape sequences, OSC 52 and the like cannot reach the terminal sbx was started
# from when the app's output is redirected.
@test "with stdin, stdout and stderr redirected, writing to /dev/tty does not reach the caller's terminal" {
	local dir
	user_tmpdir dir sbx-ttyredir
	for_variants tty_redirected_check "$dir"
}

tty_no_ctty_check() {
	local who=$1 variant=$2 dir=$3 log bad=0
	redirected_session "$who" "$variant" "$(unique ttysess)" "$dir" >/dev/null
	log=$(cat "$dir/$who-$variant.log")
	show "$who $variant, from a terminal" "$log"
	# The session of the sandbox's pid 1 (so not the caller's), and no controlling terminal.
	grep -qx 'TTY_NR 0' <<<"$log" || bad=1
	grep -qx 'SID 1' <<<"$log" || bad=1
	grep -qxE 'DEVTTY (ENXIO|ENOENT)' <<<"$log" || bad=1
	# Started without any terminal at all (a service, a pipeline): the same.
	variant_args "$who" "$variant"
	log=$(run_as "$who" setsid -w "$SBX" --quiet "${VARGS[@]}" -- /helpers/tty-probe session </dev/null 2>&1)
	show "$who $variant, no terminal" "$log"
	grep -qx 'TTY_NR 0' <<<"$log" || bad=1
	grep -qx 'SID 1' <<<"$log" || bad=1
	grep -qxE 'DEVTTY (ENXIO|ENOENT)' <<<"$log" || bad=1
	[ "$bad" -eq 0 ] || echo "    [$who $variant] expected TTY_NR 0, SID 1 and no /dev/tty" >&2
	return "$bad"
}

# Layer: tty (setsid in pid 1). When no std fd is a terminal, the sandboxed command has no
# controlling terminal, even when sbx itself has one.
@test "without a terminal on a std fd, the sandboxed command has no controlling terminal" {
	local dir
	user_tmpdir dir sbx-ttysess
	for_variants tty_no_ctty_check "$dir"
}

tty_interactive_check() {
	local who=$1 variant=$2 out rc bad=0 want
	variant_args "$who" "$variant"
	out=$(run_as "$who" "$HELPERS/escape-pty" -c -w 33x111 -e READY -s 'typed here\n' -e WAITWINCH \
		-r 44x122 -e WAITEOF -s '\x04' "$(unique ttyinter)" \
		"$SBX" --quiet "${VARGS[@]}" -- /helpers/tty-probe interactive 20000 2>&1)
	rc=$?
	out=${out//$'\r'/}
	show "$who $variant" "$(head -n 12 <<<"$out"; echo ...; tail -n 8 <<<"$out")"
	[ "$rc" -eq 7 ] || { echo "    [$who $variant] exit status $rc, expected the command's 7" >&2; bad=1; }
	# A terminal inside (the sandbox's pty, found as /dev/console), the outer window size, typed
	# input with its echo, a resize, end of input (Ctrl-D), and every line written just before exit.
	for want in "TTY /dev/console" "SIZE 33 111" "typed here" "GOT typed here" "SIZE2 44 122" "EOF" \
		"L19999 last"; do
		grep -qx "$want" <<<"$out" || { echo "    [$who $variant] expected '$want'" >&2; bad=1; }
	done
	[ "$(grep -c '^L[0-9]' <<<"$out")" -eq 20000 ] || { echo "    [$who $variant] output lost" >&2; bad=1; }
	grep -q STEP-TIMEOUT <<<"$out" && bad=1
	terminal_unchanged "$who $variant" "$out" || bad=1

	# Ctrl-C typed at the terminal reaches the command through the pty's line discipline.
	out=$(run_as "$who" "$HELPERS/escape-pty" -c -e READY -s '\x03' "$(unique ttyintr)" \
		"$SBX" --quiet "${VARGS[@]}" -- sh -c 'echo READY; exec sleep 60' 2>&1)
	rc=$?
	show "$who $variant, Ctrl-C" "$out"
	[ "$rc" -eq 130 ] || { echo "    [$who $variant] Ctrl-C: exit status $rc, expected 130" >&2; bad=1; }
	terminal_unchanged "$who $variant Ctrl-C" "$out" || bad=1

	# Ctrl-Z stops the command and sbx with it, as a job of the shell that started it, which then
	# has its terminal back as it was; fg continues both.
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(run_as "$who" "$HELPERS/escape-pty" -c -e READY -s '\x1a' -e FG-DONE "$(unique ttystop)" \
		bash -c 'set -m; before=$(stty -g); "$@"; echo "STOPPED $?"
			[ "$(stty -g)" = "$before" ] && echo SANE-WHILE-STOPPED; fg >/dev/null; echo "FG-DONE $?"' \
		bash "$SBX" --quiet "${VARGS[@]}" -- sh -c 'echo READY; sleep 1; echo CONTINUED; exit 4' 2>&1)
	out=${out//$'\r'/}
	show "$who $variant, Ctrl-Z" "$out"
	for want in "STOPPED 148" SANE-WHILE-STOPPED CONTINUED "FG-DONE 4"; do
		grep -qx "$want" <<<"$out" || { echo "    [$who $variant] Ctrl-Z: expected '$want'" >&2; bad=1; }
	done
	terminal_unchanged "$who $variant Ctrl-Z" "$out" || bad=1
	return "$bad"
}

# Layer: tty (the relay). Interactive use still works on the sandbox's own terminal, and the
# caller's terminal gets its modes back.
@test "interactive use through the sandbox's pty: tty, window size, input, Ctrl-C, Ctrl-Z, Ctrl-D, output, exit status" {
	for_variants tty_interactive_check
}
