#!/usr/bin/env bats
# More of the profile corpus (issue 14): command-line tools people run on untrusted input. As in
# corpus.bats, each test makes the real Debian program do its job as the unprivileged test user
# and checks one thing the profile must deny, with a control outside the sandbox where it matters.

load ../lib/common

setup_file() {
	local pair missing=()
	for pair in nodejs:node ruby:ruby p7zip-full:7z lynx:lynx xmlstarlet:xmlstarlet \
		libimage-exiftool-perl:exiftool qpdf:qpdf optipng:optipng jpegoptim:jpegoptim gifsicle:gifsicle \
		flac:flac sox:sox ghostscript:gs graphviz:dot shellcheck:shellcheck file:file diffutils:diff \
		patch:patch openssl:openssl cmake:cmake bc:bc yt-dlp:yt-dlp imagemagick:convert dnsmasq-base:dnsmasq; do
		command -v "${pair#*:}" >/dev/null 2>&1 || missing+=("${pair%%:*}")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		[ "$(id -u)" -eq 0 ] || { echo "missing: ${missing[*]} (run make deps as root)" >&2; return 1; }
		sh "$BATS_TEST_DIRNAME/../lib/deps.sh" "${missing[@]}"
	fi
}

setup() {
	user_tmpdir work sbx-corpus-cli
	AS_USER_CWD=$work
	plant_secret id_sbxcorpus
}

# user_copy SRC DST: a file of the test user's.
user_copy() {
	cp "$1" "$2"
	chown "$TEST_UID:$TEST_GID" "$2"
}

# A small image of each kind, made outside the sandbox.
images() {
	convert -size 64x48 gradient:red-blue "$work/a.png"
	convert "$work/a.png" -quality 95 "$work/a.jpg"
	convert -size 32x32 xc:green "$work/g.gif"
	chown "$TEST_UID:$TEST_GID" "$work/a.png" "$work/a.jpg" "$work/g.gif"
}

# ---- interpreters ----

@test "node and ruby run a script that writes the working directory; neither reaches a loopback server nor ~/.ssh" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo x >"$BATS_TEST_TMPDIR/www/x"
	start_http "$BATS_TEST_TMPDIR/www"
	as_user curl -sf "http://127.0.0.1:$port/x" >/dev/null
	cat >"$work/s.js" <<-EOF
		const fs = require('fs'), net = require('net');
		fs.writeFileSync('out-node.txt', [3, 1, 2].sort().join(','));
		try { fs.readFileSync('$secret'); console.log('secret: read'); } catch (e) { console.log('secret: ' + e.code); }
		net.connect($port, '127.0.0.1').on('connect', () => { console.log('connect: ok'); process.exit(0); })
			.on('error', (e) => { console.log('connect: ' + e.code); });
	EOF
	chmod 0644 "$work/s.js"
	run sbx_user node s.js
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/out-node.txt")" = "1,2,3" ]
	[[ $output == *"secret: ENOENT"* ]]
	[[ $output == *"connect: ECONNREFUSED"* ]]
	cat >"$work/s.rb" <<-EOF
		require 'socket'
		File.write('out-ruby.txt', [3, 1, 2].sort.join(','))
		begin; File.read('$secret'); puts 'secret: read'; rescue SystemCallError => e; puts "secret: #{e.class}"; end
		begin; TCPSocket.new('127.0.0.1', $port); puts 'connect: ok'; rescue SystemCallError => e; puts "connect: #{e.class}"; end
	EOF
	chmod 0644 "$work/s.rb"
	run sbx_user ruby s.rb
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/out-ruby.txt")" = "1,2,3" ]
	[ "${lines[-2]}" = "secret: Errno::ENOENT" ]
	[ "${lines[-1]}" = "connect: Errno::ECONNREFUSED" ]
}

@test "bc computes from a file named on its command line; it cannot read ~/.ssh" {
	make_user_file "$work/calc.bc" $'scale=10\n4*a(1)\n2^100\nquit'
	run sbx_user bc -l calc.bc
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "${lines[0]}" = "3.1415926532" ]
	[ "${lines[1]}" = "1267650600228229401496703205376" ]
	run sbx_user bc "$secret"
	echo "$output"
	[[ $output != *SECRET* ]]
	[[ $output == *"No such file"* || $output == *"not found"* || $output == *"File"* ]]
}

# ---- archives and documents ----

