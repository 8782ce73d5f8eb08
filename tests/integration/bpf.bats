#!/usr/bin/env bats
# eBPF network and device rules (--connect, --bind-port, --net-rules), probed from inside the real
# sandbox. As root, the cgroup programs are attached to the sandbox's cgroup: every refusal is
# paired with a control (the same operation allowed by another rule, or allowed without rules) so
# that a test fails if the programs are not there. Unprivileged, port-only rules fall back to
# Landlock (EACCES instead of EPERM) and address rules are refused before anything runs.

load ../lib/common

setup() {
	dir=$(mktemp -d /var/tmp/sbx-bpf.XXXXXX)
	chmod 755 "$dir"
	bg_pids=()
	# probe.py OP... with OP = connect|send|bind,ADDRESS,PORT; prints "OP,ADDRESS,PORT RESULT"
	# where RESULT is ok or the errno name. IPv6 when ADDRESS has a ':'.
	cat >"$dir/probe.py" <<'EOF'
import errno, socket, sys
for op in sys.argv[1:]:
    kind, host, port = op.split(",")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM if kind == "send" else socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        if kind == "connect":
            s.connect((host, int(port)))
        elif kind == "send":
            s.sendto(b"x", (host, int(port)))
        else:
            s.bind((host, int(port)))
        res = "ok"
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno))
    s.close()
    print(op, res)
