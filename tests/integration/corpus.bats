#!/usr/bin/env bats
# The profile corpus (issue 14): each shipped profile of a command-line tool makes the real Debian
# program do its real job as the unprivileged test user, and each test checks one thing that
# profile must deny (~/.ssh unreadable, no network for an offline tool, no write outside what it
# was granted), with a control showing that the denied thing exists or works outside the sandbox.

load ../lib/common

# The programs (Debian package:command) this file runs.
setup_file() {
	local pair missing=()
	for pair in xz-utils:xz zstd:zstd bzip2:bzip2 zip:zip unzip:unzip jq:jq libxml2-utils:xmllint; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
}

setup() {
	user_tmpdir work sbx-corpus
	AS_USER_CWD=$work
	secret_dir=$TEST_HOME/.ssh
	if [ ! -e "$secret_dir" ]; then
		mkdir -m 0700 "$secret_dir"
		chown "$TEST_UID:$TEST_GID" "$secret_dir"
		cleanup_path "$secret_dir"
	fi
	secret=$secret_dir/id_sbxcorpus
	make_user_file "$secret" "SECRET-KEY-MATERIAL"
	# Control: the user can read the key outside the sandbox.
	as_user grep -q SECRET "$secret"
}

# ---- helpers ----

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_http DIR: serves DIR on a loopback port (outside any sandbox) and sets $port.
start_http() {
	port=$(free_port)
	spawn_bg http_pid "$BATS_TEST_TMPDIR/http.log" /usr/bin/python3 -m http.server --bind 127.0.0.1 \
		--directory "$1" "$port"
	wait_until 10 port_open "$port"
}

as_user_in() {
	local dir=$1
	shift
	(AS_USER_CWD=$dir as_user "$@")
}

# user_dir PATH: makes the directory PATH owned by the test user.
user_dir() {
	mkdir -p "$1"
	chown "$TEST_UID:$TEST_GID" "$1"
}

# text_file PATH: a few kilobytes of numbered lines, owned by the test user.
text_file() {
	seq -f 'line %g of the sample text' 1 500 >"$1"
	chown "$TEST_UID:$TEST_GID" "$1"
}

# No "no profile" note: the command ran under a shipped profile, not the default.
has_profile() { [[ $output != *"no profile for"* ]]; }

# ---- compressors and archivers ----

@test "xz compresses and unpacks in the working directory (xz, xzcat, unxz), and cannot read ~/.ssh" {
	text_file "$work/notes.txt"
	run sbx_user xz -k notes.txt
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(as_user xz -dc "$work/notes.txt.xz" | md5sum)" = "$(md5sum <"$work/notes.txt")" ]
	run sbx_user xzcat notes.txt.xz
	[ "$status" -eq 0 ]
	has_profile
	[ "$output" = "$(cat "$work/notes.txt")" ]
	rm "$work/notes.txt"
	run sbx_user unxz notes.txt.xz
	[ "$status" -eq 0 ]
	[ ! -e "$work/notes.txt.xz" ]
	[ "$(sed -n 500p "$work/notes.txt")" = "line 500 of the sample text" ]
	run sbx_user xz -c "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"No such file or directory"* ]]
}

@test "zstd round-trips a file in the working directory, and cannot write outside it" {
	text_file "$work/notes.txt"
	run sbx_user zstd -q notes.txt -o notes.txt.zst
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(as_user zstd -dc "$work/notes.txt.zst" | md5sum)" = "$(md5sum <"$work/notes.txt")" ]
	run sbx_user zstdcat notes.txt.zst
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$work/notes.txt")" ]
	# Another directory of the user's, writable outside (the control), not through zstd.
	user_tmpdir other sbx-corpus-other
	as_user touch "$other/control" && rm "$other/control"
	run sbx_user zstd -q notes.txt -o "$other/notes.txt.zst"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$other/notes.txt.zst" ]
}

