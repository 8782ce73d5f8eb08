#!/usr/bin/env bats
# socket wayland | pulseaudio | pipewire, device dri | snd | video (issue 12). Real servers run as
# the test user in a private runtime directory ($RT, not /run/user): a headless weston, a
# PulseAudio with a null sink, a PipeWire daemon; the clients inside are the real ones
# (wayland-info, pactl, paplay, pw-cli).

load ../lib/common
load ../lib/desktop_sockets
bats_require_minimum_version 1.5.0

setup_file() {
	runtime_dir_make
	start_weston
	start_pulse
	start_pipewire
	export WESTON_PID PULSE_PID PIPEWIRE_PID
}

teardown_file() {
	stop_server "${WESTON_PID:-}"
	stop_server "${PULSE_PID:-}"
	stop_server "${PIPEWIRE_PID:-}"
	rm -f "$RT".*.log
	runtime_dir_remove
}

setup() {
	user_tmpdir WORK sbx-sockets
}

# As the test user in the servers' session.
sess() { as_user env XDG_RUNTIME_DIR="$RT" WAYLAND_DISPLAY=wayland-sbx "$@"; }
sbx_s() { sess "$SBX" "$@"; }

@test "socket wayland: a real Wayland client inside talks to weston; /run/user/UID holds only the socket" {
	run sbx_s -q --socket wayland -- sh -c 'echo "W=$WAYLAND_DISPLAY B=$DBUS_SESSION_BUS_ADDRESS"; ls -A "$XDG_RUNTIME_DIR"; ls '"$RT"' 2>&1 >/dev/null | wc -l; wayland-info'
	echo "$output" | head -12
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "W=wayland-sbx B=unix:path=/run/user/$TEST_UID/bus" ]
	[ "${lines[1]}" = wayland-sbx ]  # not weston's lock file, not pulse/, not pipewire-0
	[ "${lines[2]}" = 1 ]            # the host runtime directory is not there (ls fails)
	[[ $output == *"interface: 'wl_compositor'"* ]]
	[[ $output == *"interface: 'wl_shm'"* ]]
	# Control: the same client without the grant finds no compositor.
	run sbx_s -q --setenv WAYLAND_DISPLAY=wayland-sbx -- sh -c 'ls -A "$XDG_RUNTIME_DIR" | wc -l; wayland-info'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = 0 ]
	[[ $output != *wl_compositor* ]]
}

@test "socket wayland: an absolute WAYLAND_DISPLAY is bound at its name in the runtime directory" {
	run as_user env XDG_RUNTIME_DIR=/nonexistent WAYLAND_DISPLAY="$RT/wayland-sbx" "$SBX" -q --socket wayland -- \
		sh -c 'echo "$WAYLAND_DISPLAY"; ls -A "$XDG_RUNTIME_DIR"; wayland-info | grep -c wl_compositor'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = wayland-sbx ]
	[ "${lines[1]}" = wayland-sbx ]
	[ "${lines[2]}" = 1 ]
}

@test "socket wayland: --explain and --json say it gives every protocol the compositor offers" {
	run sbx_s --socket wayland --explain -- true
	[ "$status" -eq 0 ]
	[[ $output == *"wayland: $RT/wayland-sbx bound alone at /run/user/$TEST_UID/wayland-sbx  [command line]"* ]]
	[[ $output == *"gives: every protocol the compositor offers its clients: no compositor in Debian 12 offers wp_security_context_v1"* ]]
	[[ $output == *" WAYLAND_DISPLAY=wayland-sbx  [command line]"* ]]
	run --separate-stderr sbx_s --socket wayland --explain --json -- true
	[ "$status" -eq 0 ]
	printf '%s' "$output" | jq -e --arg rt "$RT" --arg uid "$TEST_UID" '.sockets == [.sockets[0]] and
		.sockets[0].name == "wayland" and .sockets[0].granted and .sockets[0].socket == ($rt + "/wayland-sbx") and
		.sockets[0].inside == ("/run/user/" + $uid + "/wayland-sbx") and
		(.sockets[0].implies | contains("wp_security_context_v1")) and .devices == []'
	# Explained from a shell without the display: what a run would refuse.
	run as_user "$SBX" --socket wayland --explain -- true
	[ "$status" -eq 0 ]
	[[ $output == *"wayland: REFUSED here, nothing would start: socket wayland (command line): WAYLAND_DISPLAY is not set"* ]]
}

