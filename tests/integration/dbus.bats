#!/usr/bin/env bats
# D-Bus grants (issue 12): talk-name, own-name, see-name, call, broadcast and their system- forms go
# through xdg-dbus-proxy, which sbx starts in a sandbox of its own for the command's life; socket
# session-bus binds the bus itself. A real dbus-daemon --session runs for the file as the uid the
# command has (the test user; nobody for root's runs), with a service owning org.sbx.Test and
# org.sbx.Hidden.

load ../lib/common
load ../lib/dbus
bats_require_minimum_version 1.5.0

setup_file() {
	start_test_bus UBUS "$TEST_UID"
	if _sbx_is_root; then start_test_bus RBUS 65534; fi
}

teardown_file() {
	stop_test_bus "${UBUS_DIR:-}" "${UBUS_PIDS:-}"
	stop_test_bus "${RBUS_DIR:-}" "${RBUS_PIDS:-}"
}

# The bus directory and the inside uid for WHO.
bus_dir() { if [ "$1" = root ]; then echo "$RBUS_DIR"; else echo "$UBUS_DIR"; fi; }
inside_uid() { if [ "$1" = root ]; then echo 65534; else echo "$TEST_UID"; fi; }

# sbx_bus WHO SBX-ARGS...: sbx as WHO with the test bus as its session bus.
sbx_bus() {
	local who=$1
	shift
	if [ "$who" = root ]; then
		as_root env DBUS_SESSION_BUS_ADDRESS="unix:path=$RBUS_DIR/bus" "$SBX" -q "$@"
	else
		as_user env DBUS_SESSION_BUS_ADDRESS="unix:path=$UBUS_DIR/bus" "$SBX" -q "$@"
	fi
}

# spawn_bus VAR OUTFILE SBX-ARGS...: sbx as the test user in the background, VAR its pid (the
# exec chain keeps it), registered for cleanup.
spawn_bus() {
	local _var=$1 _out=$2
	shift 2
	_as_user_exec env DBUS_SESSION_BUS_ADDRESS="unix:path=$UBUS_DIR/bus" "$SBX" -q "$@" \
		</dev/null >"$_out" 2>&1 3>&- &
	cleanup_pid $!
	printf -v "$_var" '%s' $!
}

# The number of proxy directories on the host owned by UID.
proxy_dirs() { find /tmp /run/user -maxdepth 2 -user "$1" -name 'sbx-dbus-*' 2>/dev/null | wc -l; }

# Inside: the address, ListNames, a call to the granted and to the hidden name, the host socket.
PROBE='echo "A=$DBUS_SESSION_BUS_ADDRESS"
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -o "string \"[a-z][^\"]*\"" | tr "\n" " "; echo
dbus-send --session --print-reply --dest=org.sbx.Test /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1
dbus-send --session --print-reply --dest=org.sbx.Hidden /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1
if [ -e "$1" ]; then echo "host socket: present"; else echo "host socket: absent"; fi'

talk_check() {
	local who=$1 dir
	dir=$(bus_dir "$who")
	run sbx_bus "$who" --talk-name org.sbx.Test -- sh -c "$PROBE" sh "$dir/bus"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "A=unix:path=/run/user/$(inside_uid "$who")/bus" ]
	[ "${lines[1]}" = 'string "org.freedesktop.DBus" string "org.sbx.Test" ' ]
	[ "${lines[2]}" = '   string "pong org.sbx.Test"' ]
	[[ ${lines[3]} == *"org.freedesktop.DBus.Error.ServiceUnknown"* ]]
	[ "${lines[4]}" = "host socket: absent" ]
}

@test "talk-name: the granted name is callable, another is invisible in ListNames and uncallable, the host socket is not inside (user)" {
	talk_check user
}

@test "talk-name: the same when root starts sbx (the command and the proxy run as nobody)" {
	needs_root
	talk_check root
}

@test "socket session-bus: the bus itself, unfiltered: the hidden name answers too (the control for the filter)" {
	run sbx_bus user --socket session-bus -- sh -c "$PROBE" sh "$UBUS_DIR/bus"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "A=unix:path=/run/user/$TEST_UID/bus" ]
	[[ ${lines[1]} == *'"org.sbx.Hidden"'* ]]
	[ "${lines[3]}" = '   string "pong org.sbx.Test"' ]  # Hidden's reply names the service's first name
	run sbx_bus user --explain --socket session-bus -- true
	[[ $output == *"dbus session bus: socket $UBUS_DIR/bus bound as it is at /run/user/$TEST_UID/bus"* ]]
	[[ $output == *"A HOLE: the session bus itself, unfiltered"* ]]
}

