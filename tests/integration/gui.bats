#!/usr/bin/env bats
# The shipped desktop profiles (issue 12) with the real Debian apps, as the unprivileged test user,
# on one Xvfb with cookies for the whole file (started as in x11.bats). For each app: its window
# appears (a bounded wait), it shows a file from a granted place (the screenshot of its window is
# not blank), and the app's own sandbox, seen through /proc/PID/root of the app process, holds the
# granted file (the control) but no ~/.ssh, which exists outside. Firefox renders a page from a
# loopback server (the page's title reaches the window title) with its own sandbox at work.

load ../lib/common
load ../lib/x11
load ../lib/gui
bats_require_minimum_version 1.5.0

setup_file() {
	local pair missing=()
	for pair in xterm:xterm mousepad:mousepad gedit:gedit evince:evince eog:eog mpv:mpv firefox-esr:firefox-esr chromium:chromium \
		xvfb:Xvfb xdotool:xdotool imagemagick:import ffmpeg:ffmpeg; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		_sbx_is_root || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
	x11_dir_make
	XDIR=$(mktemp -d /var/tmp/sbx-gui.XXXXXX)
	chmod 0755 "$XDIR"
	_sbx_is_root && chown "$TEST_UID:$TEST_GID" "$XDIR"
	start_xvfb "$XDIR"
	# The cookie in a file of this run's own (not ~/.Xauthority, which x11.bats uses).
	as_user xauth -q -f "$XDIR/xauthority" add ":$XVFB_DISPLAY" . "$XVFB_COOKIE"
	export XDIR XVFB_PID XD=$XVFB_DISPLAY
	# The documents the apps open, the test user's, in a directory they are granted from.
	DOCS=$XDIR/docs
	as_user mkdir "$DOCS"
	seq -f 'line %g of the sbx gui notes' 1 40 >"$DOCS/sbx-gui-notes.txt"
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/make_pdf.py" "$DOCS/sbx-gui-report.pdf" "Hello from the sbx gui test"
	convert -size 320x240 gradient:red-blue "$DOCS/sbx-gui-photo.png"
	ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 2 -pix_fmt yuv420p "$DOCS/sbx-gui-clip.mkv"
	_sbx_is_root && chown -R "$TEST_UID:$TEST_GID" "$DOCS"
	export DOCS
	gui_plant_secret
}

teardown_file() {
	stop_xvfb "$XVFB_PID" "$XD"
	rm -rf "$XDIR"
	gui_remove_secret
	x11_dir_remove
}

teardown() {
	[ -z "${SBX_PID:-}" ] || gui_stop
	sbx_cleanup
}

@test "xterm: its window appears and draws the shell's output; the sandbox has no ~/.ssh and no home files" {
	gui_start 30 '^sbx-gui-xterm$' -q xterm -T sbx-gui-xterm -e sh -c 'ls -la ~; echo sbx-gui-shell-ran; exec sleep 600'
	wait_until 30 drawn xterm 1
	pid=$(app_pid sleep)
	sandbox_view "$pid" /usr/bin/xterm
	# The shell sees the private home: what desktop.inc puts there, nothing of the user's.
	run ls -A "/proc/$pid/root$TEST_HOME"
	echo "$output"
	assert_eq "$(echo $output)" ".cache .local"
}

# GIO saves by writing a new file beside the old one and renaming it over it: a file granted alone
# is a mount point, and the rename fails with EBUSY ("Failed to save the document"), so editors get
# the file's directory (grant-args edit).
@test "mousepad: opens the file named on its command line and saves an edit into it (grant-args edit: its directory)" {
	gui_start 30 'sbx-gui-notes\.txt' -q mousepad "$DOCS/sbx-gui-notes.txt"
	wait_until 30 drawn mousepad 16
	pid=$(app_pid mousepad)
	sandbox_view "$pid" "$DOCS/sbx-gui-notes.txt"
	run -0 grep -w "$DOCS" "/proc/$pid/mountinfo"
	[[ $output == *" rw,"* ]]
	# Typed from outside (the test user's trusted cookie has XTEST), saved with Ctrl+S.
	x_user xdotool windowfocus --sync "$WID"
	x_user xdotool key --clearmodifiers ctrl+End
	x_user xdotool type --delay 10 'saved-through-sbx'
	x_user xdotool key --clearmodifiers ctrl+s
	wait_until 20 grep -q 'saved-through-sbx' "$DOCS/sbx-gui-notes.txt"
	head -1 "$DOCS/sbx-gui-notes.txt" | grep -q '^line 1 of the sbx gui notes$'
	[ "$(stat -c %u "$DOCS/sbx-gui-notes.txt")" = "$TEST_UID" ]
}