@test "socket wayland: no display or no socket is one line and exit 125, nothing starts; optional runs without it" {
	run -125 as_user env XDG_RUNTIME_DIR="$RT" "$SBX" -q --socket wayland -- touch "$WORK/started"
	[ "${lines[0]}" = "sbx: socket wayland (command line): WAYLAND_DISPLAY is not set; there is no Wayland display to grant" ]
	[[ ${lines[1]} == "sbx: hint: "* ]]
	run -125 as_user env XDG_RUNTIME_DIR="$RT" WAYLAND_DISPLAY=wayland-none "$SBX" -q --socket wayland -- touch "$WORK/started"
	[ "${lines[0]}" = "sbx: socket wayland (command line): $RT/wayland-none: No such file or directory" ]
	run -125 as_user env XDG_RUNTIME_DIR="$RT" WAYLAND_DISPLAY=wayland-sbx.lock "$SBX" -q --socket wayland -- touch "$WORK/started"
	[ "${lines[0]}" = "sbx: socket wayland (command line): $RT/wayland-sbx.lock is not a socket" ]
	run -125 as_user env WAYLAND_DISPLAY=../x "$SBX" -q --socket wayland -- touch "$WORK/started"
	[[ ${lines[0]} == "sbx: socket wayland (command line): WAYLAND_DISPLAY=../x: a socket name in the runtime directory"* ]]
	[ ! -e "$WORK/started" ]
	# optional: runs, without the socket, and a note says why.
	run as_user env XDG_RUNTIME_DIR="$RT" "$SBX" --socket wayland-optional -- sh -c 'ls -A "$XDG_RUNTIME_DIR" | wc -l; echo "W=${WAYLAND_DISPLAY-unset}"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"sbx: note: socket wayland optional: not granted: WAYLAND_DISPLAY is not set"* ]]
	[ "${lines[-2]}" = 0 ]
	[ "${lines[-1]}" = W=unset ]
}

@test "socket NAME in a profile: optional spelled as a word; unknown names and extra words are file:line:col errors" {
	user_profile wayland-info.profile 'socket wayland optional'
	run sbx_s -q wayland-info
	[ "$status" -eq 0 ]
	[[ $output == *wl_compositor* ]]
	user_profile true.profile 'socket waylnd'
	run -125 sbx_s -q true
	[[ ${lines[0]} == *"/true.profile:1:8: expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus: 'waylnd'" ]]
	user_profile true.profile 'socket pipewire maybe'
	run -125 sbx_s -q true
	[[ ${lines[0]} == *"/true.profile:1:17: expected 'optional' or nothing: 'maybe'" ]]
	# NAME-optional is the command line's spelling, and the same line in a profile.
	user_profile true.profile 'socket pulseaudio-optional'
	run -0 sbx_s -q --explain --json true
	[ "$(jq -r '.sockets[] | select(.name == "pulseaudio") | .optional' <<<"$output")" = true ]
	user_profile true.profile 'wayland'
	run -125 sbx_s -q true
	[[ ${lines[0]} == *"/true.profile:1:1: unknown directive: 'wayland'" ]]
	[[ $output == *"use 'socket wayland'"* ]]
	run -125 sbx_s -q --socket pulse -- env
	[ "${lines[0]}" = "sbx: --socket 'pulse': expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus" ]
}

