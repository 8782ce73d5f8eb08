# A private session bus for tests of the D-Bus grants (`load ../lib/dbus` after common): a real
# `dbus-daemon --session` run as the uid the sandboxed command has (the test user, or nobody when
# root starts sbx, since a bus admits only its own uid), in a directory of its own, with a test
# service (tests/lib/dbus-service.py) owning org.sbx.Test and org.sbx.Hidden. Stop it with
# stop_test_bus.

DBUS_SERVICE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dbus-service.py

# _as_uid UID CMD...: CMD with that uid (and its primary group), a clean environment.
# _as_uid_exec replaces the (sub)shell, so that `_as_uid_exec ... &` gives CMD's pid.
_as_uid_exec() {
	local uid=$1
	shift
	if [ "$uid" = "$(id -u)" ]; then
		exec env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@"
	else
		exec setpriv --reuid="$uid" --regid="$(id -g "$uid" 2>/dev/null || echo "$uid")" --clear-groups -- \
			env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@"
	fi
}
_as_uid() { (_as_uid_exec "$@"); }

# bus_send UID SOCKET DBUS-SEND-ARGS...: dbus-send --print-reply on the host as UID, on the bus at SOCKET.
bus_send() {
	local uid=$1 sock=$2
	shift 2
	_as_uid "$uid" env DBUS_SESSION_BUS_ADDRESS="unix:path=$sock" dbus-send --session --print-reply "$@"
}

# start_test_bus VAR UID: a bus and the test service as UID in a new directory (0755, owned by UID,
# below /var/tmp, which sbx's view never shows); VAR_DIR is the directory, the socket VAR_DIR/bus,
# VAR_PIDS the pids to stop.
start_test_bus() {
	local var=$1 uid=$2 dir pid
	dir=$(mktemp -d /var/tmp/sbx-dbus-test.XXXXXX) || return 1
	chmod 0755 "$dir"
	cp "$DBUS_SERVICE" "$dir/service.py"
	chmod 0644 "$dir/service.py"
	chown -R "$uid" "$dir" 2>/dev/null || true
	_as_uid_exec "$uid" dbus-daemon --session --nofork --address="unix:path=$dir/bus" \
		</dev/null >"$dir/daemon.log" 2>&1 3>&- &
	pid=$!
	wait_until 10 test -S "$dir/bus" || { cat "$dir/daemon.log" >&2; return 1; }
	_as_uid_exec "$uid" env DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" python3 "$dir/service.py" \
		org.sbx.Test org.sbx.Hidden </dev/null >"$dir/service.log" 2>&1 3>&- &
	local spid=$!
	wait_until 10 grep -qx ready "$dir/service.log" || { cat "$dir/service.log" >&2; return 1; }
	printf -v "${var}_DIR" '%s' "$dir"
	printf -v "${var}_PIDS" '%s' "$pid $spid"
	export "${var}_DIR" "${var}_PIDS"
}

# stop_test_bus DIR PIDS: stops them and removes the directory.
stop_test_bus() {
	local pid
	for pid in $2; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $2; do wait "$pid" 2>/dev/null || true; done
	[ -z "$1" ] || rm -rf -- "$1"
}

# No xdg-dbus-proxy of a test may outlive it: the pids of those whose command line names DIR.
proxies_of() { pgrep -f -- "xdg-dbus-proxy .*$1" || true; }
