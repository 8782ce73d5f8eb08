#!/usr/bin/env bats
# Files written where the sandbox discards them (issue 18 §1): its private home, /tmp and /var/tmp
# end with it; sbx says so at exit (count, paths, sizes, the grant that would have kept them), lists
# them in --json, and copies them out with --keep-discarded, never following a symlink. Nothing sbx
# itself puts there (grant mount points, file placeholders) counts. For the test user and for root.

load ../lib/common
bats_require_minimum_version 1.5.0

setup() { unset AS_USER_CWD AS_ROOT_CWD; }

teardown() {
	unset AS_USER_CWD AS_ROOT_CWD
	sbx_cleanup
}

# sbx as WHO with --quiet (no "default profile" notes): what remains on stderr is the report.
dsbx() {
	local who=$1
	shift
	sbx_as "$who" --quiet "$@"
}

set_cwd() { if [ "$1" = root ]; then export AS_ROOT_CWD=$2; else export AS_USER_CWD=$2; fi; }

# A host directory the sandboxed COMMAND of WHO may write (root runs it as 65534).
writable_dir() {
	local _v=$1 who=$2
	user_tmpdir "$_v" sbx-discard
	chown "$(uid_in "$who"):$(uid_in "$who")" "${!_v}"
}

check_home_file() {
	local who=$1 home
	home=$(home_of "$who")
	set_cwd "$who" "$home"
	[ ! -e "$home/new-$$.txt" ]
	run --separate-stderr dsbx "$who" -- sh -c "echo hi > ~/new-$$.txt; echo done; exit 3"
	echo "stdout: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 3 ]
	[ "$output" = done ]
	grep -q "^sbx: warning: sh wrote 1 file that the sandbox discarded" <<<"$stderr"
	grep -qxF "  ~/new-$$.txt  3 B" <<<"$stderr"
	grep -q -- "--bind DIR or --keep-discarded DIR" <<<"$stderr"
	[ ! -e "$home/new-$$.txt" ]
}
@test "discard[user]: a file written to ~ from cd ~ is reported with its size; the exit status is kept" { check_home_file user; }
@test "discard[root]: a file written to ~ from cd ~ is reported with its size; the exit status is kept" { needs_root; check_home_file root; }

check_granted_workdir() {
	local who=$1 dir
	writable_dir dir "$who"
	set_cwd "$who" "$dir"
	run --separate-stderr dsbx "$who" -- sh -c 'echo hi > out.txt && mkdir -p sub && echo x > sub/y'
	echo "stdout: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(cat "$dir/out.txt")" = hi ]
	[ "$(cat "$dir/sub/y")" = x ]
}
@test "discard[user]: writes into the granted working directory stay on the host and are not reported" { check_granted_workdir user; }
@test "discard[root]: writes into the granted working directory stay on the host and are not reported" { needs_root; check_granted_workdir root; }

check_tmp_file() {
	local who=$1
	run --separate-stderr dsbx "$who" -- sh -c 'mkdir -p /tmp/d/e && head -c 2048 /dev/zero > /tmp/d/e/f && echo v > /var/tmp/v && echo s > /dev/shm/s'
	echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	grep -q "^sbx: warning: sh wrote 2 files that the sandbox discarded" <<<"$stderr"
	# Largest first.
	[ "$(sed -n 2p <<<"$stderr")" = "  /tmp/d/e/f  2.0 KiB" ]
	[ "$(sed -n 3p <<<"$stderr")" = "  /var/tmp/v  2 B" ]
	# /dev/shm and /run/user/UID hold runtime state, not documents: not reported.
	! grep -q /dev/shm <<<"$stderr"
}
@test "discard[user]: files in /tmp and /var/tmp are reported, largest first; /dev/shm is not" { check_tmp_file user; }
@test "discard[root]: files in /tmp and /var/tmp are reported, largest first; /dev/shm is not" { needs_root; check_tmp_file root; }

