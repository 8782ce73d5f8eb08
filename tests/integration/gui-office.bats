#!/usr/bin/env bats
# The shipped profiles of the big desktop apps (issue 12): LibreOffice Writer, Inkscape, GIMP, VLC,
# transmission-gtk and Thunderbird, the real Debian apps, as the unprivileged test user, on one
# Xvfb with cookies and with a session bus of the user's (as a desktop has them) for the whole
# file. For each app: its window appears (a bounded wait), a screenshot of it is not blank, it does
# a real job with a file of a granted directory, and the app's own sandbox, seen through
# /proc/PID/root, holds the granted file (the control) but neither ~/.ssh, which exists outside
# with a secret in it, nor the bus's socket. Each app runs once per test (they take seconds to
# start); the helpers are tests/lib/gui.bash, shared with gui.bats.

load ../lib/common
load ../lib/x11
load ../lib/dbus
load ../lib/gui
bats_require_minimum_version 1.5.0

setup_file() {
	local pair missing=()
	for pair in libreoffice-writer:lowriter inkscape:inkscape gimp:gimp vlc:vlc transmission-gtk:transmission-gtk \
		thunderbird:thunderbird xvfb:Xvfb xdotool:xdotool imagemagick:import ffmpeg:ffmpeg poppler-utils:pdftotext \
		dbus-daemon:dbus-daemon; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		_sbx_is_root || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
	x11_dir_make
	XDIR=$(mktemp -d /var/tmp/sbx-gui-office.XXXXXX)
	chmod 0755 "$XDIR"
	_sbx_is_root && chown "$TEST_UID:$TEST_GID" "$XDIR"
	start_xvfb "$XDIR" -screen 0 1024x768x24
	as_user xauth -q -f "$XDIR/xauthority" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	export XDIR XVFB_PID XD=$XVFB_DISPLAY
	# The user's session bus, in the environment sbx starts from; no profile here grants it.
	start_test_bus BUS "$TEST_UID"
	export GUI_ENV="DBUS_SESSION_BUS_ADDRESS=unix:path=$BUS_DIR/bus"
	# The documents, the test user's, in a directory the apps are granted from the command line.
	DOCS=$XDIR/docs
	as_user mkdir "$DOCS"
	printf 'Hello from the sbx office test\nsecond line of the letter\n' >"$DOCS/sbx-office-letter.txt"
	cat >"$DOCS/sbx-office-drawing.svg" <<-'SVG'
		<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">
		  <rect width="320" height="240" fill="#22aa66"/>
		  <circle cx="160" cy="120" r="80" fill="#cc3333"/>
		</svg>
	SVG
	convert -size 320x240 gradient:red-blue "$DOCS/sbx-office-photo.png"
	ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 3 \
		-pix_fmt yuv420p -c:a libvorbis "$DOCS/sbx-office-clip.mkv"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/make_torrent.py" "$DOCS/sbx-office.torrent" sbx-office-share.txt \
		>"$XDIR/infohash"
	printf 'From: Alice <alice@example.org>\nTo: Bob <bob@example.org>\nSubject: sbx-office-mail\nDate: Sun, 06 Dec 2026 03:00:00 +0000\nMessage-ID: <sbx-office@example.org>\nContent-Type: text/plain\n\nHello from the sbx office test.\n' \
		>"$DOCS/sbx-office-mail.eml"
	_sbx_is_root && chown -R "$TEST_UID:$TEST_GID" "$DOCS"
	export DOCS
	gui_plant_secret
}

teardown_file() {
	stop_test_bus "${BUS_DIR:-}" "${BUS_PIDS:-}"
	stop_xvfb "$XVFB_PID" "$XD"
	rm -rf "$XDIR"
	gui_remove_secret
	x11_dir_remove
}

teardown() {
	[ -z "${SBX_PID:-}" ] || gui_stop_within 10
	sbx_cleanup
}

# office_view PID GRANTED: sandbox_view, and the user's session bus socket is not inside either.
office_view() {
	sandbox_view "$1" "$2"
	[ -S "$BUS_DIR/bus" ]
	[ ! -e "/proc/$1/root$BUS_DIR/bus" ]
}

# A user directory made for a test (and removed after it), owned by the test user.
user_dir() {
	local d
	for d in "$@"; do
		[ -e "$d" ] || cleanup_path "$d"
		as_user mkdir -p "$d"
	done
}

