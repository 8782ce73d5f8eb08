#!/usr/bin/env bats
# private-bin, private-etc and machine-id random (issue 14, launcher/privdirs.c): the bin
# directories and /etc show only what is named (over an empty read-only tmpfs; symlinks followed to
# their final target), /etc/machine-id a random id of each run. As the test user and as root (the
# command runs as 65534).

load ../lib/common
bats_require_minimum_version 1.5.0

# The base every private-etc shows (man/sbx-profile.5, PRIVDIRS_ETC_BASE), as far as this host has it.
etc_base() {
	local n
	for n in alternatives group host.conf hosts ld.so.cache ld.so.conf ld.so.conf.d ld.so.preload \
		locale.alias localtime nsswitch.conf passwd; do
		if [ -e "/etc/$n" ] || [ -L "/etc/$n" ]; then echo "$n"; fi
	done
}

psbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet "$@"
}

# ---- private-bin ----

check_private_bin() {
	local who=$1
	run psbx "$who" --private-bin 'sh ls' -- ls -A /usr/bin /usr/sbin
	echo "$output"
	[ "$status" -eq 0 ]
	# sh is a link to dash: both are shown, nothing else; /usr/sbin is empty.
	[ "$output" = "$(printf '/usr/bin:\ndash\nls\nsh\n\n/usr/sbin:')" ]
	# Another program has no path at all: ENOENT, not EACCES, also by /bin (merged /usr).
	run psbx "$who" --private-bin sh -- sh -c '/usr/bin/id; echo rc=$?; /bin/id; [ -e /usr/bin/cat ] || echo no-cat'
	echo "$output"
	[[ $output == *"/usr/bin/id: not found"* ]]
	[[ $output == *"/bin/id: not found"* ]]
	[[ $output == *no-cat* ]]
	[[ $output != *"Permission denied"* ]]
	# The granted program runs; the private directory is read-only.
	run psbx "$who" --private-bin 'sh touch' -- sh -c 'touch /usr/bin/new; echo rc=$?'
	echo "$output"
	[[ $output == *"Read-only file system"* ]]
	# The control: without private-bin the same program is there.
	run psbx "$who" -- /usr/bin/id -u
	[ "$status" -eq 0 ]
}

@test "private-bin as the user: only the named programs (and their link targets) in /usr/bin, others are ENOENT" {
	check_private_bin user
}

@test "private-bin as root: the same" {
	needs_root
	check_private_bin root
}

@test "private-bin: an alternatives name is followed to its program; absolute paths; a later line adds names" {
	local target
	target=$(readlink -f /usr/bin/awk)
	[ -x "$target" ]
	[[ $(readlink /usr/bin/awk) == /etc/alternatives/awk ]]
	for who in user root; do
		_sbx_is_root || [ "$who" = user ] || continue
		run psbx "$who" --private-bin awk -- awk 'BEGIN { print 6 * 7 }'
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = 42 ]
		# The same with private-etc: the link in /etc/alternatives is shown too.
		run psbx "$who" --private-bin awk --private-etc hosts -- awk 'BEGIN { print 6 * 7 }'
		[ "$output" = 42 ]
		run psbx "$who" --private-bin /bin/ls --private-bin cat -- ls /usr/bin
		echo "$output"
		[ "$output" = "$(printf 'cat\nls')" ]
	done
}

@test "private-bin-try skips what is not installed; an include adds names" {
	run psbx user --private-bin-try 'sbx-no-such-program ls' -- ls /usr/bin
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ls ]
	user_tmpdir d sbx-privbin
	printf 'private-bin ls\ninclude privbin-extra\n' >"$d/p.profile"
	user_profile privbin-extra.inc 'private-bin cat'
	chown "$TEST_UID:$TEST_GID" "$d/p.profile"
	run psbx user --profile "$d/p.profile" -- ls /usr/bin
	echo "$output"
	[ "$output" = "$(printf 'cat\nls')" ]
}

# ---- private-etc ----

check_private_etc() {
	local who=$1 expected
	expected=$( (etc_base; echo hostname) | sort -u)
	run psbx "$who" --private-etc hostname -- ls -A /etc
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
	run psbx "$who" --private-etc hostname -- sh -c 'cat /etc/shadow; cat /etc/ssl/openssl.cnf; touch /etc/x; id -un; getent hosts localhost'
	echo "$output"
	[[ $output == *"/etc/shadow: No such file or directory"* ]]
	[[ $output == *"/etc/ssl/openssl.cnf: No such file or directory"* ]]
	[[ $output == *"Read-only file system"* ]]
	[[ $output == *"$(if [ "$who" = root ]; then echo nobody; else echo "$TEST_USER"; fi)"* ]]
	[[ $output == *"127.0.0.1"*localhost* ]]
	# resolv.conf only when named (with the host's network, as a resolver needs).
	run psbx "$who" --net host --private-etc resolv.conf -- cat /etc/resolv.conf
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /etc/resolv.conf)" ]
	run psbx "$who" --net host --private-etc hosts -- cat /etc/resolv.conf
	[ "$status" -ne 0 ]
	[[ $output == *"No such file or directory"* ]]
	# A directory is shown whole.
	run psbx "$who" --private-etc ssl -- cat /etc/ssl/openssl.cnf
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /etc/ssl/openssl.cnf)" ]
}

