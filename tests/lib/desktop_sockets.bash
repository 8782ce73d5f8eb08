# Servers for tests of `socket wayland|pulseaudio|pipewire` (`load ../lib/desktop_sockets` after
# common): each runs as the test user with XDG_RUNTIME_DIR=$RT, a private runtime directory made by
# runtime_dir_make, so that runs in parallel never collide and nothing touches /run/user.

# runtime_dir_make: sets RT to a new 0700 directory of the test user's (removed by
# runtime_dir_remove).
runtime_dir_make() {
	RT=$(mktemp -d /var/tmp/sbx-rt.XXXXXX) || return 1
	chmod 0700 "$RT"
	if _sbx_is_root; then chown "$TEST_UID:$TEST_GID" "$RT"; fi
	export RT
}

runtime_dir_remove() { [ -z "${RT:-}" ] || rm -rf -- "$RT"; }

# _server_start VAR SOCKET LOG CMD...: CMD as the test user in $RT; waits (bounded) for SOCKET.
_server_start() {
	local _var=$1 sock=$2 log=$3
	shift 3
	_as_user_exec env XDG_RUNTIME_DIR="$RT" "$@" </dev/null >"$log" 2>&1 3>&- &
	printf -v "$_var" '%s' $!
	wait_until 20 test -S "$sock" || { cat "$log" >&2; return 1; }
}

# start_weston: a headless weston on $RT/wayland-sbx; sets WESTON_PID.
start_weston() {
	_server_start WESTON_PID "$RT/wayland-sbx" "$RT.weston.log" \
		weston --backend=headless-backend.so --use-pixman --socket=wayland-sbx --idle-time=0
}

# start_pulse: a PulseAudio server with a null sink on $RT/pulse/native; sets PULSE_PID.
start_pulse() {
	_server_start PULSE_PID "$RT/pulse/native" "$RT.pulse.log" \
		pulseaudio --daemonize=no -n --use-pid-file=no --disallow-exit --exit-idle-time=-1 \
		--load=module-native-protocol-unix --load="module-null-sink sink_name=sbxnull" \
		--log-target=stderr
	# The socket appears before the sink: wait until a client sees it.
	wait_until 20 as_user env XDG_RUNTIME_DIR="$RT" pactl list short sinks >/dev/null
}

# start_pipewire: a PipeWire daemon on $RT/pipewire-0; sets PIPEWIRE_PID.
start_pipewire() {
	_server_start PIPEWIRE_PID "$RT/pipewire-0" "$RT.pipewire.log" pipewire
}

# stop_server PID: SIGTERM (so that it removes its socket), SIGKILL if it does not go.
stop_server() {
	[ -n "${1:-}" ] || return 0
	kill -TERM "$1" 2>/dev/null
	wait_until 5 eval '! kill -0 '"$1"' 2>/dev/null' || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null || true
}