EOF
	# server.py ADDRESS: listens on an ephemeral TCP port, prints it, accepts until killed.
	cat >"$dir/server.py" <<'EOF'
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
s.bind((sys.argv[1], 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept()
    c.close()
EOF
	chmod 644 "$dir"/*.py
}

teardown() {
	for pid in "${bg_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$dir"
}

# start_server ADDRESS: a loopback TCP server in the background; sets $port.
start_server() {
	local out="$dir/server.$RANDOM"
	python3 "$dir/server.py" "$1" >"$out" &
	bg_pids+=($!)
	for _ in $(seq 50); do
		[ -s "$out" ] && break
		sleep 0.1
	done
	port=$(cat "$out")
	[ -n "$port" ]
}

probe_root() { sbx_root --net host --ro-bind "$dir:/t" "$@"; }
probe_user() { sbx_user --net host --ro-bind "$dir:/t" "$@"; }

cgroup2_root() { findmnt -n -t cgroup2 -o TARGET | head -1; }

# ---- root: eBPF ----

@test "root: connect inside the allowed set succeeds, outside is refused (IPv4 and IPv6)" {
	needs_root
	start_server 127.0.0.1; p4a=$port
	start_server 127.0.0.1; p4b=$port
	start_server ::1; p6a=$port
	start_server ::1; p6b=$port
	# Control: without rules all four servers are reachable.
	run probe_root -- python3 /t/probe.py "connect,127.0.0.1,$p4b" "connect,::1,$p6b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p4b ok"* ]]
	[[ "$output" == *"connect,::1,$p6b ok"* ]]

	run probe_root --connect "127.0.0.1:$p4a" --connect "[::1]:$p6a" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p4a" "connect,::1,$p6a" "connect,127.0.0.1,$p4b" "connect,::1,$p6b" \
		"connect,::ffff:127.0.0.1,$p4a" "connect,::ffff:127.0.0.1,$p4b" "connect,::1,$p4a"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p4a ok"* ]]
	[[ "$output" == *"connect,::1,$p6a ok"* ]]
	[[ "$output" == *"connect,127.0.0.1,$p4b EPERM"* ]]
	[[ "$output" == *"connect,::1,$p6b EPERM"* ]]
	# IPv4-mapped IPv6 addresses are judged by the IPv4 rules.
	[[ "$output" == *"connect,::ffff:127.0.0.1,$p4a ok"* ]]
	[[ "$output" == *"connect,::ffff:127.0.0.1,$p4b EPERM"* ]]
	# An address rule is per family: [::1] on the IPv4 rule's port is not covered.
	[[ "$output" == *"connect,::1,$p4a EPERM"* ]]
}

@test "root: CIDR and port-range rules; UDP sends are filtered too" {
	needs_root
	start_server 127.0.0.1; p=$port
	start_server 127.0.0.2; q=$port
	run probe_root --connect "127.0.0.0/8:$p" --connect "127.0.0.2:$((q - 1))-$((q + 1))" \
		--connect "[::1]:5353" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p" "connect,127.0.0.2,$q" "connect,127.0.0.1,$q" \
		"send,127.0.0.9,$p" "send,127.0.0.9,$((p + 1))" "send,::1,5353" "send,::1,5354"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p ok"* ]]
	[[ "$output" == *"connect,127.0.0.2,$q ok"* ]]
	[[ "$output" == *"connect,127.0.0.1,$q EPERM"* ]]
	[[ "$output" == *"send,127.0.0.9,$p ok"* ]]
	[[ "$output" == *"send,127.0.0.9,$((p + 1)) EPERM"* ]]
	[[ "$output" == *"send,::1,5353 ok"* ]]
	[[ "$output" == *"send,::1,5354 EPERM"* ]]
}

@test "root: a bind to a port not granted fails; granted and ephemeral binds work" {
	needs_root
	a=$(free_port); b=$(free_port)
	[ "$a" != "$b" ] || b=$(free_port)
	# Control: without rules both binds work.
	run probe_root -- python3 /t/probe.py "bind,127.0.0.1,$b"
	[[ "$output" == *"bind,127.0.0.1,$b ok"* ]]
	run probe_root --bind-port "$a" -- python3 /t/probe.py \
		"bind,127.0.0.1,$a" "bind,::1,$a" "bind,127.0.0.1,$b" "bind,127.0.0.1,0"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bind,127.0.0.1,$a ok"* ]]
	[[ "$output" == *"bind,::1,$a ok"* ]]
	[[ "$output" == *"bind,127.0.0.1,$b EPERM"* ]]
	[[ "$output" == *"bind,127.0.0.1,0 ok"* ]]
	# With bind rules but no connect rule, connecting anywhere is refused (deny by default).
	start_server 127.0.0.1
	run probe_root --bind-port "$a" -- python3 /t/probe.py "connect,127.0.0.1,$port"
	[[ "$output" == *"connect,127.0.0.1,$port EPERM"* ]]
}

@test "root: raw and other non-TCP/UDP inet sockets are refused by cgroup/sock_create" {
	needs_root
	# The sandbox's root has CAP_NET_RAW in its own user namespace only, which --net host does
	# not honour, so use SCTP-less probes: an ICMP-protocol raw socket and a UDP-Lite socket.
	run probe_root --connect 443 -- python3 -c '
import socket
for name, t, proto in (("udplite", socket.SOCK_DGRAM, 136), ("tcp", socket.SOCK_STREAM, 0), ("udp", socket.SOCK_DGRAM, 0)):
    try:
        socket.socket(socket.AF_INET, t, proto).close(); print(name, "ok")
    except OSError as e:
        print(name, e.errno)'
	echo "$output"
	[[ "$output" == *"tcp ok"* ]]
	[[ "$output" == *"udp ok"* ]]
	[[ "$output" == *"udplite 1"* ]]  # EPERM from the program
	run probe_root -- python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 136); print("udplite ok")'
	[[ "$output" == *"udplite ok"* ]]  # control: the kernel itself allows UDP-Lite
}

@test "root: the programs are detached and the cgroup removed when the sandbox ends" {
	needs_root
	command -v bpftool >/dev/null || PATH=$PATH:/usr/sbin
	root=$(cgroup2_root)
	[ -n "$root" ]
	sbx_root --net host --connect 127.0.0.1:9 -- sh -c 'sleep 3' &
	bg_pids+=($!)
	sbx_pid=$!
	cg=$(cgroup_with_bpf_prog "$root" 'cgroup_inet4_connect.*sbx_connect4') || true
	echo "cgroup: $cg"
	[ -n "$cg" ]
	[ -d "$cg" ]
	bpftool cgroup show "$cg" >"$dir/during"
	cat "$dir/during"
	for hook in connect4 connect6 sendmsg4 sendmsg6 bind4 bind6; do
		grep -q "sbx_$hook" "$dir/during"
	done
	grep -q sbx_sock_create "$dir/during"
	grep -q sbx_dev "$dir/during"
	ids=$(awk '$1 ~ /^[0-9]+$/ { print $1 }' "$dir/during")
	wait "$sbx_pid"
	[ ! -e "$cg" ]
	# shellcheck disable=SC2086
	bpf_progs_gone $ids
}

@test "root: the network and device programs load without the kernel's BTF (no CO-RE relocations)" {
	needs_root
	# libbpf parses /sys/kernel/btf/vmlinux (5 MB, ~60 ms) only for programs with CO-RE
	# relocations; the cgroup programs read only UAPI context structs and must not need it.
	# One file per process (-ff), so that no call is split by another process's. LeakSanitizer
	# (the ASan build) cannot run under ptrace.
	as_root env ASAN_OPTIONS=detect_leaks=0 strace -ff -qq -e trace=openat,bpf -o "$dir/trace" \
		"$SBX" --net host --connect 127.0.0.1:9 -- /bin/true
	cat "$dir"/trace.* >"$dir/all"
	# the programs did load (a control: without them there would be nothing to relocate) ...
	grep -q 'BPF_PROG_LOAD.*BPF_PROG_TYPE_CGROUP_DEVICE.*= [0-9]' "$dir/all"
	grep -q 'BPF_PROG_LOAD.*BPF_PROG_TYPE_CGROUP_SOCK_ADDR.*prog_name="sbx_connect4".*= [0-9]' "$dir/all"
	# ... and the kernel's BTF was never opened
	[ "$(grep -c 'btf/vmlinux' "$dir/all")" = 0 ]
}

@test "root: network rules with no cgroup to attach to are refused before anything runs (and by --explain); optional ones warn" {
	needs_root
	# In a mount namespace of the test's own, every cgroup2 mount is detached: sbx can make no
	# cgroup for its programs.
	nocg() {
		unshare -m --propagation private sh -c \
			'for m in $(findmnt -n -t cgroup2 -o TARGET); do umount -l "$m"; done; exec "$@"' sh "$@"
	}
	run nocg "$SBX" -q --net host --connect 127.0.0.1:9 -- echo command-ran
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"eBPF network rules need the sandbox's own cgroup, and there is none"* ]]
	[[ "$output" != *command-ran* ]]
	run nocg "$SBX" -q --net host --connect 127.0.0.1:9 --explain -- echo command-ran
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"REFUSED here, sbx would not run: eBPF network rules need the sandbox's own cgroup"* ]]
	run nocg "$SBX" --net host --connect 127.0.0.1:9 --net-rules optional -- echo command-ran
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"the sandbox has no cgroup, so its 1 network rule(s) are not enforced"* ]]
	[[ "$output" == *command-ran* ]]
}

@test "root: a device node that is not granted cannot be opened although the mount shows it" {
	needs_root
	[ -c /dev/fuse ] && [ -c /dev/net/tun ] || skip "needs /dev/fuse and /dev/net/tun to copy"
	mkdir "$dir/devs"
	mknod -m 666 "$dir/devs/fuse" c 10 229
	# Granted at launch: fuse. Created after the launch, in the same bound directory: tun.
	sbx_root --dev-bind "$dir/devs:/devs" -- sh -c '
		while [ ! -e /devs/tun ]; do sleep 0.1; done
		for n in fuse tun; do
			# (a subshell: a failed redirection on ":" ends a POSIX shell)
			if (: <>/devs/$n) 2>/dev/null; then echo "$n ok"; else echo "$n denied"; fi
		done' >"$dir/out" &
	bg_pids+=($!)
	sbx_pid=$!
	sleep 1
	mknod -m 666 "$dir/devs/tun" c 10 200
	wait "$sbx_pid"
	cat "$dir/out"
	grep -q "fuse ok" "$dir/out"
	grep -q "tun denied" "$dir/out"
	# Control: granted at launch, tun opens (so the refusal above was the device program's).
	run sbx_root --dev-bind "$dir/devs:/devs" -- sh -c ': <>/devs/tun && echo "tun ok"'
	[[ "$output" == *"tun ok"* ]]
}

@test "root: --explain lists the eBPF rules as enforced and says whether BPF-LSM loads" {
	needs_root
	run sbx_root --net host --connect 10.0.0.0/8:443 --bind-port '[::1]:8000-8080' --explain -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"ebpf: used"* ]]
	[[ "$output" == *"10.0.0.0/8:443"*"enforced by eBPF"* ]]
	[[ "$output" == *"[::1]:8000-8080"* ]]
	[[ "$output" == *"bpf-lsm"* ]]
	# --quiet: the note that 'true' has no profile goes to stderr, which run mixes into the JSON.
	run sbx_root --quiet --net host --connect 10.0.0.0/8:443 --explain --json -- true
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
e = json.load(sys.stdin)["ebpf"]
assert e["cgroup_programs"] is True, e
assert e["network"]["enforced_by"] == "ebpf", e
assert e["network"]["rules"] == [{"kind": "connect", "rule": "10.0.0.0/8:443", "status": "attached", "origin": "command line"}], e
assert e["devices"]["enforced"] is True and "c1:3" in e["devices"]["allow"], e
assert isinstance(e["lsm"]["available"], bool) and e["lsm"]["why"], e'
}

@test "root: a profile's net-connect and net-bind rules are enforced by eBPF like --connect" {
	needs_root
	start_server 127.0.0.1; p=$port
	start_server 127.0.0.1; q=$port
	a=$(free_port)
	printf 'net host\nro-bind %s /t\nnet-connect 127.0.0.1:%s\nnet-bind %s\n' "$dir" "$p" "$a" >"$dir/rules.profile"
	run sbx_root profile check "$dir/rules.profile"
	[ "$status" -eq 0 ]
	run sbx_root --profile "$dir/rules.profile" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p" "connect,127.0.0.1,$q" "send,127.0.0.1,$q" "bind,127.0.0.1,$a" \
		"bind,127.0.0.1,$((a + 1))"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p ok"* ]]
	[[ "$output" == *"connect,127.0.0.1,$q EPERM"* ]]
	[[ "$output" == *"send,127.0.0.1,$q EPERM"* ]]  # UDP too: eBPF, not Landlock
	[[ "$output" == *"bind,127.0.0.1,$a ok"* ]]
	[[ "$output" == *"bind,127.0.0.1,$((a + 1)) EPERM"* ]]
	run sbx_root --profile "$dir/rules.profile" --explain -- true
	[[ "$output" == *"127.0.0.1:$p"*"enforced by eBPF"*"rules.profile:3"* ]]
	[[ "$output" == *"*:$a"*"enforced by eBPF"*"rules.profile:4"* ]]
}

# ---- unprivileged: Landlock fallback and refusal ----

@test "user: port-only rules fall back to Landlock TCP port rules" {
	start_server 127.0.0.1; p=$port
	start_server 127.0.0.1; q=$port
	a=$(free_port)
	run probe_user --connect "$p" --bind-port "*:$a" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p" "connect,127.0.0.1,$q" "bind,127.0.0.1,$a" "bind,127.0.0.1,$((a + 1))"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p ok"* ]]
	# EACCES is Landlock's answer (eBPF's would be EPERM).
	[[ "$output" == *"connect,127.0.0.1,$q EACCES"* ]]
	[[ "$output" == *"bind,127.0.0.1,$a ok"* ]]
	[[ "$output" == *"bind,127.0.0.1,$((a + 1)) EACCES"* ]]
	# Control: without the rule the second server is reachable.
	run probe_user -- python3 /t/probe.py "connect,127.0.0.1,$q"
	[[ "$output" == *"connect,127.0.0.1,$q ok"* ]]
	run sbx_user --net host --connect "$p" --explain -- true
	[[ "$output" == *"ebpf: not used"* ]]
	[[ "$output" == *"*:$p"*"Landlock TCP port"* ]]
}

@test "user: a rule that names an address is refused before anything runs, saying what is missing" {
	run sbx_user --net host --bind "$dir:/t" --connect 10.0.0.0/8:443 -- touch /t/ran
	echo "$output"
	[ "$status" -eq 125 ]
	[ ! -e "$dir/ran" ]
	[[ "$output" == *"10.0.0.0/8:443"*"names an address"*"need privilege"* ]]
	[[ "$output" == *"hint: eBPF is unavailable: sbx is not root"* ]]
	[[ "$output" == *"*:443"* ]]
	[[ "$output" == *"--net-rules optional"* ]]
	# --explain shows the refusal instead of failing.
	run sbx_user --quiet --net host --connect 10.0.0.0/8:443 --explain --json -- true
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
j = json.load(sys.stdin)
n = j["ebpf"]["network"]
assert n["refused"] is True and n["rules"][0]["status"] == "refused", n
assert len(j["refusals"]) == 1 and "10.0.0.0/8:443" in j["refusals"][0], j["refusals"]'
	# The refusal is the plan's, made before anything was cloned: not a failure of the setup.
	run sbx_user --quiet --net host --connect 10.0.0.0/8:443 --explain -- true
	[ "$status" -eq 0 ]
	[[ "$output" == *"REFUSED here, sbx would not run: network rule connect 10.0.0.0/8:443"* ]]
	run sbx_user --quiet --net host --connect 10.0.0.0/8:443 -- true
	[[ "$output" != *"setup:"* ]]
	# A run that refuses nothing lists no refusal.
	run sbx_user --quiet --explain --json -- true
	[ "$(jq -c .refusals <<<"$output")" = "[]" ]
}

@test "user: a profile's port rules become Landlock port rules, its address rules are refused" {
	start_server 127.0.0.1; p=$port
	start_server 127.0.0.1; q=$port
	printf 'net host\nro-bind %s /t\nnet-connect %s\n' "$dir" "$p" >"$dir/ports.profile"
	run probe_user --profile "$dir/ports.profile" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p" "connect,127.0.0.1,$q"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"connect,127.0.0.1,$p ok"* ]]
	[[ "$output" == *"connect,127.0.0.1,$q EACCES"* ]]
	printf 'net host\nro-bind %s /t\nnet-connect 127.0.0.1:%s\n' "$dir" "$p" >"$dir/addr.profile"
	run sbx_user profile check "$dir/addr.profile"
	[ "$status" -eq 0 ]  # the language accepts it; only this run cannot enforce it
	run sbx_user --profile "$dir/addr.profile" -- touch /t/ran
	echo "$output"
	[ "$status" -eq 125 ]
	[ ! -e "$dir/ran" ]
	[[ "$output" == *"127.0.0.1:$p ($dir/addr.profile:3) names an address"* ]]
}

@test "user: with --net-rules optional an address rule is widened to its port, with a warning" {
	start_server 127.0.0.1; p=$port
	start_server 127.0.0.1; q=$port
	run probe_user --net-rules optional --connect "127.0.0.1:$p" -- python3 /t/probe.py \
		"connect,127.0.0.1,$p" "connect,127.0.0.1,$q"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: network rule connect 127.0.0.1:$p is enforced as its port"* ]]
	[[ "$output" == *"connect,127.0.0.1,$p ok"* ]]
	[[ "$output" == *"connect,127.0.0.1,$q EACCES"* ]]
}

@test "bad network rules are rejected with a precise message" {
	run sbx_user --connect '::1:80' -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"brackets"* ]]
	run sbx_user --connect 'example.com:443' -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"not an IPv4 or IPv6 address"* ]]
	run sbx_user --bind-port '70000' -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"ports are 1-65535"* ]]
}

# ---- BPF-LSM file rules (exec-allow, open-deny) ----
# This host's kernel refuses BPF-LSM even to root, so the rules cannot be enforced here: sbx must
# refuse to run (naming the rule and the probe's reason), or warn and run when they are optional.
# The VM lane (tests/vm/bpf_lsm.bats) tests the enforcement itself.

# Skips when this kernel does load BPF-LSM programs (then the refusal below is not the answer).
host_refuses_bpf_lsm() {
	if grep -qw bpf /sys/kernel/security/lsm 2>/dev/null; then
		skip "this kernel has BPF-LSM on; tests/vm/bpf_lsm.bats covers enforcement"
	fi
}

lsm_profile() {
	mkdir -p "$dir/secret"
	echo hidden >"$dir/secret/f"
	chmod -R a+rX "$dir"
	printf 'ro-bind %s /t\nbind %s/out /out\nexec-allow /usr/bin/true /usr/bin/touch\nopen-deny %s/secret\n%s' \
		"$dir" "$dir" "$dir" "${1:-}" >"$dir/lsm.profile"
	mkdir -p "$dir/out"
	chmod 777 "$dir/out"
	chmod 644 "$dir/lsm.profile"
}

@test "root: file rules are refused on this kernel, naming the rule and why" {
	needs_root
	host_refuses_bpf_lsm
	lsm_profile
	run sbx_root --profile "$dir/lsm.profile" -- touch /out/ran
	echo "$output"
	[ "$status" -eq 125 ]
	[ ! -e "$dir/out/ran" ]
	[[ "$output" == *"file rule exec-allow /usr/bin/true ($dir/lsm.profile:3) and 2 more cannot be enforced: this kernel refuses BPF-LSM programs even to root"* ]]
	[[ "$output" == *"--lsm-rules optional"* ]]
	# The command line's rules too.
	run sbx_root --open-deny "$dir/secret" -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"file rule open-deny $dir/secret (command line) cannot be enforced"* ]]
}

@test "user: file rules are refused for lack of privilege" {
	lsm_profile
	run sbx_user --profile "$dir/lsm.profile" -- touch /out/ran
	echo "$output"
	[ "$status" -eq 125 ]
	[ ! -e "$dir/out/ran" ]
	[[ "$output" == *"file rule exec-allow /usr/bin/true ($dir/lsm.profile:3) and 2 more cannot be enforced: sbx is not root"* ]]
}

@test "root and user: optional file rules warn and run without them" {
	lsm_profile $'lsm-rules optional\n'
	run sbx_user --profile "$dir/lsm.profile" -- touch /out/ran-user
	echo "$output"
	[ "$status" -eq 0 ]
	[ -e "$dir/out/ran-user" ]
	[[ "$output" == *"warning: file rule exec-allow /usr/bin/true and 2 more are not enforced (BPF-LSM): sbx is not root"* ]]
	# The command line marks them optional as well.
	run sbx_user --lsm-rules optional --open-deny "$dir/secret" -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: file rule open-deny $dir/secret is not enforced"* ]]
	run sbx_user --quiet --lsm-rules optional --open-deny "$dir/secret" -- true
	[ -z "$output" ]
	_sbx_is_root || return 0
	host_refuses_bpf_lsm
	run sbx_root --profile "$dir/lsm.profile" -- touch /out/ran-root
	echo "$output"
	[ "$status" -eq 0 ]
	[ -e "$dir/out/ran-root" ]
	[[ "$output" == *"are not enforced (BPF-LSM): this kernel refuses BPF-LSM programs even to root"* ]]
}

@test "--explain lists the file rules and says they are not enforced here" {
	lsm_profile
	run sbx_user --profile "$dir/lsm.profile" --explain -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"file rules: NOT enforced, so sbx refuses to run"*"sbx is not root"* ]]
	[[ "$output" == *"exec-allow /usr/bin/true"*"refused"*"[$dir/lsm.profile:3]"* ]]
	[[ "$output" == *"open-deny  $dir/secret"*"refused"*"[$dir/lsm.profile:4]"* ]]
	run sbx_user --quiet --profile "$dir/lsm.profile" --lsm-rules optional --explain --json -- true
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
r = json.load(sys.stdin)["ebpf"]["lsm"]["rules"]
assert r["enforced"] is False and r["refused"] is False and r["requirement"] == "optional", r
assert [x["kind"] for x in r["rules"]] == ["exec-allow", "exec-allow", "open-deny"], r
assert all(x["status"] == "not enforced" for x in r["rules"]), r
assert "sbx is not root" in r["why"], r'
	_sbx_is_root || return 0
	host_refuses_bpf_lsm
	run sbx_root --quiet --profile "$dir/lsm.profile" --explain --json -- true
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
r = json.load(sys.stdin)["ebpf"]["lsm"]["rules"]
assert r["enforced"] is False and r["refused"] is True, r
assert "this kernel refuses BPF-LSM" in r["why"], r
assert r["rules"][2]["status"] == "refused" and r["rules"][2]["ino"] > 0, r'
}

@test "a missing file rule path is an error naming it; the -try form skips it" {
	printf 'exec-allow %s/nonexistent\n' "$dir" >"$dir/missing.profile"
	chmod 644 "$dir/missing.profile"
	run sbx_user --lsm-rules optional --profile "$dir/missing.profile" -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"exec-allow $dir/nonexistent ($dir/missing.profile:1): No such file or directory"* ]]
	printf 'open-deny-try %s/nonexistent\n' "$dir" >"$dir/try.profile"
	chmod 644 "$dir/try.profile"
	run sbx_user --quiet --lsm-rules optional --profile "$dir/try.profile" --explain -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"open-deny  $dir/nonexistent"*"skipped (missing)"* ]]
	run sbx_user --lsm-rules sometimes -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--lsm-rules 'sometimes': expected 'required' or 'optional'"* ]]
}
