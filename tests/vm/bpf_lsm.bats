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
