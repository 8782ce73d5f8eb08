#!/usr/bin/env bats
# Profile lookup by the name typed (names, symlinks, `sbx profile which`) and the shipped profiles
# doing their tool's ordinary job from outside the working directory: git from a subdirectory,
# ssh's known_hosts and agent, python3 writing its working directory, tar and gzip on paths named
# on the command line. Each as the unprivileged test user, each with something still denied.

load ../lib/common

setup_file() {
	local pair missing=()
	for pair in git:git python3:python3 tar:tar gzip:gzip openssh-client:ssh-agent; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

setup() {
	user_tmpdir work sbx-lookup
	AS_USER_CWD=$work
	ssh_dir=$TEST_HOME/.ssh
	if [ ! -e "$ssh_dir" ]; then
		mkdir -m 0700 "$ssh_dir"
		chown "$TEST_UID:$TEST_GID" "$ssh_dir"
		cleanup_path "$ssh_dir"
	fi
	make_user_file "$ssh_dir/id_sbxtest" "SECRET-KEY-MATERIAL"
}

# The versioned python3 (python3.11 on Debian 12), which /usr/bin/python3 links to.
python_versioned() { basename "$(readlink -f /usr/bin/python3)"; }

# ---- lookup ----

@test "profile which: the typed name, a 'names' claim, a symlink, or the default, on one line" {
	local py
	py=$(python_versioned)
	run sbx_user profile which python3
	[ "$output" = "python3: $SBX_PROFILES_DIR/python3.profile (typed name)" ]
	run sbx_user profile which "$py"
	echo "$output"
	[ "$output" = "$py: $SBX_PROFILES_DIR/python3.profile (via 'names' in $SBX_PROFILES_DIR/python3.profile)" ]
	run sbx_user profile which zcat
	[ "$output" = "zcat: $SBX_PROFILES_DIR/gzip.profile (via 'names' in $SBX_PROFILES_DIR/gzip.profile)" ]
	run sbx_user profile which sftp
	[ "$output" = "sftp: $SBX_PROFILES_DIR/scp.profile (via 'names' in $SBX_PROFILES_DIR/scp.profile)" ]
	# A link named after nothing, to python3, which links on to python3.N: the first name along
	# the chain that has a profile wins.
	ln -s /usr/bin/python3 "$work/mypy"
	run sbx_user profile which "$work/mypy"
	echo "$output"
	[ "$output" = "$work/mypy: $SBX_PROFILES_DIR/python3.profile (via symlink $work/mypy -> python3)" ]
	run sbx_user profile which sh
	[ "$output" = "sh: $SBX_PROFILES_DIR/default.profile (default: no profile for 'sh')" ]
	run sbx_user profile which --json "$py"
	printf '%s' "$output" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["profile"] == "python3" and d["how"] == "names" and d["name"] == sys.argv[1], d
assert d["symlink"] is None and d["path"].endswith("/python3.profile"), d' "$py"
}

@test "the typed name beats a name reached through a symlink; a user's names claim beats a shipped one" {
	ln -s /usr/bin/python3 "$work/mypy"
	user_profile mypy.profile 'hostname typed-name'
	run sbx_user profile which "$work/mypy"
	[ "$output" = "$work/mypy: $TEST_HOME/.config/sbx/profiles/mypy.profile (typed name)" ]
	user_profile myzip.profile $'names zcat\nhostname users-claim'
	run sbx_user profile which zcat
	[ "$output" = "zcat: $TEST_HOME/.config/sbx/profiles/myzip.profile (via 'names' in $TEST_HOME/.config/sbx/profiles/myzip.profile)" ]
	run sbx_user zcat --version
	[ "$status" -eq 0 ]
	[[ $output != *"no profile"* ]]
	run sbx_user --quiet --profile myzip hostname
	[ "$output" = users-claim ]
}

@test "a name claimed by two profiles of one directory is an error in profile check and at launch" {
	local dir=$work/profiles
	mkdir "$dir"
	printf 'names zcat gzcat-x\nnet none\n' >"$dir/one.profile"
	printf 'names gzcat-x\n' >"$dir/two.profile"
	printf 'names gzip\n' >"$dir/three.profile"
	cp "$SBX_PROFILES_DIR/gzip.profile" "$SBX_PROFILES_DIR/hardened.inc" "$dir/"
	chmod -R a+rX "$dir"
	run sbx_user profile check "$dir/one.profile" "$dir/three.profile"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"one.profile:1:7: also claimed by $dir/gzip.profile; a name belongs to one profile per directory: 'zcat'"* ]]
	[[ $output == *"one.profile:1:12: also claimed by $dir/two.profile"* ]]
	[[ $output == *"three.profile:1:7: has a profile of its own in this directory ($dir/gzip.profile), which wins: 'gzip'"* ]]
	run as_user env SBX_PROFILES_DIR="$dir" "$SBX" zcat --version
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"'zcat' is claimed by two profiles ('names'):"* ]]
	# 'names' is for profiles only.
	printf 'names foo\n' >"$dir/x.inc"
	run sbx_user profile check "$dir/x.inc"
	[[ $output == *"'names' belongs in a profile"* ]]
}