@test "7z packs a tree and extracts it elsewhere in the working directory; the archive cannot take in ~/.ssh" {
	as_user mkdir -p "$work/proj/src"
	make_user_file "$work/proj/src/a.c" "int main(void) { return 0; }"
	make_user_file "$work/proj/README" "seven zip"
	run sbx_user 7z a -bd proj.7z proj
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	as_user mkdir "$work/out"
	run sbx_user 7z x -bd -oout proj.7z
	[ "$status" -eq 0 ]
	[ "$(cat "$work/out/proj/README")" = "seven zip" ]
	[ "$(cat "$work/out/proj/src/a.c")" = "int main(void) { return 0; }" ]
	run sbx_user 7z a -bd keys.7z "$secret_dir"
	echo "$output"
	[ "$status" -ne 0 ]
	if [ -e "$work/keys.7z" ]; then ! 7z x -so "$work/keys.7z" 2>/dev/null | grep -q SECRET; fi
}

@test "xmlstarlet queries and edits an XML file in place; an external entity cannot read ~/.ssh" {
	make_user_file "$work/lib.xml" '<lib><book id="1"><t>Dune</t></book><book id="2"><t>Emma</t></book></lib>'
	run sbx_user xmlstarlet sel -t -v '//book[@id=2]/t' lib.xml
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$output" = Emma ]
	run sbx_user xmlstarlet ed -L -u '//book[@id=1]/t' -v 'Ulysses' lib.xml
	[ "$status" -eq 0 ]
	grep -q '<t>Ulysses</t>' "$work/lib.xml"
	make_user_file "$work/key.xml" "<!DOCTYPE x [<!ENTITY e SYSTEM \"file://$secret\">]><x>&e;</x>"
	run as_user_in "$work" xmlstarlet sel -E utf-8 -t -v '/x' key.xml
	[[ $output == *SECRET* ]]
	run sbx_user xmlstarlet sel -t -v '/x' key.xml
	echo "$output"
	[[ $output != *SECRET* ]]
}

