#!/usr/bin/env bats
# Servers started by root: `user NAME` / --user, `caps-keep net_bind_service` / --caps-keep, and
# Debian's nginx with its stock /etc/nginx, started exactly as README's unit does. Every nginx run
# is inside a network namespace (and a mount namespace, for its log directory) that the test makes
# itself, so ports 80 and 443 and /var/log/nginx of the host are never touched.

load ../lib/common

setup() {
	dir=$(mktemp -d /var/tmp/sbx-server.XXXXXX)
	chmod 755 "$dir"
	cleanup_path "$dir"
	# bind.py PORT...: binds 127.0.0.1:PORT over TCP, prints "PORT ok" or "PORT ERRNO".
	cat >"$dir/bind.py" <<'EOF'
import errno, socket, sys
for port in sys.argv[1:]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", int(port)))
        res = "ok"
    except OSError as e:
        res = errno.errorcode.get(e.errno, str(e.errno))
    s.close()
    print(port, res)
EOF
	chmod 644 "$dir/bind.py"
}

teardown() {
	sbx_cleanup
	[ -z "${made_user:-}" ] || userdel "$made_user" 2>/dev/null || true
	[ -z "${made_group:-}" ] || groupdel "$made_group" 2>/dev/null || true
}

# in_netns CMD...: CMD as root in a new network namespace with lo up, from /.
in_netns() {
	unshare -n sh -c 'ip link set lo up && cd / && exec "$@"' sh "$@"
}

# children PID: the pids whose parent is PID.
children() { pgrep -P "$1" || true; }

@test "nginx as root from / with Debian's stock /etc/nginx: www-data, port 80, logs, confined" {
	needs_root
	[ -x /usr/sbin/nginx ] || { echo "nginx is not installed (make deps installs it)" >&2; return 1; }
	# /var/log/nginx as Debian's postinst leaves it, in a mount namespace of the test's own.
	mkdir "$dir/log"
	chown root:adm "$dir/log"
	install -o www-data -g adm -m 640 /dev/null "$dir/log/access.log"
	install -o www-data -g adm -m 640 /dev/null "$dir/log/error.log"
	# README's unit line, ExecStart=sbx nginx -g 'daemon off;', from / with a clean environment.
	spawn_bg sbx_pid "$dir/out" unshare -m -n --propagation private sh -c '
		mount --bind "$1" /var/log/nginx && ip link set lo up && cd / &&
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SBX_PROFILES_DIR="$2" "$3" nginx -g "daemon off;"' \
		sh "$dir/log" "$SBX_PROFILES_DIR" "$SBX"
	fetch() { nsenter -t "$sbx_pid" -n curl -sS -m 5 -o "$dir/page" -w '%{http_code}' http://127.0.0.1/; }
	wait_until 10 fetch || { cat "$dir/out" >&2; echo "nginx did not answer on port 80" >&2; return 1; }
	run fetch
	[ "$output" = 200 ]
	grep -q "Welcome to nginx" "$dir/page"
	# The request is in the host's file, which www-data owns.
	wait_until 5 grep -q '"GET / HTTP/1.1" 200' "$dir/log/access.log"
	[ "$(stat -c %U "$dir/log/access.log")" = www-data ]
	# The master and its workers are www-data (uid, gid and groups), with no capabilities.
	init=$(children "$sbx_pid")
	master=$(children "$init")
	workers=$(children "$master")
	[ -n "$master" ] && [ -n "$workers" ]
	for pid in $master $workers; do
		grep -Eq '^Uid:\s+33\s+33\s+33\s+33$' "/proc/$pid/status"
		grep -Eq '^Gid:\s+33\s+33\s+33\s+33$' "/proc/$pid/status"
		grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
		grep -Eq '^CapBnd:\s+0+$' "/proc/$pid/status"
	done
	grep -q 'worker process' "/proc/$(echo "$workers" | head -1)/cmdline"
	# Stopping sbx stops nginx; nothing is left.
	kill -TERM "$sbx_pid"
	wait_until 10 sh -c "! kill -0 $sbx_pid 2>/dev/null"
	for pid in $master $workers; do
		! kill -0 "$pid" 2>/dev/null
	done
}

@test "the nginx profile's sandbox cannot write /etc/nginx or read /etc/shadow" {
	needs_root
	run in_netns env -i PATH=/usr/sbin:/usr/bin:/bin SBX_PROFILES_DIR="$SBX_PROFILES_DIR" "$SBX" -q \
		--profile nginx -- sh -c 'id -un; touch /etc/nginx/sbx-test; cat /etc/shadow'
	[ "${lines[0]}" = www-data ]
	[[ "$output" == *"/etc/nginx/sbx-test"*"Read-only file system"* ]]
	[[ "$output" == *"/etc/shadow: Permission denied"* ]]
	[ ! -e /etc/nginx/sbx-test ]
}

@test "--user: the command runs as the account with its groups; the files it writes are the account's" {
	needs_root
	made_group=sbx-t-srvg
	made_user=sbx-t-srv
	groupadd "$made_group"
	useradd -M -N -g nogroup -G "$made_group" -s /usr/sbin/nologin "$made_user"
	uid=$(id -u "$made_user")
	gid=$(getent group "$made_group" | cut -d: -f3)
	# Only the supplementary group may write here.
	mkdir "$dir/shared"
	chgrp "$made_group" "$dir/shared"
	chmod 2070 "$dir/shared"
	AS_ROOT_CWD=/ run_root -q --user "$made_user" --bind "$dir/shared" -- \
		sh -c "id -u; touch $dir/shared/f && echo wrote"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$uid" ]
	[ "${lines[1]}" = wrote ]
	[ "$(stat -c %u:%g "$dir/shared/f")" = "$uid:$gid" ]
	run_root -q --explain --json --user "$made_user" true
	echo "$output" | jq -e --arg u "$made_user" --argjson uid "$uid" --argjson g "$gid" \
		'.user == $u and .uid == $uid and (.groups | index($g)) != null and .caps_keep == []'
}

@test "--user and --caps-keep: refused to a user, to root's accounts and for unknown names" {
	needs_root
	run_user --user www-data true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "sbx: --user: only root can"* ]]
	run_user --caps-keep net_bind_service true
	[ "$status" -eq 125 ]
	[[ "$output" == "sbx: --caps-keep: only root can"* ]]
	run_root --user sbx-no-such-account true
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: user sbx-no-such-account (command line): no such account" ]
	run_root --user root true
	[ "$status" -eq 125 ]
	[[ "$output" == *"never runs a command as root"* ]]
	run_root --caps-keep sys_admin true
	[ "$status" -eq 125 ]
	[ "$output" = "sbx: --caps-keep 'sys_admin': net_bind_service is the only capability sbx can keep" ]
	# Without a bind rule there is no port to grant.
	run_root --caps-keep net_bind_service true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no bind rule names the ports"* ]]
}

