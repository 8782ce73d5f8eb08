#!/usr/bin/env bats
# Server profiles of the corpus (issue 14) as the test user AND as root: postgres (a cluster
# initialised and served from a granted directory, queried with psql from outside) and dnsmasq
# started by root (it runs as nobody; its answers to clients leave from the port it was granted).

load ../lib/common

PGBIN=/usr/lib/postgresql/15/bin

setup_file() {
	if [ ! -x "$PGBIN/postgres" ] || ! command -v psql >/dev/null || [ ! -x /usr/sbin/dnsmasq ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: postgresql, dnsmasq-base (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" postgresql dnsmasq-base
	fi
}

setup() {
	plant_secret id_sbxservers
}

# ---- postgres ----

# check_postgres WHO OWNER: initdb in DIR, postgres on a loopback port in 5432-5499, psql from
# outside; the server's files are OWNER's; COPY to a path outside its grants does not reach the
# host, nor does pg_read_file reach ~/.ssh.
check_postgres() {
	local who=$1 owner=$2 dir port pid out
	dir=$(mktemp -d /var/tmp/sbx-pg.XXXXXX)
	cleanup_path "$dir" "/var/tmp/sbx-pg-outside-$$"
	chown "$owner:$owner" "$dir"
	chmod 0755 "$dir"
	if [ "$who" = root ]; then export AS_ROOT_CWD=$dir; else export AS_USER_CWD=$dir; fi
	run sbx_as "$who" "$PGBIN/initdb" -D "$dir/data" -A trust -U tester --no-sync
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *"no profile for"* ]]
	[ "$(stat -c %U "$dir/data/PG_VERSION")" = "$owner" ]
	port=$(free_port_in 5432 5499)
	out=$BATS_TEST_TMPDIR/pg.log
	spawn_sbx pid "$out" "$who" "$PGBIN/postgres" -D "$dir/data" -k "$dir/data" -p "$port" \
		-c listen_addresses=127.0.0.1
	wait_until 30 port_open "$port" || { cat "$out"; false; }
	q() { psql -h 127.0.0.1 -p "$port" -U tester -d postgres -Atq -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
	run q "create table corpus (x int); insert into corpus values (42), (58); select sum(x) from corpus"
	echo "$output"
	[ "$output" = 100 ]
	# The server's uid inside, as the kernel sees it.
	run q "select pg_read_file('/proc/self/status')"
	[[ $output == *$'\nUid:\t'"$(id -u "$owner")"$'\t'* ]]
	# Denied: a file written outside the grants (/var/tmp inside is private), and ~/.ssh.
	run q "copy corpus to '/var/tmp/sbx-pg-outside-$$'"
	echo "$output"
	[ ! -e "/var/tmp/sbx-pg-outside-$$" ]
	run q "select pg_read_file('$secret')"
	echo "$output"
	[[ $output == *"No such file or directory"* ]] || [[ $output == *"ermission denied"* ]]
	[[ $output != *SECRET* ]]
	kill -INT "$pid"
	wait "$pid" || true
	grep -q "database system is shut down" "$out"
	# The control for ~/.ssh: the key is there for the test user outside the sandbox.
	as_user grep -q SECRET "$secret"
}

@test "postgres[user]: initdb and postgres in a granted directory serve psql on loopback; ~/.ssh and writes outside are denied" {
	check_postgres user "$TEST_USER"
}

@test "postgres[root]: started by root, initdb and postgres run as the postgres account and serve psql on loopback" {
	needs_root
	check_postgres root postgres
}

# ---- dnsmasq started by root ----

@test "dnsmasq[root]: started by root it runs as nobody, answers DNS on loopback from its granted port; other ports are refused" {
	needs_root
	local dir dport pid
	dir=$(mktemp -d /var/tmp/sbx-dns.XXXXXX)
	cleanup_path "$dir"
	chmod 0755 "$dir"
	echo "10.9.8.7 printer.corpus.test" >"$dir/hosts"
	: >"$dir/empty.conf"
	chmod 0644 "$dir/hosts" "$dir/empty.conf"
	dport=5300
	while port_open "$dport" || ss -Hlun "sport = :$dport" | grep -q .; do dport=$((dport + 1)); done
	spawn_sbx pid "$BATS_TEST_TMPDIR/dnsmasq.log" root /usr/sbin/dnsmasq --no-daemon --port "$dport" \
		--listen-address 127.0.0.1 --bind-interfaces --conf-file="$dir/empty.conf" --no-resolv --no-hosts \
		--addn-hosts="$dir/hosts" --address=/corpus.test/10.1.2.3 --pid-file=
	wait_until 20 eval 'ss -Hlun "sport = :$dport" | grep -q .' || { cat "$BATS_TEST_TMPDIR/dnsmasq.log"; false; }
	run dns_query "$dport" www.corpus.test
	echo "$output"
	cat "$BATS_TEST_TMPDIR/dnsmasq.log"
	[ "$output" = 10.1.2.3 ]
	[ "$(dns_query "$dport" printer.corpus.test)" = 10.9.8.7 ]
	# It runs as nobody (not root).
	local dpid
	dpid=$(pgrep -n -f -- "--addn-hosts=$dir/hosts" -x dnsmasq || pgrep -n -f -- "--addn-hosts=$dir/hosts")
	[ "$(ps -o uid= -p "$dpid" | tr -d ' ')" = 65534 ]
	kill -TERM "$pid"
	wait "$pid" || true
	grep -q "read $dir/hosts - 1 names" "$BATS_TEST_TMPDIR/dnsmasq.log"
	! grep -q "no profile for" "$BATS_TEST_TMPDIR/dnsmasq.log"
	# Port 5400 is outside the profile's ports: eBPF refuses the bind.
	run sbx_root --timeout 20s /usr/sbin/dnsmasq --no-daemon --port 5400 --listen-address 127.0.0.1 --bind-interfaces \
		--conf-file="$dir/empty.conf" --no-resolv --no-hosts --pid-file=
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"failed to create listening socket"*"not permitted"* ]]
	# Only a socket bound to a granted port may send where no net-connect rule lists: the same
	# datagram from an unbound socket (a client's) is refused.
	run sbx_root --quiet --profile dnsmasq /usr/bin/python3 -c '
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", ("127.0.0.1", 9)); print("unbound: sent")
except OSError as e:
    print("unbound:", e.strerror)
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t.bind(("127.0.0.1", port))
t.sendto(b"x", ("127.0.0.1", 9)); print("server: sent")' "$dport"
	echo "$output"
	[ "${lines[0]}" = "unbound: Operation not permitted" ]
	[ "${lines[1]}" = "server: sent" ]
}
