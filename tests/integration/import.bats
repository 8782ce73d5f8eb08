#!/usr/bin/env bats
# sbx profile import-firejail (issue 14) against the real firejail profiles Debian ships
# (firejail-profiles): the imported profile passes `sbx profile check` and runs the real tool, a
# broken profile fails with file:line, and a run over all of /etc/firejail reports its counts.

load ../lib/common

setup_file() {
	if [ ! -e /etc/firejail/curl.profile ] || ! command -v gzip wget curl >/dev/null; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: firejail-profiles (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" firejail firejail-profiles
	fi
}

setup() {
	user_tmpdir work sbx-import
	AS_USER_CWD=$work
	plant_secret id_sbximport
}

# import NAME: imports /etc/firejail/NAME.profile as the test user into $work/imp/NAME.profile.
import() {
	as_user mkdir -p "$work/imp"
	run sbx_user profile import-firejail -o "$work/imp" --report "$work/imp/$1.report" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -s "$work/imp/$1.profile" ]
	run sbx_user profile check "$work/imp/$1.profile"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"$1.profile: ok"* ]]
}

@test "imported curl: passes profile check, fetches from a loopback server into the working directory, cannot read ~/.ssh" {
	import curl
	# The report says what was lost, with file:line.
	grep -q '^# curl.profile: partial' "$work/imp/curl.report"
	grep -q '^dropped .*/etc/firejail/curl.profile:[0-9]*: machine-id' "$work/imp/curl.report"
	grep -q '^dropped .*blacklists under /usr, /etc and /opt' "$work/imp/curl.report"
	grep -q '^ro-bind-try ${HOME}/.curlrc$' "$work/imp/curl.profile"
	mkdir "$BATS_TEST_TMPDIR/www"
	echo "fetched through the imported profile" >"$BATS_TEST_TMPDIR/www/page.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user --profile "$work/imp/curl.profile" curl -sS -O "http://127.0.0.1:$port/page.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(cat "$work/page.txt")" = "fetched through the imported profile" ]
	run sbx_user --profile "$work/imp/curl.profile" curl -sS "file://$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "imported wget downloads into the working directory; imported gzip compresses there and cannot read ~/.ssh" {
	import wget
	import gzip
	mkdir "$BATS_TEST_TMPDIR/www"
	seq 1 2000 >"$BATS_TEST_TMPDIR/www/numbers.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user --profile "$work/imp/wget.profile" wget -q "http://127.0.0.1:$port/numbers.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$work/numbers.txt" "$BATS_TEST_TMPDIR/www/numbers.txt"
	run sbx_user --profile "$work/imp/gzip.profile" gzip -k numbers.txt
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(gzip -dc "$work/numbers.txt.gz" | md5sum)" = "$(md5sum <"$work/numbers.txt")" ]
	# gzip's firejail profile has no network: neither has the import.
	grep -q '^net none$' "$work/imp/gzip.profile"
	run sbx_user --profile "$work/imp/gzip.profile" gzip -c "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"No such file or directory"* ]]
}

@test "a broken firejail profile fails with file:line and writes nothing; -o never overwrites" {
	printf 'net none\ninclude no-such-file.inc\n' >"$work/bad.profile"
	printf 'net none\n?NO_SUCH_COND: private\n' >"$work/cond.profile"
	chown "$TEST_UID:$TEST_GID" "$work"/*.profile
	run sbx_user profile import-firejail -o "$work/out.profile" "$work/bad.profile"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$work/bad.profile:2: include /etc/firejail/no-such-file.inc: No such file or directory"* ]]
	[ ! -e "$work/out.profile" ]
	run sbx_user profile import-firejail "$work/cond.profile"
	[ "$status" -eq 1 ]
	[[ $output == *"$work/cond.profile:2: unknown conditional '?NO_SUCH_COND:'"* ]]
	make_user_file "$work/out.profile" "mine"
	run sbx_user profile import-firejail -o "$work/out.profile" curl
	[ "$status" -eq 1 ]
	[[ $output == *"never overwrites"* ]]
	[ "$(cat "$work/out.profile")" = mine ]
	run sbx_user profile import-firejail --bogus curl
	[ "$status" -eq 2 ]
}

@test "--summary over all of /etc/firejail: every profile resolves but the one Debian ships broken; counts per outcome" {
	total=$(ls /etc/firejail/*.profile | wc -l)
	run sbx_user profile import-firejail --summary /etc/firejail/*.profile
	[ "$status" -eq 1 ]  # electron-hardened.inc.profile includes a file Debian does not ship
	echo "${lines[@]: -10}"
	[[ $output == *"electron-hardened.inc.profile:10: include /etc/firejail/chrome-common-hardened.inc.profile: No such file"* ]]
	[[ $output =~ summary:\ $total\ profiles:\ ([0-9]+)\ full,\ ([0-9]+)\ partial,\ 1\ failed ]]
	[ $((BASH_REMATCH[1] + BASH_REMATCH[2] + 1)) -eq "$total" ]
	[[ $output == *"summary: lost blacklist(/usr,/etc)"* ]]
}

@test "as root: the import works the same, and the imported gzip runs as nobody without network" {
	rootdir=$(mktemp -d /tmp/sbx-import-root.XXXXXX)
	chmod 0755 "$rootdir"  # nobody, who runs the command, reads it
	cleanup_path "$rootdir"
	run sbx_root profile import-firejail -o "$rootdir/gzip.profile" gzip
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"# gzip.profile: partial"* ]]
	run sbx_root profile check "$rootdir/gzip.profile"
	[ "$status" -eq 0 ]
	seq 1 500 >"$rootdir/n.txt"
	chmod 0644 "$rootdir/n.txt"
	AS_ROOT_CWD=$rootdir run sbx_root --profile "$rootdir/gzip.profile" gzip -c n.txt
	[ "$status" -eq 0 ]
	AS_ROOT_CWD=$rootdir run sbx_root --profile "$rootdir/gzip.profile" sh -c 'id -u; cat /proc/net/dev | grep -c :'
	echo "$output"
	[ "${lines[-2]}" = 65534 ]
	[ "${lines[-1]}" = 1 ]  # only lo: gzip's firejail profile says net none
}