@test "own-name: a service inside owns the granted name and is called from outside; another name is refused" {
	run sbx_bus user --own-name 'org.sbx.Mine.*' --ro-bind "$UBUS_DIR/service.py:/srv/service.py" \
		-- python3 /srv/service.py org.sbx.Other
	echo "$output"
	[ "$status" -eq 3 ]
	[[ $output == *"cannot own org.sbx.Other"* ]]
	user_tmpdir WORK sbx-dbus
	spawn_bus pid "$WORK/out" --own-name 'org.sbx.Mine.*' \
		--ro-bind "$UBUS_DIR/service.py:/srv/service.py" -- python3 /srv/service.py org.sbx.Mine.App
	wait_until 20 grep -qx ready "$WORK/out" || { cat "$WORK/out"; false; }
	run bus_send "$TEST_UID" "$UBUS_DIR/bus" --dest=org.sbx.Mine.App /org/sbx/Test org.sbx.Test.Ping
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *'string "pong org.sbx.Mine.App"'* ]]
	kill -TERM "$pid"
	wait "$pid" || true
	[ -z "$(proxies_of "$UBUS_DIR/bus")" ]
}

@test "see-name: visible in ListNames, not callable; call NAME=RULE: only that method" {
	run sbx_bus user --see-name org.sbx.Hidden --call 'org.sbx.Test=org.sbx.Test.Ping@/org/sbx/Test' -- sh -c '
		dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames | grep -c "org.sbx.Hidden"
		dbus-send --session --print-reply --dest=org.sbx.Hidden /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1
		dbus-send --session --print-reply --dest=org.sbx.Test /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1
		dbus-send --session --print-reply --dest=org.sbx.Test /org/sbx/Test org.freedesktop.DBus.Introspectable.Introspect 2>&1 | tail -1'
	echo "$output"
	[ "${lines[0]}" = 1 ]
	[[ ${lines[1]} == *"Error"* ]]
	[ "${lines[2]}" = '   string "pong org.sbx.Test"' ]
	[[ ${lines[3]} == *"Error"* ]]
}

proxy_gone_check() {
	local who=$1 dir before
	dir=$(bus_dir "$who")
	before=$(proxy_dirs "$(inside_uid "$who")")
	run sbx_bus "$who" --talk-name org.sbx.Test -- sh -c 'sleep 0.2; echo ran'
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	[ -z "$(proxies_of "$dir/bus")" ]
	# Its directory is gone with it.
	[ "$(proxy_dirs "$(inside_uid "$who")")" -eq "$before" ]
}

@test "the proxy is gone after the command exits (user)" {
	proxy_gone_check user
}

@test "the proxy is gone after the command exits (root)" {
	needs_root
	proxy_gone_check root
}

@test "the proxy and the command are gone after kill -9 of sbx" {
	user_tmpdir WORK sbx-dbus
	local marker
	marker="sbx-dbus-kill-$$-$RANDOM"
	spawn_bus sbx_pid "$WORK/out" --talk-name org.sbx.Test -- sh -c "echo started; exec sleep 300 # $marker"
	wait_until 20 grep -qx started "$WORK/out"
	[ -n "$(proxies_of "$UBUS_DIR/bus")" ]
	[ "$(cat /proc/"$sbx_pid"/comm)" = sbx ]
	kill -KILL "$sbx_pid"
	wait_until 10 eval '[ -z "$(proxies_of "$UBUS_DIR/bus")" ]'
	wait_until 10 eval '! pgrep -f -- "$marker" >/dev/null'
	# What the killed sbx could not remove: its private directory with the dead socket.
	find /tmp -maxdepth 1 -user "$TEST_UID" -name 'sbx-dbus-*' -exec rm -rf {} +
}

@test "DBUS_SESSION_BUS_ADDRESS is always set inside, without a grant to a path that does not exist" {
	run sbx_bus user -- sh -c 'echo "$DBUS_SESSION_BUS_ADDRESS"; test -e "${DBUS_SESSION_BUS_ADDRESS#unix:path=}" && echo exists
		dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.ListNames 2>&1 | tail -1'
	echo "$output"
	[ "${lines[0]}" = "unix:path=/run/user/$TEST_UID/bus" ]
	[[ ${lines[1]} == *"Failed to connect"* || ${lines[1]} == *"No such file"* ]]
	# --unsetenv is honoured.
	run sbx_bus user --unsetenv DBUS_SESSION_BUS_ADDRESS -- sh -c 'echo "${DBUS_SESSION_BUS_ADDRESS-unset}"'
	[ "$output" = unset ]
}