@test "a profile's user and caps-keep lines do not apply to a user's run, with a note" {
	needs_root
	AS_USER_CWD=/ run_user --profile nginx -- id -u
	[ "$status" -eq 0 ]
	[[ "$output" == *"'user www-data' ("*"nginx.profile:"*") applies only when root starts sbx; the command runs as you"* ]]
	[[ "$output" == *"'caps-keep net_bind_service' ("*") applies only when root starts sbx"* ]]
	[ "${lines[-1]}" = "$TEST_UID" ]
}

@test "caps-keep net_bind_service: granted ports below 1024 bind on the host network and in the sandbox's own, others do not" {
	needs_root
	opts=(-q --user www-data --bind-port 80 --bind-port 8080 --ro-bind "$dir/bind.py")
	# The control: without caps-keep, port 80 needs a capability the command never has.
	run in_netns "$SBX" "${opts[@]}" --net host -- python3 "$dir/bind.py" 80 81 8080
	[ "$status" -eq 0 ]
	[ "$output" = $'80 EACCES\n81 EPERM\n8080 ok' ]
	run in_netns "$SBX" "${opts[@]}" --net host --caps-keep net_bind_service -- python3 "$dir/bind.py" 80 81 8080
	[ "$status" -eq 0 ]
	[ "$output" = $'80 ok\n81 EPERM\n8080 ok' ]
	run_root "${opts[@]}" --caps-keep net_bind_service -- python3 "$dir/bind.py" 80 81
	[ "$output" = $'80 ok\n81 EPERM' ]
	# No capability is held for it.
	run_root "${opts[@]}" --caps-keep net_bind_service -- grep -E '^Cap(Eff|Prm|Amb|Bnd)' /proc/self/status
	[ "$(echo "$output" | grep -cE ':\s+0+$')" -eq 4 ]
	run_root --explain --user www-data --caps-keep net_bind_service --bind-port 80 --net host true
	[[ "$output" == *"privileged ports (caps-keep net_bind_service, command line): *:80 may be bound: the eBPF bind programs"* ]]
	run_root -q --explain --json --caps-keep net_bind_service --bind-port 80 true
	echo "$output" | jq -e '.caps_keep == ["net_bind_service"] and .privileged_ports.enforced and .privileged_ports.rules == ["*:80"]'
}

@test "root: a note when the command cannot write the working directory it was granted" {
	needs_root
	mkdir "$dir/work"
	AS_ROOT_CWD="$dir/work" run_root --bind "$dir/work" -- touch x
	[ "$status" -ne 0 ]
	[[ "$output" == *"sbx: note: started by root, the command runs as nobody (uid 65534), which cannot write the working directory $dir/work; sbx never runs it as root: use --user NAME"* ]]
	[[ "$output" == *"Permission denied"* ]]
	# Not when it can, and not with --quiet.
	chown nobody "$dir/work"
	AS_ROOT_CWD="$dir/work" run_root --bind "$dir/work" -- touch x
	[ "$status" -eq 0 ]
	[[ "$output" != *"cannot write the working directory"* ]]
	chown root "$dir/work"
	AS_ROOT_CWD="$dir/work" run_root -q --bind "$dir/work" -- true
	[[ "$output" != *"note"* ]]
}
