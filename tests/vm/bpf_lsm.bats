#!/usr/bin/env bats
# eBPF in the VM lane: Debian's stock kernel, booted with "bpf" in lsm=, loads BPF-LSM programs
# that this host's kernel refuses even to root. sbx's run-time probe must see that difference, and
# the CO-RE cgroup programs (built against the host's BTF) must enforce on the guest's kernel.

load ../lib/common

bats_require_minimum_version 1.5.0

# The JSON is sbx's stdout; notices on stderr (e.g. "no profile for 'true'") are not part of it,
# so these checks run with --separate-stderr.
ebpf_json() { python3 -c 'import json, sys; e = json.load(sys.stdin)["ebpf"]; print(eval(sys.argv[1]))' "$1"; }

@test "vm: the BPF-LSM probe loads a lsm_cgroup program as root and --explain says so" {
	grep -qw bpf /sys/kernel/security/lsm  # the lane boots with lsm=...,bpf
	run --separate-stderr sbx_root --explain --json -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | ebpf_json 'e["lsm"]["available"]')" = True ]
	[ "$(echo "$output" | ebpf_json 'e["lsm"]["why"]')" = "lsm_cgroup programs load" ]
	run sbx_root --explain -- true
	[[ "$output" == *"bpf-lsm (file open/exec rules): available"* ]]
}

@test "vm: unprivileged, the probe reports BPF-LSM as unavailable for lack of privilege" {
	run --separate-stderr sbx_user --explain --json -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | ebpf_json 'e["lsm"]["available"]')" = False ]
	[[ "$(echo "$output" | ebpf_json 'e["lsm"]["why"]')" == *"sbx is not root"* ]]
}

@test "vm: the cgroup network programs enforce on the guest kernel (CO-RE)" {
	# Servers and client share the sandbox's own network namespace (lo is up there; the guest's
	# own lo is not configured). Both listeners are granted binds; only one may be connected to.
	script='import socket
socks = []
for port in (40001, 40002):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(8); socks.append(s)
for port in (40001, 40002):
    c = socket.socket()
    try: c.connect(("127.0.0.1", port)); print(port, "ok")
    except OSError as e: print(port, e.errno)'
	run sbx_root --bind-port 40001-40002 --connect 127.0.0.1:40001 -- python3 -c "$script"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"40001 ok"* ]]
	[[ "$output" == *"40002 1"* ]]  # EPERM from cgroup/connect4
	# Control: without the rules both connects work.
	run sbx_root -- python3 -c "$script"
	echo "$output"
	[[ "$output" == *"40002 ok"* ]]
}

# The file rules (exec-allow, open-deny) as lsm_cgroup programs on the sandbox's cgroup. Each
# refusal is paired with a control run without the rule, where the same operation works.

# exec.py PATH...: runs each PATH and prints "PATH ok" or "PATH ERRNO-NAME".
exec_script='import errno, subprocess, sys
for p in sys.argv[1:]:
    try:
        subprocess.run([p], check=True, stdout=subprocess.DEVNULL); print(p, "ok")
    except OSError as e:
        print(p, errno.errorcode.get(e.errno, e.errno))'

@test "vm: exec-allow lets a listed binary run and refuses an unlisted one with EPERM" {
	run sbx_root --exec-allow /usr/bin/python3 --exec-allow /usr/bin/true -- \
		python3 -c "$exec_script" /usr/bin/true /usr/bin/id
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/usr/bin/true ok"* ]]
	[[ "$output" == *"/usr/bin/id EPERM"* ]]
	# Control: without the rule the same binary runs.
	run sbx_root -- python3 -c "$exec_script" /usr/bin/true /usr/bin/id
	echo "$output"
	[[ "$output" == *"/usr/bin/id ok"* ]]
	# COMMAND itself is checked: an unlisted COMMAND cannot start (126: cannot be executed).
	run sbx_root --exec-allow /usr/bin/true -- id
	echo "$output"
	[ "$status" -eq 126 ]
	run --separate-stderr sbx_root --explain --json --exec-allow /usr/bin/true -- true
	[ "$(echo "$output" | ebpf_json 'e["lsm"]["rules"]["enforced"]')" = True ]
	[ "$(echo "$output" | ebpf_json 'e["lsm"]["rules"]["rules"][0]["status"]')" = enforced ]
}

