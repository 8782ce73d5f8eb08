#!/usr/bin/env bats
# Escape classes through a filtered session bus (talk-name through xdg-dbus-proxy): calling or
# seeing a name that was not granted, owning one, monitoring the bus, and reaching the bus's own
# socket. A real dbus-daemon --session runs for the file as each uid a sandboxed command has (the
# test user, and nobody for root's runs), with a service owning org.sbx.Test and org.sbx.Hidden.
# Each check has a control: the same probe with `socket session-bus` (the unfiltered bus) succeeds,
# which proves the probe can see an escape.

load ../lib/common
load ../lib/dbus
load escape

setup_file() {
	start_test_bus UBUS "$TEST_UID"
	if _sbx_is_root; then start_test_bus RBUS 65534; fi
}

teardown_file() {
	stop_test_bus "${UBUS_DIR:-}" "${UBUS_PIDS:-}"
	stop_test_bus "${RBUS_DIR:-}" "${RBUS_PIDS:-}"
}

# bus_sbx WHO VARIANT SBX-ARGS...: escape_sbx with WHO's test bus as the session bus.
bus_sbx() {
	local who=$1 variant=$2 dir
	shift 2
	variant_args "$who" "$variant"
	if [ "$who" = root ]; then dir=$RBUS_DIR; else dir=$UBUS_DIR; fi
	run_as "$who" env DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" "$SBX" -q "${VARGS[@]}" "$@"
}

bus_socket() { if [ "$1" = root ]; then echo "$RBUS_DIR/bus"; else echo "$UBUS_DIR/bus"; fi; }

# One probe, one line of verdict per attack: ESCAPED or BLOCKED.
ATTACKS='
r=$(dbus-send --session --print-reply --dest=org.sbx.Hidden /org/sbx/Test org.sbx.Test.Ping 2>&1)
case $r in *pong*) echo "ESCAPED call-hidden";; *) echo "BLOCKED call-hidden";; esac
r=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>&1)
case $r in *org.sbx.Hidden*) echo "ESCAPED see-hidden";; *) echo "BLOCKED see-hidden";; esac
r=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.RequestName string:org.sbx.Stolen uint32:4 2>&1)
case $r in *"uint32 1"*) echo "ESCAPED own-other";; *) echo "BLOCKED own-other";; esac
r=$(timeout 5 dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.Monitoring.BecomeMonitor array:string: uint32:0 2>&1)
case $r in "method return"*) echo "ESCAPED monitor";; *) echo "BLOCKED monitor";; esac
r=$(dbus-send --session --print-reply --dest=org.sbx.Test /org/sbx/Test org.sbx.Test.Ping 2>&1)
case $r in *pong*) echo "GRANTED call-test";; *) echo "BROKEN call-test";; esac
if [ -e "$1" ]; then echo "ESCAPED host-socket"; else echo "BLOCKED host-socket"; fi'

dbus_filter_check() {
	local who=$1 variant=$2 out control rc=0 a sock
	sock=$(bus_socket "$who")
	out=$(bus_sbx "$who" "$variant" --talk-name org.sbx.Test -- sh -c "$ATTACKS" sh "$sock" 2>&1)
	control=$(bus_sbx "$who" "$variant" --socket session-bus -- sh -c "$ATTACKS" sh "$sock" 2>&1)
	show "$who $variant filtered" "$out"
	show "$who $variant control (session-bus)" "$control"
	grep -qx 'GRANTED call-test' <<<"$out" || { echo "    [$who $variant] the granted name does not answer" >&2; rc=1; }
	for a in call-hidden see-hidden own-other monitor host-socket; do
		if ! grep -qx "BLOCKED $a" <<<"$out"; then
			echo "    [$who $variant] ESCAPED: $a through the proxy" >&2
			rc=1
		fi
	done
	# The controls: the unfiltered bus lets the same probe call, see and own.
	for a in call-hidden see-hidden own-other; do
		if ! grep -qx "ESCAPED $a" <<<"$control"; then
			echo "    [$who $variant] the control could not $a on the unfiltered bus" >&2
			rc=1
		fi
	done
	return "$rc"
}