# The scan for a claim reads each profile whole up to the size limit of a profile (1 MiB): a claim
# after 40 KiB of comments counts; a file over the limit, a directory or a FIFO named *.profile
# claims nothing and does not stop the scan (nor hang it), nor the names index.
@test "a names claim deep in a long profile is found; oversized files, directories and FIFOs are passed over" {
	local dir=$work/profiles
	mkdir "$dir"
	{ for i in $(seq 1 800); do echo "# comment line $i of a long profile, to push the claim past 40 KiB"; done
	  printf 'names deepclaim\nhostname deep\n'; } >"$dir/long.profile"
	[ "$(stat -c %s "$dir/long.profile")" -gt 40960 ]
	{ head -c $((1024 * 1024 + 10)) /dev/zero | tr '\0' '#'; printf '\nnames bigclaim\n'; } >"$dir/big.profile"
	mkdir "$dir/adir.profile"
	mkfifo "$dir/fifo.profile"
	cp "$SBX_PROFILES_DIR/default.profile" "$dir/"
	chmod -R a+rX "$dir"
	run as_user env SBX_PROFILES_DIR="$dir" timeout 10 "$SBX" profile which deepclaim
	echo "$output"
	[ "$output" = "deepclaim: $dir/long.profile (via 'names' in $dir/long.profile)" ]
	run as_user env SBX_PROFILES_DIR="$dir" timeout 10 "$SBX" profile which bigclaim
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == "bigclaim: $dir/default.profile"* ]]
	# The names index passes over the same files, and gives the same answers.
	run as_root timeout 10 "$SBX" profile index "$dir"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$dir/.names-index: 2 profiles" ]
	run as_user env SBX_PROFILES_DIR="$dir" "$SBX" profile which deepclaim
	[ "$output" = "deepclaim: $dir/long.profile (via 'names' in $dir/long.profile)" ]
	run as_user env SBX_PROFILES_DIR="$dir" "$SBX" profile which bigclaim
	[[ $output == "bigclaim: $dir/default.profile"* ]]
}