@test "profile lines: the same grants from a profile, and --explain / --json list them" {
	user_profile dbus-t.profile "talk-name org.sbx.Test
own-name org.sbx.Mine.*
call org.sbx.Hidden=org.sbx.Test.Ping@/org/sbx/*
broadcast org.sbx.Test=org.sbx.Test.*@/org/sbx/Test"
	run sbx_bus user --profile dbus-t -- sh -c "$PROBE" sh "$UBUS_DIR/bus"
	echo "$output"
	[ "${lines[2]}" = '   string "pong org.sbx.Test"' ]
	[ "${lines[3]}" = '   string "pong org.sbx.Test"' ]  # Hidden: its Ping is the one call allowed
	run sbx_bus user --profile dbus-t --explain -- true
	echo "$output"
	[[ $output == *"dbus session bus: a proxy of $UBUS_DIR/bus at /run/user/$TEST_UID/bus (the bus's own socket is not inside)"* ]]
	[[ $output == *"  talk org.sbx.Test: any method"*"OUTSIDE the sandbox  [$TEST_HOME/.config/sbx/profiles/dbus-t.profile:1]"* ]]
	[[ $output == *"  own org.sbx.Mine.*: "* ]]
	[[ $output == *"  call org.sbx.Hidden=org.sbx.Test.Ping@/org/sbx/*: only the methods"* ]]
	[[ $output == *"dbus system bus: none"* ]]
	run sbx_bus user --profile dbus-t --explain --json -- true
	[ "$(jq -r '.dbus.session.mode' <<<"$output")" = filtered ]
	[ "$(jq -r '.dbus.session.inside' <<<"$output")" = "/run/user/$TEST_UID/bus" ]
	[ "$(jq -r '[.dbus.session.rules[].kind] | join(",")' <<<"$output")" = talk,own,call,broadcast ]
	[ "$(jq -r '.dbus.system' <<<"$output")" = null ]
}

@test "system-talk-name: a proxy of DBUS_SYSTEM_BUS_ADDRESS at /run/dbus/system_bus_socket" {
	run as_user env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$UBUS_DIR/bus" "$SBX" -q --system-talk-name org.sbx.Test -- sh -c '
		echo "$DBUS_SYSTEM_BUS_ADDRESS"
		dbus-send --system --print-reply --dest=org.sbx.Test /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1
		dbus-send --system --print-reply --dest=org.sbx.Hidden /org/sbx/Test org.sbx.Test.Ping 2>&1 | tail -1'
	echo "$output"
	[ "${lines[0]}" = "unix:path=/run/dbus/system_bus_socket" ]
	[ "${lines[1]}" = '   string "pong org.sbx.Test"' ]
	[[ ${lines[2]} == *"ServiceUnknown"* ]]
}

@test "bad input: malformed names (file:line:col), xdg-dbus-proxy missing, no bus: one line, exit 125, nothing started" {
	user_tmpdir WORK sbx-dbus
	make_user_file "$WORK/bad.profile" "talk-name org.sbx.Test
  own-name org.sbx..Mine"
	run sbx_bus user --profile "$WORK/bad.profile" -- touch "$WORK/ran"
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: $WORK/bad.profile:2:20: expected a well-known bus name (org.example.App, or org.example.* for a prefix): 'org.sbx..Mine'" ]
	make_user_file "$WORK/bad2.profile" "call org.sbx.Test"
	run sbx_bus user --profile "$WORK/bad2.profile" -- true
	[ "$status" -eq 125 ]
	[[ $output == "sbx: $WORK/bad2.profile:1:18: expected NAME=RULE"* ]]
	local name
	for name in org 1org.x org.x. :1.5 'org.x*' "$(printf 'a.%.0s' {1..200})b"; do
		run sbx_bus user --talk-name "$name" -- touch "$WORK/ran"
		echo "$name: $output"
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	run sbx_bus user --call 'org.sbx.Test=org.sbx.Test.Ping@no/slash' -- true
	[ "$status" -eq 125 ]
	# xdg-dbus-proxy not in PATH.
	run as_user env PATH=/nonexistent DBUS_SESSION_BUS_ADDRESS="unix:path=$UBUS_DIR/bus" "$SBX" -q \
		--talk-name org.sbx.Test -- /usr/bin/touch "$WORK/ran"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ ${lines[0]} == "sbx: session bus (command line): xdg-dbus-proxy is not installed (looked in PATH)"* ]]
	# No bus there.
	run as_user env DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/nobus" "$SBX" -q --talk-name org.sbx.Test -- touch "$WORK/ran"
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${lines[0]}" = "sbx: session bus: $WORK/nobus: No such file or directory" ]
	run as_user env DBUS_SESSION_BUS_ADDRESS="unix:abstract=/tmp/dbus-x" "$SBX" -q --talk-name org.sbx.Test -- true
	[ "$status" -eq 125 ]
	[[ $output == *"only a bus with a unix:path= address can be granted (an abstract socket cannot be bound)"* ]]
	[ ! -e "$WORK/ran" ]
	[ -z "$(proxies_of "$UBUS_DIR/bus")" ]
}