@test "dbus: through the proxy a name not granted is uncallable and invisible, no other name can be owned, no monitoring, the bus socket is absent" {
	for_variants dbus_filter_check
}

# The proxy itself is confined: it runs in a sandbox of its own (its own mount namespace, no
# capabilities, seccomp, no network), and dies with the sandbox.
dbus_proxy_confined_check() {
	local who=$1 variant=$2 sock out pid rc=0 marker
	sock=$(bus_socket "$who")
	marker=$(unique dbus)
	variant_args "$who" "$variant"
	local dir
	if [ "$who" = root ]; then dir=$RBUS_DIR; else dir=$UBUS_DIR; fi
	out=$(mktemp)
	local dirs_before=()
	mapfile -t dirs_before < <(ls -d /tmp/sbx-dbus-* 2>/dev/null)
	if [ "$who" = root ]; then
		_as_root_exec env DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" "$SBX" -q "${VARGS[@]}" --talk-name org.sbx.Test -- sh -c "echo up; exec sleep 300 # $marker" </dev/null >"$out" 2>&1 3>&- &
	else
		_as_user_exec env DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" "$SBX" -q "${VARGS[@]}" --talk-name org.sbx.Test -- sh -c "echo up; exec sleep 300 # $marker" </dev/null >"$out" 2>&1 3>&- &
	fi
	local sbx_pid=$!
	wait_until 20 grep -qx up "$out" || rc=1
	pid=$(pgrep -f -- "^[^ ]*/xdg-dbus-proxy --fd=[0-9]+ unix:path=$sock " | head -1)
	if [ -z "$pid" ]; then
		echo "    [$who $variant] no proxy found" >&2
		rc=1
	else
		[ "$(readlink /proc/$pid/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] || { echo "    [$who $variant] the proxy shares the host's mount namespace" >&2; rc=1; }
		[ "$(readlink /proc/$pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] || { echo "    [$who $variant] the proxy has the host's network" >&2; rc=1; }
		grep -q '^Seccomp:[[:space:]]*2' /proc/$pid/status || { echo "    [$who $variant] the proxy has no seccomp filter" >&2; rc=1; }
		grep -q '^NoNewPrivs:[[:space:]]*1' /proc/$pid/status || { echo "    [$who $variant] the proxy may gain privileges" >&2; rc=1; }
		grep -q '^CapEff:[[:space:]]*0000000000000000' /proc/$pid/status || { echo "    [$who $variant] the proxy has capabilities" >&2; rc=1; }
		# Its view holds the bus socket, not the rest of the directory the bus lives in.
		[ -e "/proc/$pid/root$sock" ] || { echo "    [$who $variant] the proxy's view lacks the bus socket" >&2; rc=1; }
		[ ! -e "/proc/$pid/root$dir/service.py" ] || { echo "    [$who $variant] the proxy sees the rest of the bus directory" >&2; rc=1; }
	fi
	kill -KILL "$sbx_pid" 2>/dev/null
	wait "$sbx_pid" 2>/dev/null
	wait_until 10 eval '[ -z "$(pgrep -f -- "xdg-dbus-proxy .*$sock")" ]' || { echo "    [$who $variant] the proxy outlived sbx (kill -9)" >&2; rc=1; }
	wait_until 10 none_marked "$marker" || { echo "    [$who $variant] the command outlived sbx" >&2; rc=1; }
	# What the killed sbx could not remove: its directory (owned by root for root's runs).
	comm -13 <(printf '%s\n' "${dirs_before[@]}" | sort) <(ls -d /tmp/sbx-dbus-* 2>/dev/null | sort) | xargs -r rm -rf --
	rm -f "$out"
	return "$rc"
}

@test "dbus: the proxy runs confined (own mount and network namespaces, seccomp, no capabilities) and dies with sbx (kill -9)" {
	for_variants dbus_proxy_confined_check
}