@test "vm: exec-allow checks a script's interpreter too" {
	dir=$(mktemp -d /tmp/sbx-lsm.XXXXXX)
	chmod 755 "$dir"
	printf '#!/bin/sh\necho script-ran\n' >"$dir/s.sh"
	chmod 755 "$dir/s.sh"
	run sbx_root --ro-bind "$dir:/t" --exec-allow "$dir/s.sh" -- /t/s.sh
	echo "$output"
	[ "$status" -eq 126 ]
	[[ "$output" != *"script-ran"* ]]
	run sbx_root --ro-bind "$dir:/t" --exec-allow "$dir/s.sh" --exec-allow /bin/sh -- /t/s.sh
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"script-ran"* ]]
	rm -rf "$dir"
}

@test "vm: open-deny refuses a file below a denied directory inside a granted bind, not its sibling" {
	dir=$(mktemp -d /tmp/sbx-lsm.XXXXXX)
	mkdir -p "$dir/secret/deeper"
	echo hidden >"$dir/secret/deeper/f"
	echo visible >"$dir/pub"
	chmod -R a+rX "$dir"
	read_both='for f in /t/pub /t/secret/deeper/f; do cat "$f" || echo "refused $f"; done'
	run sbx_root --ro-bind "$dir:/t" --open-deny "$dir/secret" -- sh -c "$read_both"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"visible"* ]]
	[[ "$output" != *"hidden"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" == *"refused /t/secret/deeper/f"* ]]
	# Control: without the rule the file is readable through the same bind.
	run sbx_root --ro-bind "$dir:/t" -- sh -c "$read_both"
	echo "$output"
	[[ "$output" == *"hidden"* ]]
	# A bind of the denied directory's subdirectory does not escape the rule either.
	run sbx_root --ro-bind "$dir/secret/deeper:/d" --open-deny "$dir/secret" -- cat /d/f
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	rm -rf "$dir"
}

@test "vm: unprivileged, file rules are refused with the reason, and run with a warning when optional" {
	run sbx_user --exec-allow /usr/bin/true -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"file rule exec-allow /usr/bin/true (command line) cannot be enforced: sbx is not root"* ]]
	run sbx_user --lsm-rules optional --open-deny /etc/hostname -- cat /etc/hostname
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: file rule open-deny /etc/hostname is not enforced (BPF-LSM): sbx is not root"* ]]
}

@test "vm: the file rule programs are attached to the sandbox's cgroup only while it runs" {
	command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
	root=$(findmnt -n -t cgroup2 -o TARGET | head -1)
	out=$(mktemp /tmp/sbx-lsm.XXXXXX)
	sbx_root --exec-allow /usr/bin/sleep --open-deny /etc/shadow -- sleep 8 >/dev/null 2>&1 &
	sbx_pid=$!
	cg=$(cgroup_with_bpf_prog "$root" sbx_exec) || true
	bpftool cgroup show "$cg" >"$out"
	cat "$out"
	echo "cgroup: $cg"
	[ -n "$cg" ]
	grep -q sbx_exec "$out"
	grep -q sbx_open "$out"
	ids=$(awk '$1 ~ /^[0-9]+$/ && /sbx_(exec|open)/ { print $1 }' "$out")
	[ -n "$ids" ]
	wait "$sbx_pid"
	[ ! -e "$cg" ]
	# shellcheck disable=SC2086
	bpf_progs_gone $ids
	rm -f "$out"
}