check_no_false_positive() {
	local who=$1 home d1 d2 f
	home=$(home_of "$who")
	user_tmpdir d1 sbx-discard
	user_tmpdir d2 sbx-discard
	f=$d2/file
	make_user_file "$f" content
	set_cwd "$who" "$home"
	# Grants under the home, in /tmp and /var/tmp, a file grant and a nested one: each leaves a
	# mount point or an empty placeholder file in a discarded tmpfs.
	run --separate-stderr dsbx "$who" --json --bind "$d1:$home/proj" --ro-bind "$d2:$home/.config/app" \
		--ro-bind "$f:$home/.netrc" --ro-bind "$f:$home/a/b/c/file" --bind "$d1:/tmp/work/sub" \
		--ro-bind "$f:/var/tmp/x/f" -- sh -c 'ls ~/.netrc ~/a/b/c/file /var/tmp/x/f >/dev/null && mkdir -p ~/empty/dir'
	echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	grep -q '^sbx-status: {.*"discarded":\[\],"discarded_more":false}$' <<<"$stderr"
	run --separate-stderr dsbx "$who" -- true
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}
@test "discard[user]: an empty run with grants under home, /tmp, /var/tmp and file grants reports nothing" { check_no_false_positive user; }
@test "discard[root]: an empty run with grants under home, /tmp, /var/tmp and file grants reports nothing" { needs_root; check_no_false_positive root; }

check_json() {
	local who=$1 home
	home=$(home_of "$who")
	run --separate-stderr dsbx "$who" --json -- sh -c 'echo hi > ~/a.txt; printf 12345 > /tmp/b'
	echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	grep -qF "\"discarded\":[{\"path\":\"/tmp/b\",\"size\":5},{\"path\":\"$home/a.txt\",\"size\":3}],\"discarded_more\":false}" <<<"$stderr"
}
@test "discard[user]: --json lists the discarded files in the status line" { check_json user; }
@test "discard[root]: --json lists the discarded files in the status line" { needs_root; check_json root; }

check_grant_hint() {
	local who=$1 home m
	home=$(home_of "$who")
	m=proj-discard-$$
	mkdir "$home/$m"
	cleanup_path "$home/$m"
	set_cwd "$who" "$home"
	run --separate-stderr dsbx "$who" -- sh -c "mkdir -p ~/$m/build && echo x > ~/$m/build/out.o"
	echo "stderr: $stderr"
	grep -qxF "  ~/$m/build/out.o  2 B  (--bind ~/$m keeps it)" <<<"$stderr"
	[ ! -e "$home/$m/build" ]
}
@test "discard[user]: a file below an existing host directory names the --bind that keeps it" { check_grant_hint user; }
@test "discard[root]: a file below an existing host directory names the --bind that keeps it" { needs_root; check_grant_hint root; }

check_keep() {
	local who=$1 home keep victim
	home=$(home_of "$who")
	user_tmpdir keep sbx-discard
	user_tmpdir victim sbx-discard
	make_user_file "$victim/secret" "host secret"
	set_cwd "$who" "$home"
	# A symlink to a host file, one to a host directory, and a file in a directory reached by
	# neither: only the regular files are copied, and nothing is read or written through a link.
	run --separate-stderr dsbx "$who" --json --keep-discarded "$keep/kept" -- sh -c "
		echo hi > ~/new.txt; mkdir -p /tmp/d; printf data > /tmp/d/f; chmod 4755 /tmp/d/f
		ln -s '$victim/secret' ~/evil; ln -s '$victim' ~/evildir; ln -s '$victim' /tmp/d/sub; exit 4"
	echo "stderr: $stderr"
	[ "$status" -eq 4 ]
	[ "$(cat "$keep/kept$home/new.txt")" = hi ]
	[ "$(cat "$keep/kept/tmp/d/f")" = data ]
	[ "$(stat -c %a "$keep/kept/tmp/d/f")" = 755 ]
	[ ! -e "$keep/kept$home/evil" ] && [ ! -L "$keep/kept$home/evil" ]
	[ ! -e "$keep/kept$home/evildir" ] && [ ! -e "$keep/kept/tmp/d/sub" ]
	[ "$(ls -A "$victim")" = secret ] && [ "$(cat "$victim/secret")" = "host secret" ]
	grep -q '"kept_in":"'"$keep/kept"'"' <<<"$stderr"
	grep -q '"path":"/tmp/d/f","size":4,"kept":true' <<<"$stderr"
	# Every file was kept: a note, which --quiet leaves out.
	! grep -q "warning" <<<"$stderr"
	# A second run finds the files there and overwrites nothing.
	run --separate-stderr dsbx "$who" --keep-discarded "$keep/kept" -- sh -c 'echo other > ~/new.txt'
	echo "stderr: $stderr"
	grep -q "1 copied\|0 copied to $keep/kept, 1 not" <<<"$stderr"
	grep -qF "  ~/new.txt  6 B  (not kept: a file of that name is already there)" <<<"$stderr"
	[ "$(cat "$keep/kept$home/new.txt")" = hi ]
}
@test "discard[user]: --keep-discarded copies the files (not symlinks) and overwrites nothing" { check_keep user; }
@test "discard[root]: --keep-discarded copies the files (not symlinks) and overwrites nothing" { needs_root; check_keep root; }