@test "bzip2 compresses, bzcat and bunzip2 unpack; a file in ~/.ssh stays unreadable" {
	text_file "$work/notes.txt"
	cp "$work/notes.txt" "$BATS_TEST_TMPDIR/orig"
	run sbx_user bzip2 notes.txt
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ ! -e "$work/notes.txt" ] && [ -s "$work/notes.txt.bz2" ]
	run sbx_user bzcat notes.txt.bz2
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/orig")" ]
	run sbx_user bunzip2 notes.txt.bz2
	[ "$status" -eq 0 ]
	cmp "$work/notes.txt" "$BATS_TEST_TMPDIR/orig"
	run sbx_user bzcat "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "zip archives a project; unzip extracts it into a directory named on its command line; ~/.ssh stays out" {
	user_dir "$work/proj/src"
	user_dir "$work/out"
	text_file "$work/proj/src/a.txt"
	make_user_file "$work/proj/README" "read me"
	AS_USER_CWD=$work/proj run sbx_user zip -qr ../proj.zip README src
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run as_user unzip -l "$work/proj.zip"
	[[ $output == *"src/a.txt"* && $output == *README* ]]
	AS_USER_CWD=$work/proj run sbx_user unzip -q ../proj.zip -d ../out
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$work/out/src/a.txt" "$work/proj/src/a.txt"
	[ "$(cat "$work/out/README")" = "read me" ]
	run sbx_user zipinfo -1 proj.zip
	[ "$status" -eq 0 ]
	[[ $output == *"src/a.txt"* ]]
	# The key cannot go into an archive, and nothing can be extracted into the home.
	run sbx_user zip -q keys.zip "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$work/keys.zip" ] || ! as_user unzip -l "$work/keys.zip" | grep -q id_sbxcorpus
	run sbx_user unzip -q proj.zip -d "$TEST_HOME/sbx-corpus-unzipped"
	echo "$output"
	[ ! -e "$TEST_HOME/sbx-corpus-unzipped" ]
}

# ---- data tools ----

@test "jq queries a JSON file named on its command line, and cannot read ~/.ssh" {
	make_user_file "$work/d.json" '{"items": [{"n": 2}, {"n": 40}], "name": "corpus"}'
	run sbx_user jq -r '.name + " " + ([.items[].n] | add | tostring)' d.json
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$output" = "corpus 42" ]
	run sbx_user jq -R . "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
	run sbx_user jq -n --rawfile k "$secret" '$k'
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "xmllint queries an XML file; an external entity can reach neither the network nor ~/.ssh" {
	make_user_file "$work/doc.xml" '<lib><book id="1"><t>Dune</t></book><book id="2"><t>Emma</t></book></lib>'
	run sbx_user xmllint --xpath 'string(//book[@id=2]/t)' doc.xml
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "${lines[-1]}" = Emma ]
	# An entity over http: the control fetches it outside the sandbox.
	mkdir "$BATS_TEST_TMPDIR/www"
	echo "REMOTE-PAYLOAD" >"$BATS_TEST_TMPDIR/www/ent.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	make_user_file "$work/net.xml" "<!DOCTYPE x [<!ENTITY e SYSTEM \"http://127.0.0.1:$port/ent.txt\">]><x>&e;</x>"
	run as_user_in "$work" xmllint --noent net.xml
	[[ $output == *REMOTE-PAYLOAD* ]]
	run sbx_user xmllint --noent net.xml
	echo "$output"
	[[ $output != *REMOTE-PAYLOAD* ]]
	make_user_file "$work/key.xml" "<!DOCTYPE x [<!ENTITY e SYSTEM \"file://$secret\">]><x>&e;</x>"
	run as_user_in "$work" xmllint --noent key.xml
	[[ $output == *SECRET* ]]
	run sbx_user xmllint --noent key.xml
	echo "$output"
	[[ $output != *SECRET* ]]
}