# firejail lets an app reach the display unless its profile says x11 none: the importer gives a
# program that a desktop entry runs an untrusted cookie of its own and desktop.inc.
@test "import-firejail: mousepad's firejail profile, imported, gets the display and its window appears; no ~/.ssh" {
	prof=$XDIR/imported-mousepad.profile
	rm -f "$prof"
	run -0 x_user "$SBX" profile import-firejail -o "$prof" mousepad
	grep -qx 'socket x11' "$prof"
	grep -qx 'private-bin mousepad' "$prof"
	gui_start 30 'Mousepad' -q --profile "$prof" mousepad
	wait_until 30 drawn imported-mousepad 16
	pid=$(app_pid mousepad)
	sandbox_view "$pid" /usr/bin/mousepad
	[ ! -e "/proc/$pid/root/usr/bin/xterm" ]  # private-bin holds
}

@test "grant-args edit: a file directly in the home is edited in a private copy; --explain shows it and the directory grant" {
	make_user_file "$TEST_HOME/sbx-gui-home.txt" "in the home"
	run x_user "$SBX" --explain mousepad "$TEST_HOME/sbx-gui-home.txt" "$DOCS/sbx-gui-notes.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"$TEST_HOME/sbx-gui-home.txt is edited in a private copy, written back when the sandbox ends (its directory stays out: "*"home"* ]]
	# The other file's directory, read-write; the home file as a copy.
	echo "$output" | grep -E "^  bind +$DOCS +<- $DOCS .*mousepad.profile"
	echo "$output" | grep -E "^  copy +$TEST_HOME/sbx-gui-home.txt +<- "
	! echo "$output" | grep -E "^  bind +$TEST_HOME +<-"
	# A file in ~/.config: its directory holds autostart and systemd units, which run on the host.
	[ -d "$TEST_HOME/.config" ] || { as_user mkdir "$TEST_HOME/.config"; cleanup_path "$TEST_HOME/.config"; }
	make_user_file "$TEST_HOME/.config/sbx-gui-edit.conf" "setting"
	run x_user "$SBX" --explain mousepad "$TEST_HOME/.config/sbx-gui-edit.conf"
	echo "$output" | grep "sbx-gui-edit"
	[[ $output == *"granted $TEST_HOME/.config/sbx-gui-edit.conf alone (saving by rename will fail), not its directory: "* ]]
	! echo "$output" | grep -E "^  bind +$TEST_HOME/.config +<-"
}

title_saved() { local t; t=$(x_user xdotool getwindowname "$WID") && echo "title: $t" && [[ $t != \** ]]; }
sbx_gone() { [ ! -e "/proc/$SBX_PID" ] || grep -q '^[0-9]* (.*) Z' "/proc/$SBX_PID/stat"; }

# The same save (GIO's rename) of a file directly in the home, whose directory never goes in: the
# sandbox's private copy takes it, and sbx writes it back when mousepad has quit.
@test "mousepad: saves an edit of a file directly in the home; sbx writes it back when the app quits" {
	make_user_file "$TEST_HOME/sbx-gui-home.txt" "line 1 in the home"
	gui_start 30 'sbx-gui-home\.txt' mousepad "$TEST_HOME/sbx-gui-home.txt"
	wait_until 30 drawn mousepad 16
	x_user xdotool windowfocus --sync "$WID"
	x_user xdotool key --clearmodifiers ctrl+End
	x_user xdotool type --delay 10 'saved-in-the-copy'
	x_user xdotool key --clearmodifiers ctrl+s
	# Saved inside (the title loses its "*"); the host file has not changed yet.
	wait_until 20 title_saved
	! grep -q 'saved-in-the-copy' "$TEST_HOME/sbx-gui-home.txt"
	x_user xdotool key --clearmodifiers ctrl+q
	wait_until 30 sbx_gone
	cat "$BATS_TEST_TMPDIR/app.log"
	grep -q 'saved-in-the-copy' "$TEST_HOME/sbx-gui-home.txt"
	head -1 "$TEST_HOME/sbx-gui-home.txt" | grep -qx 'line 1 in the home'
	[ "$(stat -c %u "$TEST_HOME/sbx-gui-home.txt")" = "$TEST_UID" ]
	grep -q "sbx-gui-home.txt: the sandbox's changes are written back" "$BATS_TEST_TMPDIR/app.log"
}

@test "gedit: shows the file named on its command line" {
	gui_start 30 'sbx-gui-notes\.txt' -q gedit "$DOCS/sbx-gui-notes.txt"
	wait_until 30 drawn gedit 16
	sandbox_view "$(app_pid gedit)" "$DOCS/sbx-gui-notes.txt"
}

@test "evince: shows the PDF named on its command line, read-only, and nothing else of its directory" {
	gui_start 30 'sbx-gui-report\.pdf' -q evince "$DOCS/sbx-gui-report.pdf"
	wait_until 30 drawn evince 16
	pid=$(app_pid evince)
	sandbox_view "$pid" "$DOCS/sbx-gui-report.pdf"
	[ ! -e "/proc/$pid/root$DOCS/sbx-gui-notes.txt" ]
	# Read-only: the app's own view of the file is a read-only mount.
	run -0 grep -w "$DOCS/sbx-gui-report.pdf" "/proc/$pid/mountinfo"
	[[ $output == *" ro,"* || $output == *" ro "* ]]
}

# Started by root, the app runs as nobody, on root's display connection (the same server here,
# reached with the cookie file root is given) with a cookie of its own.
@test "evince as root: runs as nobody, shows the PDF named on its command line, no ~/.ssh" {
	needs_root
	_as_root_exec env DISPLAY=":$XD" XAUTHORITY="$XDIR/xauthority" "$SBX" -q evince "$DOCS/sbx-gui-report.pdf" \
		</dev/null >"$BATS_TEST_TMPDIR/app.log" 2>&1 3>&- &
	SBX_PID=$!
	cleanup_pid "$SBX_PID"
	WID=$(x_user timeout 30 xdotool search --sync --onlyvisible --name 'sbx-gui-report\.pdf' | head -1)
	[ -n "$WID" ] || { cat "$BATS_TEST_TMPDIR/app.log"; return 1; }
	wait_until 30 drawn evince-root 16
	pid=$(pgrep -n -u nobody -x evince)
	[ -n "$pid" ]
	[ -e "/proc/$pid/root$DOCS/sbx-gui-report.pdf" ]
	[ ! -e "/proc/$pid/root$TEST_HOME/.ssh" ]
}

@test "eog: shows the image named on its command line" {
	gui_start 30 'sbx-gui-photo\.png' -q eog "$DOCS/sbx-gui-photo.png"
	# The red-to-blue gradient alone has 240 colours.
	wait_until 30 drawn eog 100
	sandbox_view "$(app_pid eog)" "$DOCS/sbx-gui-photo.png"
}

@test "mpv: plays the generated video named on its command line (X11 output, no sound device)" {
	gui_start 30 'sbx-gui-clip\.mkv' -q mpv --loop=inf "$DOCS/sbx-gui-clip.mkv"
	# testsrc: colour bars, a gradient and a counter.
	wait_until 30 drawn mpv 100
	sandbox_view "$(app_pid mpv)" "$DOCS/sbx-gui-clip.mkv"
}

# The page comes from a loopback server outside the sandbox; its title reaching the window title
# means Firefox fetched and rendered it. Its content processes are in user and network namespaces
# of their own below the browser's, with a seccomp filter of Firefox's (Seccomp: 2).
@test "firefox-esr: a page from a loopback server renders, with Firefox's own sandbox (namespaces and seccomp) in its content processes" {
	mkdir "$BATS_TEST_TMPDIR/www"
	printf '<html><head><title>sbx-gui-page</title></head><body style="background:#3a6"><h1>Hello from loopback</h1></body></html>\n' \
		>"$BATS_TEST_TMPDIR/www/index.html"
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	spawn_bg http_pid "$BATS_TEST_TMPDIR/http.log" /usr/bin/python3 -m http.server --bind 127.0.0.1 \
		--directory "$BATS_TEST_TMPDIR/www" "$port"
	wait_until 10 eval "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
	gui_start 90 '^sbx-gui-page' -q firefox-esr "http://127.0.0.1:$port/"
	wait_until 30 drawn firefox 16
	main=$(app_pid firefox-esr)
	sandbox_view "$main" /usr/lib/firefox-esr/firefox-esr
	# The tab's content process (the one for the page: -isForBrowser), below the browser.
	wait_until 20 pgrep -u "$TEST_UID" -f -- '-contentproc.*-isForBrowser'
	found=0
	for c in $(pgrep -u "$TEST_UID" -f -- '-contentproc.*-isForBrowser'); do
		echo "browser $main: user $(readlink /proc/$main/ns/user) net $(readlink /proc/$main/ns/net)"
		echo "content $c: user $(readlink /proc/$c/ns/user) net $(readlink /proc/$c/ns/net) $(grep Seccomp: /proc/$c/status)"
		[ "$(readlink "/proc/$c/ns/user")" != "$(readlink "/proc/$main/ns/user")" ]
		[ "$(readlink "/proc/$c/ns/net")" != "$(readlink "/proc/$main/ns/net")" ]
		grep -q '^Seccomp:[[:space:]]*2$' "/proc/$c/status"
		found=$((found + 1))
	done
	[ "$found" -gt 0 ]
}

# Chromium aborts ("No usable sandbox!") unless it can make its namespaces: the renderers run in a
# user, pid and network namespace of their own below the browser's, with Chromium's seccomp filter.
@test "chromium: a page from a loopback server renders, with renderers in namespaces of their own under seccomp" {
	mkdir "$BATS_TEST_TMPDIR/www"
	printf '<html><head><title>sbx-gui-chromium</title></head><body style="background:#36a"><h1>Hello from loopback</h1></body></html>\n' \
		>"$BATS_TEST_TMPDIR/www/index.html"
	port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	spawn_bg http_pid "$BATS_TEST_TMPDIR/http.log" /usr/bin/python3 -m http.server --bind 127.0.0.1 \
		--directory "$BATS_TEST_TMPDIR/www" "$port"
	wait_until 10 eval "(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
	gui_start 90 '^sbx-gui-chromium' -q chromium "http://127.0.0.1:$port/"
	wait_until 30 drawn chromium 16
	browser=$(pgrep -o -u "$TEST_UID" -x chromium)
	sandbox_view "$browser" /usr/lib/chromium/chromium
	wait_until 20 pgrep -u "$TEST_UID" -f -- '--type=renderer'
	found=0
	for r in $(pgrep -u "$TEST_UID" -f -- '--type=renderer'); do
		echo "browser $browser: $(readlink /proc/$browser/ns/user) $(readlink /proc/$browser/ns/pid) $(readlink /proc/$browser/ns/net)"
		echo "renderer $r: $(readlink /proc/$r/ns/user) $(readlink /proc/$r/ns/pid) $(readlink /proc/$r/ns/net) $(grep Seccomp: /proc/$r/status)"
		for ns in user pid net; do
			[ "$(readlink "/proc/$r/ns/$ns")" != "$(readlink "/proc/$browser/ns/$ns")" ]
		done
		grep -q '^Seccomp:[[:space:]]*2$' "/proc/$r/status"
		found=$((found + 1))
	done
	[ "$found" -gt 0 ]
}

@test "the desktop profiles keep the user's fonts, GTK settings and themes read-only, and the system font cache" {
	for d in .config/gtk-3.0 .config/fontconfig .local/share/fonts .icons; do
		[ ! -e "$TEST_HOME/$d" ] || { echo "$TEST_HOME/$d exists already" >&2; return 1; }
	done
	[ -d "$TEST_HOME/.config" ] || cleanup_path "$TEST_HOME/.config"
	[ -d "$TEST_HOME/.local" ] || cleanup_path "$TEST_HOME/.local"
	cleanup_path "$TEST_HOME/.config/gtk-3.0" "$TEST_HOME/.config/fontconfig" "$TEST_HOME/.local/share/fonts" "$TEST_HOME/.icons"
	as_user mkdir -p "$TEST_HOME/.config/gtk-3.0" "$TEST_HOME/.config/fontconfig" "$TEST_HOME/.local/share/fonts" "$TEST_HOME/.icons/default"
	as_user sh -c 'printf "[Settings]\ngtk-theme-name=Adwaita-dark\n" >~/.config/gtk-3.0/settings.ini;
		cp /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ~/.local/share/fonts/SbxGuiMono.ttf;
		printf "[Icon Theme]\nInherits=Adwaita\n" >~/.icons/default/index.theme;
		echo "<fontconfig/>" >~/.config/fontconfig/fonts.conf'
	check='cat ~/.config/gtk-3.0/settings.ini; ls ~/.local/share/fonts ~/.icons/default; ls /var/cache/fontconfig | grep -c cache;
		echo x >>~/.config/gtk-3.0/settings.ini || echo gtk-ro; touch ~/.local/share/fonts/new || echo fonts-ro;
		touch ~/.local/share/recently-used.xbel ~/.cache/thumbnail && echo state-private'
	run x_user "$SBX" -q --profile evince -- sh -c "$check"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"gtk-theme-name=Adwaita-dark"* ]]
	[[ $output == *SbxGuiMono.ttf* && $output == *index.theme* ]]
	[[ $output == *$'\n'[1-9]*$'\n'* ]]  # the cache files of /var/cache/fontconfig
	[[ $output == *gtk-ro* && $output == *fonts-ro* && $output == *state-private* ]]
	# What the toolkits write for themselves is private and dropped without a report.
	[[ $output != *discarded* ]]
	[ ! -e "$TEST_HOME/.local/share/recently-used.xbel" ]
	# The user's font file is found by fontconfig inside.
	run x_user "$SBX" -q --profile evince -- fc-list : file
	[[ $output == *"$TEST_HOME/.local/share/fonts/SbxGuiMono.ttf"* ]]
}

@test "desktop.inc passes the toolkit variables that pick a theme or a scale, not those that load code" {
	run x_user env GTK_THEME=Adwaita:dark QT_SCALE_FACTOR=2 XCURSOR_THEME=Adwaita XCURSOR_SIZE=48 \
		XDG_CURRENT_DESKTOP=XFCE GTK_PATH=/tmp/evil QT_PLUGIN_PATH=/tmp/evil GTK_MODULES=evil \
		"$SBX" -q --profile evince -- env
	echo "$output"
	[ "$status" -eq 0 ]
	for v in GTK_THEME=Adwaita:dark QT_SCALE_FACTOR=2 XCURSOR_THEME=Adwaita XCURSOR_SIZE=48 XDG_CURRENT_DESKTOP=XFCE \
		NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory; do
		[[ $'\n'$output$'\n' == *$'\n'$v$'\n'* ]] || { echo "missing $v" >&2; return 1; }
	done
	[[ $output != *GTK_PATH* && $output != *QT_PLUGIN_PATH* && $output != *GTK_MODULES* ]]
}