check_keep_no_follow() {
	local who=$1 keep victim
	user_tmpdir keep sbx-discard
	user_tmpdir victim sbx-discard
	# A link where the copy's directory would go, made by someone who can write DIR.
	ln -s "$victim" "$keep/tmp"
	run --separate-stderr dsbx "$who" --keep-discarded "$keep" -- sh -c 'mkdir /tmp/d && echo x > /tmp/d/f'
	echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	grep -qF "  /tmp/d/f  2 B  (not kept: cannot create its directory" <<<"$stderr"
	[ -z "$(ls -A "$victim")" ]
	# DIR itself must not be a symlink either.
	run --separate-stderr dsbx "$who" --keep-discarded "$keep/tmp" -- true
	echo "stderr: $stderr"
	[ "$status" -eq 125 ]
	grep -q "^sbx: --keep-discarded $keep/tmp: Not a directory" <<<"$stderr"
}
@test "discard[user]: --keep-discarded follows no symlink in DIR, nor DIR itself" { check_keep_no_follow user; }
@test "discard[root]: --keep-discarded follows no symlink in DIR, nor DIR itself" { needs_root; check_keep_no_follow root; }

check_bounded() {
	local who=$1 start
	start=$SECONDS
	run --separate-stderr dsbx "$who" --json -- sh -c 'mkdir /tmp/many && cd /tmp/many && seq 10000 | xargs touch'
	echo "stderr: $(head -c 2000 <<<"$stderr")"
	[ "$status" -eq 0 ]
	grep -Eq "^sbx: warning: sh wrote at least [0-9]{4} files that the sandbox discarded" <<<"$stderr"
	grep -q "^  ... and more: sbx stops looking after 4096 entries" <<<"$stderr"
	grep -q '"discarded_more":true}$' <<<"$stderr"
	[ $((SECONDS - start)) -lt 60 ]
}
@test "discard[user]: 10,000 files: the walk stops at its bound and says 'and more'" { check_bounded user; }
@test "discard[root]: 10,000 files: the walk stops at its bound and says 'and more'" { needs_root; check_bounded root; }

# pid 1 hands sbx its private home's and /tmp's fds at setup (SCM_RIGHTS). Left in flight until
# the sandbox ended, they counted against the user's RLIMIT_NOFILE (1024) in the kernel's per-user
# tally of fds in flight: from about 340 idle sandboxes on, every SCM_RIGHTS send of that user
# failed with ETOOMANYREFS, their other programs' too, and new sandboxes failed to start.
send_fd_as_user() {
	as_user /usr/bin/python3 -c 'import socket
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
socket.send_fds(a, [b"x"], [0])
print("sent")'
}

@test "discard[user]: 400 idle sandboxes leave no fd in flight: the user's own fd passing still works" {
	run send_fd_as_user
	[ "$output" = sent ]
	local marker="/bin/sleep 86395" n dir
	user_tmpdir dir sbx-inflight
	chown "$TEST_UID" "$dir"
	as_user sh -c 'i=0; while [ $i -lt 400 ]; do "$1" --quiet -- '"$marker"' 2>>"$2" & i=$((i+1)); done; wait' \
		sh "$SBX" "$dir/errors" &
	_SBX_CLEANUP_PIDS+=("$!")
	for _ in $(seq 600); do
		n=$(pgrep -u "$TEST_UID" -fxc "$marker" || true)
		[ "$n" -ge 400 ] && break
		sleep 0.1
	done
	echo "running: $n; errors: $(head -3 "$dir/errors")"
	[ "$n" -eq 400 ]
	run send_fd_as_user
	pkill -KILL -u "$TEST_UID" -fx "$marker" || true
	echo "$output"
	[ "$output" = sent ]
	[ ! -s "$dir/errors" ]
}