@test "gs renders PostScript to PDF, qpdf checks and splits it; gs's file operators cannot read ~/.ssh" {
	cat >"$work/doc.ps" <<-'EOF'
		%!PS
		/Helvetica findfont 24 scalefont setfont
		72 700 moveto (page one) show showpage
		72 700 moveto (page two) show showpage
	EOF
	chown "$TEST_UID:$TEST_GID" "$work/doc.ps"
	run sbx_user gs -q -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile=doc.pdf doc.ps
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user qpdf --check doc.pdf
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user qpdf --show-npages doc.pdf
	[ "$output" = 2 ]
	run sbx_user qpdf doc.pdf --pages . 2 -- second.pdf
	[ "$status" -eq 0 ]
	[ "$(qpdf --show-npages "$work/second.pdf")" = 1 ]
	# A document that prints a file it opens: works outside on a file of the user's, not on the key.
	make_user_file "$work/plain.txt" "PLAIN-TEXT"
	printf '%%!PS\n(%s) (r) file 100 string readstring pop print quit\n' "$work/plain.txt" >"$work/rd1.ps"
	printf '%%!PS\n(%s) (r) file 100 string readstring pop print quit\n' "$secret" >"$work/rd2.ps"
	chown "$TEST_UID:$TEST_GID" "$work"/rd?.ps
	run sbx_user gs -q -dNODISPLAY -dNOSAFER -dBATCH rd1.ps
	[[ $output == *PLAIN-TEXT* ]]
	run sbx_user gs -q -dNODISPLAY -dNOSAFER -dBATCH rd2.ps
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "dot lays out a graph into SVG and PNG in the working directory; it cannot write outside it" {
	make_user_file "$work/g.dot" 'digraph g { parse -> plan -> apply; plan -> explain; }'
	run sbx_user dot -Tsvg -o g.svg g.dot
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(grep -c 'class="node"' "$work/g.svg")" -eq 4 ]
	run sbx_user dot -Tpng -o g.png g.dot
	[ "$status" -eq 0 ]
	[[ $(file -b "$work/g.png") == "PNG image data"* ]]
	user_tmpdir other sbx-corpus-cli-other
	as_user touch "$other/control" && rm "$other/control"
	run sbx_user dot -Tsvg -o "$other/g.svg" g.dot
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$other/g.svg" ]
}

# ---- images and audio ----

@test "optipng, jpegoptim and gifsicle optimise images in the working directory; exiftool reads and writes their tags" {
	images
	run sbx_user optipng -quiet -o2 -out b.png a.png
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(identify -format %wx%h "$work/b.png")" = 64x48 ]
	run sbx_user jpegoptim --max=50 a.jpg
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(identify -format %Q "$work/a.jpg")" -le 50 ]
	run sbx_user gifsicle --resize 16x16 -o small.gif g.gif
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(identify -format %wx%h "$work/small.gif")" = 16x16 ]
	run sbx_user exiftool -q -overwrite_original -Artist='sbx corpus' b.png
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(exiftool -s3 -Artist "$work/b.png")" = "sbx corpus" ]
	run sbx_user exiftool -s3 -ImageSize a.jpg
	[ "$output" = "64x48" ]
	# exiftool cannot read the key, named on its command line or not.
	run sbx_user exiftool "$secret"
	echo "$output"
	[[ $output != *SECRET* ]]
	[[ $output == *"not found"* ]]
}

@test "sox makes and converts audio, flac encodes and decodes it losslessly; neither reaches the network" {
	run sbx_user sox -n -r 8000 -c 1 tone.wav synth 0.5 sine 440
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user soxi -D tone.wav
	[ "$output" = "0.500000" ]
	run sbx_user flac -s tone.wav -o tone.flac
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user flac -s -d tone.flac -o back.wav
	[ "$status" -eq 0 ]
	cmp <(sox "$work/tone.wav" -t raw -) <(sox "$work/back.wav" -t raw -)
	mkdir "$BATS_TEST_TMPDIR/www"
	cp "$work/tone.wav" "$BATS_TEST_TMPDIR/www/"
	start_http "$BATS_TEST_TMPDIR/www"
	run as_user_in "$work" sox "http://127.0.0.1:$port/tone.wav" -n stat
	[ "$status" -eq 0 ]
	run sbx_user sox "http://127.0.0.1:$port/tone.wav" -n stat
	echo "$output"
	[ "$status" -ne 0 ]
}

# ---- code and text ----

@test "shellcheck lints a script; file identifies files; neither can read ~/.ssh nor write the working directory" {
	printf '#!/bin/sh\necho $1\n' >"$work/s.sh"
	chown "$TEST_UID:$TEST_GID" "$work/s.sh"
	run sbx_user shellcheck -f gcc s.sh
	echo "$output"
	[ "$status" -eq 1 ]
	has_profile
	[[ $output == *"s.sh:2:6: note: Double quote to prevent globbing"*"[SC2086]"* ]]
	run sbx_user shellcheck "$secret"
	[[ $output != *SECRET* ]]
	images
	run sbx_user file -b a.png s.sh
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ ${lines[0]} == "PNG image data, 64 x 48"* ]]
	[[ ${lines[1]} == "POSIX shell script"* ]]
	run sbx_user file -b "$secret"
	echo "$output"
	[[ $output == *"No such file"* ]]
	run sbx_user file -C -m s.sh
	[ ! -e "$work/s.sh.mgc" ]
}

@test "diff compares two trees, patch applies the result; a hostile patch cannot write outside the working directory" {
	as_user mkdir -p "$work/a" "$work/b"
	make_user_file "$work/a/f.txt" $'one\ntwo\nthree'
	make_user_file "$work/b/f.txt" $'one\n2\nthree'
	run sbx_user diff -ru a b
	echo "$output"
	[ "$status" -eq 1 ]
	has_profile
	[[ $output == *"+2"* ]]
	printf '%s\n' "$output" >"$work/fix.diff"
	chown "$TEST_UID:$TEST_GID" "$work/fix.diff"
	AS_USER_CWD=$work/a run sbx_user patch -p1 -i ../fix.diff
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/a/f.txt")" = $'one\n2\nthree' ]
	# A patch that creates ../../victim from a subdirectory: patch refuses or the sandbox does.
	user_tmpdir other sbx-corpus-cli-other
	as_user mkdir "$other/sub"
	printf -- '--- /dev/null\n+++ %s\n@@ -0,0 +1 @@\n+planted\n' "$other/victim" >"$other/sub/evil.diff"
	chown "$TEST_UID:$TEST_GID" "$other/sub/evil.diff"
	AS_USER_CWD=$work run sbx_user patch -p0 -i "$other/sub/evil.diff"
	echo "$output"
	[ ! -e "$other/victim" ]
}