@test "socket pulseaudio: pactl and paplay inside reach the real server; private client.conf, no cookie; without it they fail" {
	/usr/bin/python3 -c '
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(4000)))
w.close()' "$WORK/tone.wav"
	chown "$TEST_UID:$TEST_GID" "$WORK/tone.wav"
	run sbx_s -q --socket pulseaudio --ro-bind "$WORK" -- sh -c '
		echo "S=$PULSE_SERVER C=$PULSE_CLIENTCONFIG"; ls -A "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/pulse"; grep -v "^#" "$PULSE_CLIENTCONFIG"
		pactl info && pactl list short sinks && paplay -d sbxnull '"$WORK/tone.wav"' && echo played; ls -A ~'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "S=unix:/run/user/$TEST_UID/pulse/native C=/run/user/$TEST_UID/pulse/client.conf" ]
	[[ $output == *"/run/user/$TEST_UID:"$'\n'"pulse"$'\n'* ]]
	[[ $output == *"/run/user/$TEST_UID/pulse:"$'\n'"client.conf"$'\n'"native"$'\n'* ]]
	[[ $output == *$'\nautospawn = no\ncookie-file = /run/user/'"$TEST_UID"$'/pulse/cookie\n'* ]]
	[[ $output == *"Server String: unix:/run/user/$TEST_UID/pulse/native"* ]]
	[[ $output == *sbxnull* ]]
	[[ $output == *$'\nplayed'* ]]
	[[ $output != *"discarded"* ]]  # libpulse wrote no cookie into the home
	[[ ${lines[-1]} != .config ]]
	# Control: the same clients, pointed at the same path, without the grant: no server, and none
	# autospawned inside.
	run sbx_s -q --setenv PULSE_SERVER="unix:$RT/pulse/native" --ro-bind "$WORK" -- sh -c \
		'pactl info; echo "pactl=$?"; paplay '"$WORK/tone.wav"'; echo "paplay=$?"; pgrep -c pulseaudio'
	echo "$output"
	[[ $output == *"pactl=1"* ]]
	[[ $output != *"paplay=0"* ]]
	[[ ${lines[-1]} = 0 ]]
}

@test "socket pulseaudio: PULSE_SERVER unix: is honoured, a network server is refused, a missing one refused unless optional" {
	run sbx_s -q --socket pulseaudio --explain -- true
	[[ $output == *"pulseaudio: $RT/pulse/native bound alone at /run/user/$TEST_UID/pulse/native"* ]]
	run as_user env PULSE_SERVER="unix:$RT/pulse/native" "$SBX" -q --socket pulseaudio -- pactl info
	[ "$status" -eq 0 ]
	[[ $output == *"Server String: unix:/run/user/$TEST_UID/pulse/native"* ]]
	run -125 as_user env PULSE_SERVER=tcp:localhost:4713 "$SBX" -q --socket pulseaudio -- true
	[[ ${lines[0]} == "sbx: socket pulseaudio (command line): PULSE_SERVER=tcp:localhost:4713: only one local server socket"* ]]
	run -125 as_user env XDG_RUNTIME_DIR="$WORK" "$SBX" -q --socket pulseaudio -- touch "$WORK/started"
	[ "${lines[0]}" = "sbx: socket pulseaudio (command line): $WORK/pulse/native: No such file or directory" ]
	[ ! -e "$WORK/started" ]
	run as_user env XDG_RUNTIME_DIR="$WORK" "$SBX" --socket pulseaudio-optional -- sh -c 'echo "S=${PULSE_SERVER-unset}"'
	[ "$status" -eq 0 ]
	[[ $output == *"sbx: note: socket pulseaudio optional: not granted: $WORK/pulse/native: No such file or directory"* ]]
	[ "${lines[-1]}" = S=unset ]
	run --separate-stderr sbx_s --socket pulseaudio --explain --json -- true
	printf '%s' "$output" | jq -e '.sockets[0].name == "pulseaudio" and (.sockets[0].implies | contains("autospawn off"))'
}

@test "socket pipewire: pw-cli inside reaches the real daemon; --explain says it gives the camera and screen capture" {
	run sbx_s -q --socket pipewire -- sh -c 'ls -A "$XDG_RUNTIME_DIR"; echo "R=$PIPEWIRE_REMOTE"; pw-cli info 0'
	echo "$output" | head
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = pipewire-0 ]
	[ "${lines[1]}" = R=pipewire-0 ]
	[[ $output == *"type: PipeWire:Interface:Core"* ]]
	run sbx_s -q --setenv PIPEWIRE_REMOTE="$RT/pipewire-0" -- pw-cli info 0
	[ "$status" -ne 0 ]
	[[ $output != *"PipeWire:Interface:Core"* ]]
	run sbx_s --socket pipewire --explain -- true
	[[ $output == *"pipewire: $RT/pipewire-0 bound alone at /run/user/$TEST_UID/pipewire-0"* ]]
	[[ $output == *"also the CAMERA (video sources) and SCREEN CAPTURE"* ]]
	run --separate-stderr sbx_s --socket pipewire --explain --json -- true
	printf '%s' "$output" | jq -e '.sockets[0].name == "pipewire" and (.sockets[0].implies | contains("SCREEN CAPTURE"))'
}