@test "libreoffice --headless converts a document of a granted directory to PDF; a file in ~/.ssh is left out and not converted" {
	run x_user "$SBX" libreoffice --headless --convert-to pdf --outdir "$DOCS" "$DOCS/sbx-office-letter.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(stat -c %u "$DOCS/sbx-office-letter.pdf")" = "$TEST_UID" ]
	run -0 pdftotext "$DOCS/sbx-office-letter.pdf" -
	[[ $output == *"Hello from the sbx office test"* ]]
	# The secret: grant-args leaves ~/.ssh out, with a note, and LibreOffice cannot load it.
	run x_user "$SBX" libreoffice --headless --convert-to pdf --outdir "$DOCS" "$TEST_HOME/.ssh/id_sbxgui"
	echo "$output"
	[[ $output == *"$TEST_HOME/.ssh/id_sbxgui"* ]]
	[ ! -e "$DOCS/id_sbxgui.pdf" ]
	[ ! -e "$TEST_HOME/.ssh/id_sbxgui.pdf" ]
}

@test "libreoffice --writer: shows the document named on its command line, with its directory read-write" {
	gui_start 90 '^sbx-office-letter\.txt - LibreOffice Writer$' -q libreoffice --writer "$DOCS/sbx-office-letter.txt"
	wait_until 30 drawn writer 16
	pid=$(app_pid soffice.bin)
	office_view "$pid" "$DOCS/sbx-office-letter.txt"
	# Its lock file, beside the document, on the host.
	wait_until 20 test -e "$DOCS/.~lock.sbx-office-letter.txt#"
	run -0 grep -w "$DOCS" "/proc/$pid/mountinfo"
	[[ $output == *" rw,"* ]]
}

@test "inkscape: shows the drawing named on its command line, and exports it to PNG in the granted directory" {
	gui_start 60 '^sbx-office-drawing\.svg - Inkscape$' -q inkscape "$DOCS/sbx-office-drawing.svg"
	wait_until 30 drawn inkscape 16
	office_view "$(app_pid inkscape)" "$DOCS/sbx-office-drawing.svg"
	# The drawing's red circle is on the canvas.
	convert "$XDIR/inkscape.png" -format %c histogram:info:- | grep -i '#CC3333'
	gui_stop_within 10
	run x_user "$SBX" inkscape --export-type=png --export-filename="$DOCS/sbx-office-drawing.png" "$DOCS/sbx-office-drawing.svg"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	assert_eq "$(convert "$DOCS/sbx-office-drawing.png" -format '%w %h %[pixel:p{160,120}] %[pixel:p{5,5}]' info:)" \
		"320 240 srgba(204,51,51,1) srgba(34,170,102,1)"
}

@test "gimp: opens the image named on its command line and shows it" {
	gui_start 90 '^\[sbx-office-photo\] .* 320x240 – GIMP$' -q gimp "$DOCS/sbx-office-photo.png"
	# The red-to-blue gradient alone has 240 colours.
	wait_until 30 drawn gimp 100
	office_view "$(app_pid gimp)" "$DOCS/sbx-office-photo.png"
}

@test "vlc: plays the generated video named on its command line (X11 output, sound to the dummy output)" {
	gui_start 60 '^sbx-office-clip\.mkv - VLC media player$' -q vlc --aout=dummy --no-qt-privacy-ask --loop \
		"$DOCS/sbx-office-clip.mkv"
	wait_until 30 drawn vlc 100
	office_view "$(app_pid vlc)" "$DOCS/sbx-office-clip.mkv"
	# Playing: testsrc's counter and moving gradient change the picture.
	wait_until 20 eval '[ "$(window_colours vlc2 >/dev/null && compare -metric AE "$XDIR/vlc.png" "$XDIR/vlc2.png" null: 2>&1)" != 0 ]'
}

# Consent given in its settings (the first-run dialog would wait for a click), the torrent named on
# the command line is added: transmission copies it into its own directory, on the host.
@test "transmission-gtk: adds the torrent named on its command line, into its settings directory on the host" {
	user_dir "$TEST_HOME/.config" "$TEST_HOME/.config/transmission"
	as_user sh -c 'echo "{ \"user-has-given-informed-consent\": true }" >"$HOME/.config/transmission/settings.json"'
	gui_start 60 '^Transmission$' -q transmission-gtk "$DOCS/sbx-office.torrent"
	wait_until 30 drawn transmission 16
	office_view "$(app_pid transmission-gt)" "$DOCS/sbx-office.torrent"
	hash=$(cat "$XDIR/infohash")
	wait_until 30 test -e "$TEST_HOME/.config/transmission/torrents/$hash.torrent"
	cmp "$DOCS/sbx-office.torrent" "$TEST_HOME/.config/transmission/torrents/$hash.torrent"
	# Its options dialog for the new torrent.
	x_user timeout 20 xdotool search --sync --onlyvisible --name '^Torrent Options$'
}

@test "thunderbird: reaches its window and shows the message named on its command line" {
	gui_start 120 '^sbx-office-mail - Mozilla Thunderbird$' -q thunderbird "$DOCS/sbx-office-mail.eml"
	wait_until 30 drawn thunderbird 16
	office_view "$(app_pid thunderbird)" "$DOCS/sbx-office-mail.eml"
}
