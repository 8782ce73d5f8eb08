#!/usr/bin/env bats
# Profiles: lookup, overrides, inspection, the protection of the profile directories, and every
# shipped profile making its real program do real work as the unprivileged test user — plus the
# negative side (what each profile denies), each with a control showing the denied thing exists.

load ../lib/common

# The programs the shipped profiles are for (Debian package: command).
setup_file() {
	local pkg cmd missing=()
	for pair in curl:curl wget:wget git:git python3:python3 sqlite3:sqlite3 tar:tar gzip:gzip \
		openssh-client:ssh nginx:/usr/sbin/nginx; do
		pkg=${pair%%:*}
		cmd=${pair#*:}
		command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		# deps.sh keeps the installed nginx from starting on the host.
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
}

setup() {
	user_tmpdir work sbx-prof
	AS_USER_CWD=$work
	secret_dir=$TEST_HOME/.ssh
	created_ssh=
	if [ ! -e "$secret_dir" ]; then
		mkdir -m 0700 "$secret_dir"
		chown "$TEST_UID:$TEST_GID" "$secret_dir"
		created_ssh=1
	fi
	make_user_file "$secret_dir/id_sbxtest" "SECRET-KEY-MATERIAL"
}

teardown() {
	[ -n "$created_ssh" ] && cleanup_path "$secret_dir"
	sbx_cleanup
}

# ---- helpers ----

# ---- inspection ----

@test "profile check: every shipped profile and include is valid" {
	run sbx_user profile check "$SBX_PROFILES_DIR"/*.profile "$SBX_PROFILES_DIR"/*.inc
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"curl.profile: ok"* ]]
	[[ $output == *"network.inc: ok"* ]]
}

@test "profile check: one line per problem with file:line:column and the offending text; exit 1" {
	cat >"$work/bad.profile" <<-'EOF'
		# a comment
		net none
		frobnicate now
		bind ${NOPE}/x
		mask x
		include network
		memory-max 12Q
	EOF
	run sbx_user profile check "$work/bad.profile"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ ${lines[0]} == "$work/bad.profile:3:1: unknown directive: 'frobnicate'" ]]
	[[ ${lines[1]} == "$work/bad.profile:4:6: unknown variable: '\${NOPE}'"* ]]
	[[ ${lines[2]} == "$work/bad.profile:5:6: expected an absolute path without '.' or '..' components: 'x'" ]]
	[[ ${lines[3]} == "$SBX_PROFILES_DIR/network.inc:2:1: loosens 'net none' set at $work/bad.profile:2;"* ]]
	[[ ${lines[4]} == "$work/bad.profile:7:12: memory-max '12Q'"* ]]
	run sbx_user profile check --json "$work/bad.profile"
	[ "$status" -eq 1 ]
	printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ok"] is False and len(d["errors"]) == 5, d
e = d["errors"][0]
assert e["line"] == 3 and e["column"] == 1 and e["text"] == "frobnicate", d'
}

@test "profile show: the effective lines of curl, each with the file:line it came from" {
	run sbx_user profile show curl
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"$SBX_PROFILES_DIR/curl.profile:4: include network"* ]]
	[[ $output == *"$SBX_PROFILES_DIR/network.inc:2: net host"* ]]
	[[ $output == *"$SBX_PROFILES_DIR/curl.profile:6: bind-try $work"* ]]
	run sbx_user profile show --json curl
	[ "$status" -eq 0 ]
	printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["profile"] == "curl" and not d["default_used"], d
assert {"file": sys.argv[1] + "/network.inc", "line": 2, "text": "net host", "override": False, "note": None} in d["lines"], d' \
		"$SBX_PROFILES_DIR"
}

@test "an app without a profile runs under the strict default, and sbx says so unless --quiet" {
	run sbx_user sh -c 'ls -A "$HOME" | wc -l; readlink /proc/self/ns/net'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "sbx: note: no profile for 'sh'; using the default profile ($SBX_PROFILES_DIR/default.profile)"* ]]
	[ "${lines[1]}" = 0 ]
	host_net=$(as_user readlink /proc/self/ns/net)
	[ "${lines[2]}" != "$host_net" ]
	run sbx_user --quiet sh -c 'echo quiet'
	[ "$status" -eq 0 ]
	[ "$output" = quiet ]
}

@test "as root too: the default profile applies and is announced" {
	run sbx_root sh -c 'id -u'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "sbx: note: no profile for 'sh'; using the default profile"* ]]
	# From /, the working directory is left out, and a note says why.
	[[ ${lines[1]} == *'${CWD} is not defined: the working directory / contains your home directory'* ]]
	[ "${lines[2]}" = 65534 ]
}

# ---- overrides and the rules that keep them visible ----

@test "APP.local in the user directory is read after the shipped profile; loosening needs 'override'" {
	host_net=$(as_user readlink /proc/self/ns/net)
	# tar.profile says 'net none'; a plain 'net host' in tar.local is refused, naming both lines.
	user_profile tar.local 'net host'
	run sbx_user --profile tar sh -c 'readlink /proc/self/ns/net'
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"tar.local:1:1: loosens 'net none' set at $SBX_PROFILES_DIR/tar.profile:"* ]]
	user_profile tar.local 'override net host'
	run sbx_user --profile tar sh -c 'readlink /proc/self/ns/net'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "sbx: note: $TEST_HOME/.config/sbx/profiles/tar.local:1: override loosens 'net none'"* ]]
	[ "${lines[1]}" = "$host_net" ]
	run sbx_user profile show tar
	[[ $output == *"tar.local:1: override net host"* ]]
}

@test "an include can never loosen what came before it, nor relax a protection" {
	user_profile loose.inc 'net host'
	user_profile strict.profile $'net none\ninclude loose'
	run sbx_user --profile strict true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"loose.inc:1:1: loosens 'net none' set at $TEST_HOME/.config/sbx/profiles/strict.profile:1; an include"* ]]
	user_profile relax.inc 'allow devel'
	user_profile devel.profile 'include relax'
	run sbx_user --profile devel true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"relax.inc:1:1: relaxes an always-on protection"* ]]
}

@test "the user directory shadows the distro profile; --profile NAME|PATH picks one" {
	user_profile gzip.profile 'hostname users-gzip'
	run sbx_user gzip --version
	[ "$status" -eq 0 ]
	run sbx_user --profile gzip hostname
	[ "$output" = users-gzip ]
	printf 'hostname from-path\n' >"$work/mine.profile"
	run sbx_user --profile "$work/mine.profile" hostname
	[ "$output" = from-path ]
	run sbx_user --profile no-such-profile true
	[ "$status" -eq 125 ]
	[[ $output == *"profile 'no-such-profile' (looked for no-such-profile.profile in $TEST_HOME/.config/sbx/profiles, /etc/sbx/profiles, $SBX_PROFILES_DIR)"* ]]
}

# firejail #7154: a sandboxed app must never plant a profile or .local for its next launch.
@test "the sandbox cannot write a profile directory even when a profile grants ~/.config read-write" {
	[ -d "$TEST_HOME/.config" ] || cleanup_path "$TEST_HOME/.config"
	rm -rf "$TEST_HOME/.config/sbx"  # absent on the host, whatever earlier tests left
	as_user mkdir -p "$TEST_HOME/.config"
	cleanup_path "$TEST_HOME/.config/sbx"
	printf 'bind ${XDG_CONFIG_HOME}\n' >"$work/config-rw.profile"
	# Without ~/.config/sbx on the host: the app may not create it.
	run sbx_user --profile "$work/config-rw.profile" sh -c '
		echo probe > "$HOME/.config/ok-file" && echo config-writable
		mkdir -p "$HOME/.config/sbx/profiles" && echo made-dir
		echo "override net host" > "$HOME/.config/sbx/profiles/curl.local" && echo planted'
	echo "$output"
	[[ $output == *config-writable* ]]
	[[ $output != *made-dir* && $output != *planted* ]]
	[ ! -e "$TEST_HOME/.config/sbx/profiles/curl.local" ]
	[ -f "$TEST_HOME/.config/ok-file" ]
	rm -f "$TEST_HOME/.config/ok-file"
	# The empty read-only directory that stood in for it needed a mount point, which stays on the
	# host (sbx-profile(5)); nothing may be in it.
	if [ -e "$TEST_HOME/.config/sbx" ]; then
		[ -d "$TEST_HOME/.config/sbx" ]
		[ -z "$(ls -A "$TEST_HOME/.config/sbx")" ]
	fi
	# With the directory present (a user profile exists): still read-only inside.
	as_user mkdir -p "$TEST_HOME/.config/sbx/profiles"
	user_profile config-rw.profile 'bind ${XDG_CONFIG_HOME}'
	run sbx_user --profile config-rw sh -c '
		echo "override net host" > "$HOME/.config/sbx/profiles/x.local" && echo planted
		echo "net host" >> "$HOME/.config/sbx/profiles/config-rw.profile" && echo appended
		mkdir "$HOME/.config/sbx/new" && echo made-dir'
	echo "$output"
	[[ $output != *planted* && $output != *appended* && $output != *made-dir* ]]
	[ ! -e "$TEST_HOME/.config/sbx/profiles/x.local" ]
	[ ! -e "$TEST_HOME/.config/sbx/new" ]
	[ "$(cat "$TEST_HOME/.config/sbx/profiles/config-rw.profile")" = 'bind ${XDG_CONFIG_HOME}' ]
}

# A writable grant of a directory the user cannot write into (another owner's): no mount point can
# be made for the missing profile directory, and none is needed, as the app cannot create it either.
@test "a writable grant the user cannot write into runs; the missing profile directory stays impossible to create" {
	needs_root
	local cfg=$work/root-owned-config
	mkdir -m 0755 "$cfg"
	run as_user env XDG_CONFIG_HOME="$cfg" "$SBX" --quiet --bind "$cfg" -- sh -c '
		test -d "$XDG_CONFIG_HOME" && echo sees-it
		mkdir -p "$XDG_CONFIG_HOME/sbx/profiles" && echo made-dir'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *sees-it* && $output == *"Permission denied"* && $output != *made-dir* ]]
	[ -z "$(ls -A "$cfg")" ]
}

@test "\${CWD} is never the whole home: a profile granting it refuses to start from ~" {
	local at
	at=$(grep -n '^include cwd$' "$SBX_PROFILES_DIR/tar.profile" | cut -d: -f1)
	run as_user_in "$TEST_HOME" "$SBX" tar --version
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *'cwd.inc:3:6: ${CWD} is not defined: the working directory '"$TEST_HOME"' is your home directory (included from '"$SBX_PROFILES_DIR/tar.profile:$at)"* ]]
	# A -try grant is skipped with a note instead (curl still works on stdout).
	run as_user_in "$TEST_HOME" "$SBX" curl --version
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "sbx: note: $SBX_PROFILES_DIR/curl.profile:6: skipped: \${CWD} is not defined"* ]]
}

# ---- the shipped profiles doing real work ----

@test "curl fetches from a loopback server into the working directory, and cannot read ~/.ssh" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo "hello from the host" >"$BATS_TEST_TMPDIR/www/hello.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user curl -sS -o got.txt "http://127.0.0.1:$port/hello.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/got.txt")" = "hello from the host" ]
	# Negative: the key exists and the user can read it outside, but not through curl.
	as_user cat "$secret_dir/id_sbxtest" | grep -q SECRET
	run sbx_user curl -sS "file://$secret_dir/id_sbxtest"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
	# Nor can it leave files in the home.
	run sbx_user curl -sS -o "$TEST_HOME/dropped.txt" "http://127.0.0.1:$port/hello.txt"
	[ ! -e "$TEST_HOME/dropped.txt" ]
}

@test "wget downloads into the working directory, and writes nothing elsewhere on the host" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo "wget payload" >"$BATS_TEST_TMPDIR/www/file.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user wget -q "http://127.0.0.1:$port/file.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/file.txt")" = "wget payload" ]
	other=$(mktemp -d /var/tmp/sbx-prof-other.XXXXXX)
	cleanup_path "$other"
	chown "$TEST_UID:$TEST_GID" "$other"
	run sbx_user wget -q -O "$other/out.txt" "http://127.0.0.1:$port/file.txt"
	[ ! -e "$other/out.txt" ]
	run sbx_user wget -q -O "$TEST_HOME/.bashrc-sbx" "http://127.0.0.1:$port/file.txt"
	[ ! -e "$TEST_HOME/.bashrc-sbx" ]
}

@test "git clones over http and commits in the working directory; it cannot read ~/.ssh" {
	srv=$BATS_TEST_TMPDIR/srv
	mkdir -p "$srv"
	git init -q "$srv/src"
	echo "first" >"$srv/src/README"
	git -C "$srv/src" add README
	git -C "$srv/src" -c user.name=host -c user.email=host@example.org commit -q -m "host commit"
	git clone -q --bare "$srv/src" "$srv/repo.git"
	git -C "$srv/repo.git" update-server-info
	chmod -R a+rX "$srv"
	start_http "$srv"
	run sbx_user git clone -q "http://127.0.0.1:$port/repo.git" clone
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/clone/README")" = first ]
	run as_user_in "$work/clone" "$SBX" git -c user.name=sandbox -c user.email=s@example.org \
		commit -q --allow-empty -m "made in the sandbox"
	echo "$output"
	[ "$status" -eq 0 ]
	run as_user git -C "$work/clone" log --format=%s
	[ "${lines[0]}" = "made in the sandbox" ]
	[ "${lines[1]}" = "host commit" ]
	run as_user_in "$work/clone" "$SBX" git hash-object "$secret_dir/id_sbxtest"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"id_sbxtest"* ]]
}

@test "python3 runs a script from the working directory and writes there; it cannot reach the loopback server" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo x >"$BATS_TEST_TMPDIR/www/x"
	start_http "$BATS_TEST_TMPDIR/www"
	# Control: the server answers on the host.
	as_user /usr/bin/python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/x')"
	make_user_file "$work/data.txt" "input data"
	cat >"$work/script.py" <<-EOF
		import errno, socket
		print("read:", open("data.txt").read().strip())
		try:
		    open("out.txt", "w").write("x")
		    print("write: ok")
		except OSError as e:
		    print("write:", errno.errorcode[e.errno])
		try:
		    socket.create_connection(("127.0.0.1", $port), timeout=5)
		    print("connect: ok")
		except OSError as e:
		    print("connect:", errno.errorcode.get(e.errno, e))
		try:
		    open("$secret_dir/id_sbxtest").read()
		    print("secret: read")
		except OSError as e:
		    print("secret:", errno.errorcode[e.errno])
	EOF
	chmod 0644 "$work/script.py"
	run sbx_user python3 script.py
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "read: input data" ]
	[ "${lines[1]}" = "write: ok" ]
	[ "${lines[2]}" = "connect: ECONNREFUSED" ]
	[ "${lines[3]}" = "secret: ENOENT" ]
	[ "$(cat "$work/out.txt")" = x ]
}

@test "as root: python3 runs under its profile as nobody with no network" {
	make_user_file "$work/hello.py" 'import os; print("uid", os.getuid())'
	AS_ROOT_CWD=$work run sbx_root python3 hello.py
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "uid 65534" ]
	# The working directory belongs to the test user: sbx says nobody cannot write it.
	[[ "${lines[0]}" == "sbx: note: started by root, the command runs as nobody (uid 65534), which cannot write the working directory $work;"* ]]
}

@test "sqlite3 writes a database in the working directory that persists on the host; it cannot read ~/.ssh" {
	run sbx_user sqlite3 test.db "create table t(x); insert into t values (42);"
	echo "$output"
	[ "$status" -eq 0 ]
	run as_user sqlite3 "$work/test.db" "select x from t"
	[ "$output" = 42 ]
	make_user_file "$work/visible.txt" "visible"
	run sbx_user sqlite3 :memory: "select readfile('visible.txt'); select coalesce(readfile('$secret_dir/id_sbxtest'), 'NULL');"
	echo "$output"
	[ "${lines[0]}" = visible ]
	[ "${lines[1]}" = NULL ]
}

@test "tar archives a granted directory and cannot read outside it" {
	mkdir -p "$work/project/sub"
	echo one >"$work/project/a.txt"
	echo two >"$work/project/sub/b.txt"
	chown -R "$TEST_UID:$TEST_GID" "$work/project"
	run sbx_user tar -czf project.tgz project
	echo "$output"
	[ "$status" -eq 0 ]
	run as_user tar -tzf "$work/project.tgz"
	[[ $output == *"project/sub/b.txt"* ]]
	# The host has the file and the user can read it; tar in the sandbox cannot.
	as_user test -r "$secret_dir/id_sbxtest"
	run sbx_user tar -czf keys.tgz "$secret_dir"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"Cannot stat"* ]]
	run as_user tar -tzf "$work/keys.tgz"
	[[ $output != *id_sbxtest* ]]
}

@test "gzip compresses a file in the working directory and cannot read ~/.ssh" {
	make_user_file "$work/notes.txt" "some text to compress"
	run sbx_user gzip notes.txt
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$work/notes.txt" ]
	[ "$(as_user gzip -dc "$work/notes.txt.gz")" = "some text to compress" ]
	run sbx_user gzip -c "$secret_dir/id_sbxtest"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "ssh reads ~/.ssh/config and reaches the network, but cannot change ~/.ssh or see the rest of home" {
	# A TCP listener that records the connection and greets like a broken server.
	lport=$(free_port)
	spawn_bg lpid "$BATS_TEST_TMPDIR/listen.log" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); open(sys.argv[2], "w").write("connected\n"); c.sendall(b"not-ssh\r\n"); c.close()' \
		"$lport" "$BATS_TEST_TMPDIR/accepted"
	wait_until 10 grep -q ready "$BATS_TEST_TMPDIR/listen.log"
	make_user_file "$secret_dir/config" "$(printf 'Host sbxtarget\n  HostName 127.0.0.1\n  Port %s\n  User sbxprobe\n' "$lport")"
	chmod 0600 "$secret_dir/config"
	run sbx_user ssh -G sbxtarget
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"hostname 127.0.0.1"* && $output == *"port $lport"* && $output == *"user sbxprobe"* ]]
	run sbx_user ssh -o BatchMode=yes -o ConnectTimeout=5 sbxtarget true
	echo "$output"
	[ "$status" -eq 255 ]
	[[ $output != *"Connection refused"* && $output != *"unreachable"* ]]
	[ -e "$BATS_TEST_TMPDIR/accepted" ]
	# ~/.ssh is read-only and the rest of the home is hidden.
	make_user_file "$TEST_HOME/other.conf" "Host x"
	run sbx_user ssh -F "$TEST_HOME/other.conf" -G x
	[ "$status" -ne 0 ]
	[[ $output == *"other.conf"* ]]
	run sbx_user --profile ssh sh -c "echo '# planted' >> '$secret_dir/config'"
	[ "$status" -ne 0 ]
	[[ $(cat "$secret_dir/config") != *planted* ]]
}

# nginx_conf PORT [ACCESS_LOG]: a configuration for an unprivileged nginx serving $work/site.
nginx_conf() {
	cat <<-EOF
		pid /tmp/nginx.pid;
		error_log stderr;
		events { worker_connections 16; }
		http {
		    access_log ${2:-off};
		    client_body_temp_path /tmp/client_body;
		    proxy_temp_path /tmp/proxy;
		    fastcgi_temp_path /tmp/fastcgi;
		    uwsgi_temp_path /tmp/uwsgi;
		    scgi_temp_path /tmp/scgi;
		    server { listen 127.0.0.1:$1; root $work/site; }
		}
	EOF
}

# A free TCP port in 8000-8999, the range nginx.profile may listen on.
free_nginx_port() {
	local p
	for _ in $(seq 100); do
		p=$((8000 + RANDOM % 1000))
		port_open "$p" || { echo "$p"; return 0; }
	done
	return 1
}

@test "nginx, run by a user, serves a granted directory on a loopback port to a client outside the sandbox" {
	mkdir "$work/site"
	echo "<p>served by sbx nginx</p>" >"$work/site/index.html"
	nport=$(free_nginx_port)
	nginx_conf "$nport" >"$work/nginx.conf"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	# A server is not given its working directory: the site is granted by name.
	spawn_sbx npid "$BATS_TEST_TMPDIR/nginx.log" user --ro-bind "$work" /usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -e stderr \
		-g 'daemon off;'
	wait_until 15 port_open "$nport" || { cat "$BATS_TEST_TMPDIR/nginx.log"; false; }
	run as_user curl -sS "http://127.0.0.1:$nport/index.html"
	echo "$output"
	[ "$output" = "<p>served by sbx nginx</p>" ]
	kill -TERM "$npid"
	wait "$npid" || true
	! port_open "$nport"
}

@test "nginx may not listen outside its ports nor write into the directory it serves" {
	mkdir "$work/site"
	echo hi >"$work/site/index.html"
	port=$(free_port)
	while [ "$port" -ge 8000 ] && [ "$port" -le 8999 ]; do port=$(free_port); done
	nginx_conf "$port" >"$work/nginx.conf"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	run sbx_user --timeout 20s --ro-bind "$work" /usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -e stderr -g 'daemon off;'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"bind() to 127.0.0.1:$port failed (13: Permission denied)"* ]]
	# Control: the same port is free for a process outside the sandbox.
	as_user /usr/bin/python3 -c "import socket; socket.socket().bind(('127.0.0.1', $port))"
	# Logging into the served directory fails: it is read-only.
	nginx_conf "$(free_nginx_port)" "$work/site/access.log" >"$work/nginx.conf"
	run sbx_user --timeout 20s --ro-bind "$work" /usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -e stderr -g 'daemon off;'
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"access.log"*"Read-only file system"* ]]
	[ ! -e "$work/site/access.log" ]
}

@test "the default profile grants a project working directory read-write, never the home, and says why it left it out" {
	local proj=$TEST_HOME/sbx-proj-$$
	as_user mkdir -p "$proj"
	cleanup_path "$proj"
	as_user sh -c "echo '{\"a\": 1}' > '$proj/d.json'"
	AS_USER_CWD=$proj run sbx_user -q -- sh -c 'cat d.json; echo kept > new.txt; pwd'
	[ "$status" -eq 0 ]
	[[ $output == *'"a": 1'* ]] && [[ $output == *"$proj"* ]]
	[ "$(cat "$proj/new.txt")" = kept ]
	# From the home: left out, with the reason and the flag that grants a directory.
	AS_USER_CWD=$TEST_HOME run sbx_user -- sh -c 'echo lost > sbx-default-new.txt'
	[[ $output == *"\${CWD} is not defined: the working directory $TEST_HOME is your home directory (grant a directory with --bind DIR)"* ]]
	[ ! -e "$TEST_HOME/sbx-default-new.txt" ]
}
