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