@test "openssl makes a key and a self-signed certificate, signs and verifies; it cannot read ~/.ssh" {
	run sbx_user openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem \
		-out c.pem -days 1 -subj /CN=sbx-corpus
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ $(openssl x509 -in "$work/c.pem" -noout -subject) == *sbx-corpus* ]]
	make_user_file "$work/msg" "signed text"
	run sbx_user openssl dgst -sha256 -sign k.pem -out msg.sig msg
	[ "$status" -eq 0 ]
	openssl dgst -sha256 -verify <(openssl x509 -in "$work/c.pem" -pubkey -noout) -signature "$work/msg.sig" "$work/msg"
	run sbx_user openssl dgst -sha256 "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"No such file"* ]]
}

@test "cmake configures and builds a C project in the working directory; the build cannot reach the network" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo x >"$BATS_TEST_TMPDIR/www/x"
	start_http "$BATS_TEST_TMPDIR/www"
	as_user mkdir "$work/src"
	make_user_file "$work/src/hello.c" '#include <stdio.h>
int main(void) { puts("built by cmake"); return 0; }'
	make_user_file "$work/src/CMakeLists.txt" "cmake_minimum_required(VERSION 3.13)
project(hello C)
add_executable(hello hello.c)
file(DOWNLOAD http://127.0.0.1:$port/x \${CMAKE_BINARY_DIR}/x STATUS st)
message(STATUS \"download: \${st}\")"
	run sbx_user cmake -S src -B build
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ $output == *"download: 7;"* ]]
	run sbx_user cmake --build build
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(as_user "$work/build/hello")" = "built by cmake" ]
}

# ---- network tools ----

@test "lynx dumps a page from a loopback server and saves nothing outside; it cannot read ~/.ssh" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo '<html><body><h1>Corpus</h1><p>served to lynx</p></body></html>' >"$BATS_TEST_TMPDIR/www/index.html"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user lynx -dump -nolist "http://127.0.0.1:$port/index.html"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ $output == *"served to lynx"* ]]
	run sbx_user lynx -dump "file://$secret"
	echo "$output"
	[[ $output != *SECRET* ]]
}

@test "yt-dlp downloads a media file from a loopback server into the working directory; ~/.ssh stays unreadable" {
	mkdir "$BATS_TEST_TMPDIR/www"
	sox -n -r 8000 -c 1 "$BATS_TEST_TMPDIR/www/clip.wav" synth 0.2 sine 440
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user yt-dlp --no-cache-dir -q -o 'clip.%(ext)s' "http://127.0.0.1:$port/clip.wav"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	cmp "$work/clip.wav" "$BATS_TEST_TMPDIR/www/clip.wav"
	run sbx_user yt-dlp --no-cache-dir --batch-file "$secret" --simulate
	echo "$output"
	[[ $output != *SECRET* ]]
}

# ---- servers ----

@test "dnsmasq, run by a user, answers DNS on loopback from a hosts file named on its command line; other ports are refused" {
	make_user_file "$work/hosts" "10.9.8.7 printer.corpus.test"
	make_user_file "$work/empty.conf" ""
	dport=5300
	while port_open "$dport" || ss -Hlun "sport = :$dport" | grep -q .; do dport=$((dport + 1)); done
	spawn_sbx dpid "$BATS_TEST_TMPDIR/dnsmasq.log" user /usr/sbin/dnsmasq --no-daemon --port "$dport" \
		--listen-address 127.0.0.1 --bind-interfaces --conf-file="$work/empty.conf" --no-resolv --no-hosts \
		--addn-hosts="$work/hosts" --address=/corpus.test/10.1.2.3 --pid-file=
	wait_until 20 port_open "$dport" || { cat "$BATS_TEST_TMPDIR/dnsmasq.log"; false; }
	[ "$(dns_query "$dport" www.corpus.test)" = 10.1.2.3 ]
	[ "$(dns_query "$dport" printer.corpus.test)" = 10.9.8.7 ]
	kill -TERM "$dpid"
	wait "$dpid" || true
	! grep -q "no profile for" "$BATS_TEST_TMPDIR/dnsmasq.log"
	grep -q "read $work/hosts - 1 names" "$BATS_TEST_TMPDIR/dnsmasq.log"
	# Port 5400 is outside the profile's ports: dnsmasq cannot listen there.
	run sbx_user --timeout 20s /usr/sbin/dnsmasq --no-daemon --port 5400 --listen-address 127.0.0.1 --bind-interfaces \
		--conf-file="$work/empty.conf" --no-resolv --no-hosts --pid-file=
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"failed to create listening socket"*"ermission denied"* ]]
}