@test "private-etc as the user: only the named entries and the base; a program still runs and resolves" {
	check_private_etc user
}

@test "private-etc as root: the same" {
	needs_root
	check_private_etc root
}

# ---- machine-id ----

@test "machine-id random: differs from the host's and between runs, also in /var/lib/dbus and with private-etc" {
	[ -s /etc/machine-id ]
	local host one two
	host=$(cat /etc/machine-id)
	for who in user root; do
		_sbx_is_root || [ "$who" = user ] || continue
		one=$(psbx "$who" --machine-id random -- cat /etc/machine-id)
		two=$(psbx "$who" --machine-id random -- cat /etc/machine-id)
		echo "$who: $host $one $two"
		[[ $one =~ ^[0-9a-f]{32}$ ]]
		[[ $two =~ ^[0-9a-f]{32}$ ]]
		[ "$one" != "$host" ]
		[ "$one" != "$two" ]
		# The default is the host's.
		[ "$(psbx "$who" -- cat /etc/machine-id)" = "$host" ]
		# The same id wherever D-Bus looks, read-only.
		if [ -s /var/lib/dbus/machine-id ]; then
			run psbx "$who" --machine-id random --ro-bind /var/lib/dbus -- sh -c \
				'cat /etc/machine-id /var/lib/dbus/machine-id; echo x >/etc/machine-id'
			echo "$output"
			[ "${lines[0]}" = "${lines[1]}" ]
			[ "${lines[0]}" != "$host" ]
			[[ $output == *"Read-only file system"* ]]
		fi
		# With private-etc that does not name it.
		run psbx "$who" --machine-id random --private-etc hosts -- cat /etc/machine-id
		[[ $output =~ ^[0-9a-f]{32}$ ]]
		[ "$output" != "$host" ]
	done
}

# ---- bad input ----

@test "bad input: unknown name, '..', an empty name or list, a bad machine-id word: one line, exit 125" {
	run -125 sbx_user --private-bin sbx-no-such-program -- true
	echo "$output"
	[ "${#lines[@]}" -le 2 ]  # the error, and its hint
	[[ ${lines[0]} == *"--private-bin 'sbx-no-such-program': no such program in /usr/bin"* ]]
	run -125 sbx_user --private-etc ../shadow -- true
	[[ $output == *"expected a name in /etc"* ]]
	run -125 sbx_user --private-etc ssl/../shadow -- true
	[[ $output == *"expected a name in /etc"* ]]
	run -125 sbx_user --private-bin ../bin/sh -- true
	[[ $output == *"expected a program name"* ]]
	run -125 sbx_user --private-bin /etc/passwd -- true
	[[ $output == *"not in a bin directory"* ]]
	run -125 sbx_user --private-bin '' -- true
	[[ $output == *"an empty name"* ]]
	run -125 sbx_user --private-etc sbx-no-such-entry -- true
	[[ $output == *"no such file or directory in /etc"* ]]
	run -125 sbx_user --machine-id maybe -- true
	[[ $output == *"expected 'random' or 'host'"* ]]
	# In a profile: file:line:col.
	user_tmpdir d sbx-privbin
	printf 'net none\nprivate-bin ls sbx-no-such-program\n' >"$d/a.profile"
	printf 'private-etc\n' >"$d/b.profile"
	printf 'machine-id random\nmachine-id host\n' >"$d/c.profile"
	chown "$TEST_UID:$TEST_GID" "$d"/*.profile
	run -125 sbx_user --profile "$d/a.profile" -- true
	echo "$output"
	[[ ${lines[0]} == *"$d/a.profile:2:16: no such program in "*"'sbx-no-such-program'"* ]]
	run -125 sbx_user --profile "$d/b.profile" -- true
	[[ ${lines[0]} == *"$d/b.profile:1:1: missing words: usage: private-etc NAME..."* ]]
	run -125 sbx_user --profile "$d/c.profile" -- true
	[[ ${lines[0]} == *"$d/c.profile:2:1: loosens 'machine-id random' set at $d/c.profile:1"* ]]
}

@test "--explain and --json show the private directories and the random machine-id" {
	run sbx_user --quiet --explain --private-bin ls --private-etc hosts --machine-id random -- ls
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"tmpfs      /usr/bin"*"private-bin: only the names below"* ]]
	[[ $output == *"ro-bind    /usr/bin/ls"* ]]
	[[ $output == *"tmpfs      /etc "*"private-etc: only the names below"* ]]
	[[ $output == *"ro-bind    /etc/hosts"* ]]
	[[ $output == *"file       /etc/machine-id"*"random id"* ]]
	run sbx_user --quiet --explain --json --private-bin ls --private-etc hosts --machine-id random -- ls
	[ "$status" -eq 0 ]
	jq -e '.mounts | map(select(.label == "private-bin" and .type == "tmpfs" and .dst == "/usr/bin")) | length == 1' <<<"$output"
	jq -e '.mounts | map(select(.label == "private-etc" and .dst == "/etc/hosts")) | length == 1' <<<"$output"
	jq -e '.mounts | map(select(.label == "machine-id")) | length >= 1' <<<"$output"
}