@test "all three sockets together: each alone in the runtime directory, nothing else of \$RT" {
	run sbx_s -q --socket wayland --socket pulseaudio --socket pipewire -- sh -c 'cd "$XDG_RUNTIME_DIR" && find . | sort'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'.\n./pipewire-0\n./pulse\n./pulse/client.conf\n./pulse/native\n./wayland-sbx' ]
	ls -A "$RT" | grep -q wayland-sbx.lock  # there was more to see outside
}

# This host may have no /dev/dri, /dev/snd or camera (a VM or container): each class is checked
# for what the host has. With nodes, they are inside; without, the grant is refused, and -try
# runs without it. Only the branch the host allows is proven here.
@test "device dri|snd|video: the host's nodes inside, or refused when there are none unless device-try" {
	for class in dri snd video; do
		case $class in
		dri) nodes=$(ls -d /dev/dri 2>/dev/null || true) ;;
		snd) nodes=$(ls -d /dev/snd 2>/dev/null || true) ;;
		video) nodes=$(ls -d /dev/video* /dev/media* 2>/dev/null || true) ;;
		esac
		if [ -n "$nodes" ]; then
			echo "# $class: the host has $nodes" >&3
			run sbx_s -q --device "$class" -- ls -d $nodes
			[ "$status" -eq 0 ]
			run sbx_s --device "$class" --explain -- true
			[[ $output == *"device $class: /dev/"* ]]
		else
			echo "# $class: the host has no nodes: the refusal and device-try are tested" >&3
			run -125 sbx_s -q --device "$class" -- touch "$WORK/started"
			[[ ${lines[0]} == "sbx: device $class (command line): no /dev/"* ]]
			[ "${lines[1]}" = "sbx: hint: 'device-try $class' (--device-try $class) runs without it" ]
			[ ! -e "$WORK/started" ]
			run sbx_s --device-try "$class" -- sh -c 'ls /dev | tr "\n" " "'
			[ "$status" -eq 0 ]
			[[ $output == *"sbx: note: device-try $class: not granted: no /dev/"* ]]
			run --separate-stderr sbx_s --device-try "$class" --explain --json -- true
			printf '%s' "$output" | jq -e --arg c "$class" '.devices[0].name == $c and .devices[0].granted == false and .devices[0].optional and (.devices[0].skipped | startswith("no /dev/"))'
		fi
	done
	# /dev stays minimal without a grant.
	run sbx_s -q -- ls /dev
	[[ $output != *dri* && $output != *snd* && $output != *video* ]]
}

@test "device in a profile: device-try with several classes; unknown classes are file:line:col errors" {
	user_profile true.profile 'device-try dri snd video'
	run sbx_s -q true
	[ "$status" -eq 0 ]
	user_profile true.profile 'device dri gpu'
	run -125 sbx_s -q true
	[[ ${lines[0]} == *"/true.profile:1:12: unknown device class; expected dri, snd or video: 'gpu'" ]]
	run -125 sbx_s -q --device camera -- env
	[ "${lines[0]}" = "sbx: --device 'camera': unknown device class; expected dri, snd or video" ]
	run sbx_s --device-try dri --device-try snd --explain -- env
	[[ $output == *"device-try dri: "* && $output == *"device-try snd: "* ]]
	[[ $output == *"gives: the GPU's card and render nodes"* ]]
}

@test "sockets started by root: explained, and refused in one line when the variable is missing" {
	needs_root
	run -125 env -i PATH=/usr/bin:/bin HOME=/root "$SBX" -q --socket wayland -- true
	[ "$output" = "sbx: socket wayland (command line): WAYLAND_DISPLAY is not set; there is no Wayland display to grant"$'\n'"sbx: hint: run it from a Wayland session, or write 'socket wayland optional' to run without it" ]
	run env -i PATH=/usr/bin:/bin HOME=/root XDG_RUNTIME_DIR="$RT" "$SBX" --socket pipewire --explain -- true
	[ "$status" -eq 0 ]
	[[ $output == *"pipewire: $RT/pipewire-0 bound alone at /run/user/65534/pipewire-0"* ]]
}