# `sbx profile index DIR`, which the Debian package's trigger runs for the shipped profiles: with a
# fresh index a lookup reads one file instead of every profile; any change in the directory sends
# it back to the profiles (tests/unit/test_profile.c: edits, new files, who may write the index).
@test "profile index: a lookup reads the index instead of every profile, until the directory changes" {
	local dir=$work/profiles trace=$work/trace
	mkdir "$dir" "$trace"
	chown "$TEST_UID" "$trace"
	cp "$SBX_PROFILES_DIR"/*.profile "$SBX_PROFILES_DIR"/*.inc "$dir/"
	chmod -R a+rX "$dir"
	# LeakSanitizer (the ASan build) cannot run under ptrace.
	which_zcat() {
		as_user env ASAN_OPTIONS=detect_leaks=0 SBX_PROFILES_DIR="$dir" strace -e trace=openat -o "$trace/$1" \
			"$SBX" profile which zcat
	}
	# Profiles opened by name: the scan opens each, relative to the directory.
	profiles_read() { grep -cE 'openat\([^)]*\.profile"' "$trace/$1" || true; }
	run which_zcat before
	[ "$output" = "zcat: $dir/gzip.profile (via 'names' in $dir/gzip.profile)" ]
	[ "$(profiles_read before)" -gt 20 ]

	run as_root "$SBX" profile index "$dir"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$dir/.names-index: $(find "$dir" -name '*.profile' ! -name default.profile | wc -l) profiles" ]
	run which_zcat indexed
	[ "$output" = "zcat: $dir/gzip.profile (via 'names' in $dir/gzip.profile)" ]
	grep -q 'names-index' "$trace/indexed"
	[ "$(profiles_read indexed)" -eq 0 ]
	run as_user env SBX_PROFILES_DIR="$dir" "$SBX" --quiet -- /bin/true
	[ "$status" -eq 0 ]

	# An edit in place leaves the directory as it was; the profile's change time gives it away.
	printf '# edited\n' >>"$dir/gzip.profile"
	run which_zcat edited
	[ "$output" = "zcat: $dir/gzip.profile (via 'names' in $dir/gzip.profile)" ]
	[ "$(profiles_read edited)" -gt 20 ]

	run as_root "$SBX" profile index "$work/missing"
	[ "$status" -eq 1 ]
	[ "$output" = "sbx: cannot open the profile directory $work/missing: No such file or directory" ]

	# Without DIR: each search directory the caller owns (the user's own, here), else an error.
	local own=$TEST_HOME/.config/sbx/profiles
	if [ ! -d "$own" ]; then
		run sbx_user profile index
		[ "$status" -eq 1 ]
		[ "$output" = "sbx: no profile directory of yours to index; name one: sbx profile index DIR" ]
	fi
	user_profile mine.profile 'names mytool'
	cleanup_path "$own/.names-index"
	run sbx_user profile index
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$own/.names-index: $(find "$own" -name '*.profile' ! -name default.profile | wc -l) profiles" ]
	run sbx_user profile which mytool
	[ "$output" = "mytool: $own/mine.profile (via 'names' in $own/mine.profile)" ]
}

@test "python3.N and zcat run under their profiles, not the default" {
	local py
	py=$(python_versioned)
	make_user_file "$work/hello.py" 'print("hello from python")'
	run sbx_user "$py" hello.py
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from python" ]
	mkdir -m 0755 "$work/sub"
	chown "$TEST_UID:$TEST_GID" "$work/sub"
	printf 'zipped words\n' | gzip >"$work/words.gz"
	chmod 0644 "$work/words.gz"
	run as_user_in "$work/sub" "$SBX" zcat ../words.gz
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "zipped words" ]
	# Still denied: a file the command line does not name, and ~/.ssh even when named.
	gzip -c /etc/hostname >"$ssh_dir/k.gz"
	chown "$TEST_UID:$TEST_GID" "$ssh_dir/k.gz"
	cleanup_path "$ssh_dir/k.gz"
	run as_user_in "$work/sub" "$SBX" zcat "$ssh_dir/k.gz"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"left out $ssh_dir/k.gz"*"which sandboxes never get"* ]]
	run as_user_in "$work/sub" "$SBX" sh -c 'zcat ../words.gz'
	[ "$status" -ne 0 ]
}

# ---- the shipped profiles doing their job ----

@test "git works from a subdirectory of a repository: status and commit; it still cannot read ~/.ssh" {
	as_user git init -q "$work/repo"
	as_user mkdir -p "$work/repo/src/deep"
	as_user sh -c "echo hi > '$work/repo/src/deep/f.txt'"
	run as_user_in "$work/repo/src/deep" "$SBX" git status --short
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"?? ../"* ]]
	run as_user_in "$work/repo/src/deep" "$SBX" git add f.txt
	[ "$status" -eq 0 ]
	run as_user_in "$work/repo/src/deep" "$SBX" git -c user.name=s -c user.email=s@example.org commit -q -m deep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(as_user git -C "$work/repo" log --format=%s)" = deep ]
	run as_user_in "$work/repo/src" "$SBX" git hash-object "$ssh_dir/id_sbxtest"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "git: a repository whose top level is the home is not granted, and sbx says why" {
	[ ! -e "$TEST_HOME/.git" ] || skip "the test user's home is a repository already"
	as_user git init -q "$TEST_HOME"
	cleanup_path "$TEST_HOME/.git"
	local sub=$TEST_HOME/sbx-lookup-sub-$$
	as_user mkdir "$sub"
	cleanup_path "$sub"
	run as_user_in "$sub" "$SBX" git status
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"\${GIT_TOP} is not defined: the repository's top level $TEST_HOME is your home directory"* ]]
}

@test "ssh: known_hosts is created and writable, the rest of ~/.ssh is not" {
	rm -f "$ssh_dir/known_hosts"
	cleanup_path "$ssh_dir/known_hosts"
	make_user_file "$ssh_dir/config" "Host x"
	run sbx_user --profile ssh sh -c "echo '[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey' >> ~/.ssh/known_hosts && echo added"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *added* ]]
	[ "$(stat -c '%a %U' "$ssh_dir/known_hosts")" = "600 $TEST_USER" ]
	grep -q '127.0.0.1' "$ssh_dir/known_hosts"
	# ssh-keygen finds it as ssh would.
	run sbx_user --profile ssh ssh-keygen -F '[127.0.0.1]:2222'
	[[ $output == *"127.0.0.1"* ]]
	run sbx_user --profile ssh sh -c "echo planted >> ~/.ssh/config"
	[ "$status" -ne 0 ]
	run sbx_user --profile ssh sh -c "echo planted > ~/.ssh/new_file"
	[ "$status" -ne 0 ]
	[ "$(cat "$ssh_dir/config")" = "Host x" ]
	[ ! -e "$ssh_dir/new_file" ]
}

@test "ssh: the agent's socket alone is passed in, at a fixed place; keys stay unreadable to git" {
	local agent_dir sock
	user_tmpdir agent_dir sbx-agent
	sock=$agent_dir/agent.sock
	make_user_file "$agent_dir/other" "beside the socket"
	as_user ssh-keygen -q -t ed25519 -N '' -C sbx-lookup-key -f "$agent_dir/key"
	run as_user ssh-agent -a "$sock" -s
	[ "$status" -eq 0 ]
	agent_pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$output")
	[ -n "$agent_pid" ]
	cleanup_pid "$agent_pid"
	as_user env SSH_AUTH_SOCK="$sock" ssh-add -q "$agent_dir/key"
	run as_user env SSH_AUTH_SOCK="$sock" "$SBX" --profile ssh sh -c 'echo "sock=$SSH_AUTH_SOCK"; ssh-add -l; cat '"$agent_dir/other"
	echo "$output"
	[[ $output == *"sock=/run/user/$TEST_UID/ssh-agent.sock"* ]]
	[[ $output == *"sbx-lookup-key (ED25519)"* ]]
	[[ $output != *"beside the socket"* ]]
	# Through git's profile too (git runs ssh), while the key files stay out of reach.
	run as_user_in "$work" env SSH_AUTH_SOCK="$sock" "$SBX" --profile git sh -c "ssh-add -l; cat '$ssh_dir/id_sbxtest'"
	echo "$output"
	[[ $output == *"sbx-lookup-key (ED25519)"* ]]
	[[ $output != *SECRET* ]]
	# Without an agent, or with something that is not a socket: nothing.
	run sbx_user --profile ssh ssh-add -l
	[ "$status" -eq 2 ]
	run as_user env SSH_AUTH_SOCK="$agent_dir/other" "$SBX" --profile ssh sh -c 'echo "sock=${SSH_AUTH_SOCK:-}"'
	echo "$output"
	[[ $output == *"skipped the ssh agent: SSH_AUTH_SOCK=$agent_dir/other: not a socket"* ]]
	[[ $output == *"sock="$'\r'* || $output == *"sock=" ]]
}

@test "python3 writes its working directory, and still cannot write the home from there" {
	cat >"$work/w.py" <<-EOF
		open("out.txt", "w").write("written by python")
		try:
		    open("$TEST_HOME/py-dropped.txt", "w").write("x")
		    print("home: written")
		except OSError as e:
		    print("home:", e.strerror)
	EOF
	chmod 0644 "$work/w.py"
	run sbx_user python3 w.py
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/out.txt")" = "written by python" ]
	[ ! -e "$TEST_HOME/py-dropped.txt" ]
	# From the home: left out, with the reason.
	run as_user_in "$TEST_HOME" "$SBX" python3 -c 'print(1)'
	[[ $output == *"\${CWD} is not defined: the working directory $TEST_HOME is your home directory"* ]]
}

@test "tar extracts ../data.tgz and writes ../out.tgz from a subdirectory; refused places are named" {
	as_user mkdir -p "$work/src/dir" "$work/dest"
	as_user sh -c "echo payload > '$work/src/dir/p.txt'"
	as_user tar -C "$work/src" -czf "$work/data.tgz" dir
	run as_user_in "$work/dest" "$SBX" tar xzf ../data.tgz
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/dest/dir/p.txt")" = payload ]
	run as_user_in "$work/dest" "$SBX" tar czf ../out.tgz dir
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $(as_user tar tzf "$work/out.tgz") == *"dir/p.txt"* ]]
	run as_user_in "$work/dest" "$SBX" --explain tar xzf ../data.tgz
	[[ $output == *"$work/data.tgz"*"tar.profile:"* ]]
	# Never the home, nor ~/.ssh, even when named.
	run as_user_in "$work/dest" "$SBX" tar czf keys.tgz "$ssh_dir"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"left out $ssh_dir"* ]]
	# (tar then extracts into the sandbox's own empty home, which is gone when it ends.)
	run as_user_in "$work/dest" "$SBX" tar -C "$TEST_HOME" -xzf ../data.tgz
	echo "$output"
	[[ $output == *"left out $TEST_HOME: the path $TEST_HOME is your home directory"* ]]
	[ ! -e "$TEST_HOME/dir" ]
}

@test "grant-args rw: a start-up file named on the command line is granted read-only, never its directory for an output" {
	local work rc
	user_tmpdir work sbx-lookup-rc
	[ -e "$TEST_HOME/.bashrc" ] || { as_user touch "$TEST_HOME/.bashrc"; cleanup_path "$TEST_HOME/.bashrc"; }
	local before
	before=$(sha256sum <"$TEST_HOME/.bashrc")
	# tar (grant-args rw) reads it into an archive...
	run as_user_in "$work" "$SBX" tar cf rc.tar "$TEST_HOME/.bashrc"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"$TEST_HOME/.bashrc granted read-only"* ]]
	# ...but the program cannot rewrite it (a shell under tar's profile, the path as its argument).
	run as_user_in "$work" "$SBX" -q --profile tar -- sh -c 'echo evil >> "$1" && echo appended' sh "$TEST_HOME/.bashrc"
	echo "$output"
	[[ $output != *appended* ]]
	[ "$(sha256sum <"$TEST_HOME/.bashrc")" = "$before" ]
	# A new output in ~/.config/autostart gets no directory grant.
	as_user mkdir -p "$TEST_HOME/.config/autostart"
	cleanup_path "$TEST_HOME/.config/autostart"
	run as_user_in "$work" "$SBX" tar cf "$TEST_HOME/.config/autostart/x.desktop" rc.tar
	echo "$output"
	[[ $output == *"left out $TEST_HOME/.config/autostart/x.desktop"* ]]
	[ ! -e "$TEST_HOME/.config/autostart/x.desktop" ]
}
