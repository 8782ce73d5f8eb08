#!/usr/bin/env bats
# The profile corpus (issue 14): each shipped profile of a command-line tool makes the real Debian
# program do its real job as the unprivileged test user, and each test checks one thing that
# profile must deny (~/.ssh unreadable, no network for an offline tool, no write outside what it
# was granted), with a control showing that the denied thing exists or works outside the sandbox.

load ../lib/common

# The programs (Debian package:command) this file runs.
setup_file() {
	local pair missing=()
	for pair in xz-utils:xz zstd:zstd bzip2:bzip2 zip:zip unzip:unzip jq:jq libxml2-utils:xmllint perl:perl \
		lua5.4:lua5.4 make:make gcc:cc rsync:rsync gnupg:gpg curl:curl aria2:aria2c w3m:w3m less:less vim:vim \
		nano:nano poppler-utils:pdftotext imagemagick:identify ffmpeg:ffmpeg pandoc:pandoc \
		redis-server:redis-server redis-tools:redis-cli memcached:memcached lighttpd:/usr/sbin/lighttpd; do
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
	plant_secret id_sbxcorpus
}

# ---- helpers ----

# user_dir PATH: makes the directory PATH owned by the test user.
user_dir() { as_user mkdir -p "$1"; }

# text_file PATH: a few kilobytes of numbered lines, owned by the test user.
text_file() {
	seq -f 'line %g of the sample text' 1 500 >"$1"
	chown "$TEST_UID:$TEST_GID" "$1"
}

# No "no profile" note: the command ran under a shipped profile, not the default.

# ---- the list in README.md ----

@test "README's table of shipped profiles lists every profiles/*.profile, and nothing else" {
	local readme=$BATS_TEST_DIRNAME/../../README.md listed shipped
	listed=$(awk '/^### Shipped profiles/ { on = 1 } /^## / { on = 0 } on && /^\| `/' "$readme" |
		sed 's/^| `\([^`]*\)`.*/\1/' | sort)
	shipped=$(cd "$BATS_TEST_DIRNAME/../../profiles" && ls -- *.profile | sed 's/\.profile$//' | sort)
	echo "listed: $listed"
	[ -n "$listed" ]
	assert_eq "$listed" "$shipped"
}

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

# ---- interpreters and builds ----

@test "perl runs a script that reads and writes the working directory; it cannot reach a loopback server" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo x >"$BATS_TEST_TMPDIR/www/x"
	start_http "$BATS_TEST_TMPDIR/www"
	# Control: the server answers outside the sandbox.
	as_user perl -MIO::Socket::INET -e "IO::Socket::INET->new('127.0.0.1:$port') or die"
	make_user_file "$work/words.txt" $'pear\napple\nfig'
	cat >"$work/sort.pl" <<-EOF
		use strict; use warnings; use IO::Socket::INET;
		open(my \$in, '<', 'words.txt') or die "read: \$!";
		my @w = sort map { chomp; \$_ } <\$in>;
		open(my \$out, '>', 'sorted.txt') or die "write: \$!";
		print \$out join(',', @w), "\n";
		close \$out;
		my \$s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5);
		print \$s ? "connect: ok\n" : "connect: \$!\n";
		print open(my \$k, '<', '$secret') ? "secret: read\n" : "secret: \$!\n";
	EOF
	chmod 0644 "$work/sort.pl"
	run sbx_user perl sort.pl
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/sorted.txt")" = "apple,fig,pear" ]
	[ "${lines[0]}" = "connect: Connection refused" ]
	[ "${lines[1]}" = "secret: No such file or directory" ]
}

@test "lua runs a script in the working directory; it cannot read ~/.ssh nor write outside the working directory" {
	user_tmpdir other sbx-corpus-other
	cat >"$work/count.lua" <<-EOF
		local n = 0
		for line in io.lines("count.lua") do n = n + 1 end
		local f = assert(io.open("lines.txt", "w")); f:write(n, "\n"); f:close()
		print("secret:", (select(2, io.open("$secret"))))
		print("outside:", (select(2, io.open("$other/x.txt", "w"))))
	EOF
	chmod 0644 "$work/count.lua"
	# Control: the other directory is the user's to write.
	as_user touch "$other/control"
	run sbx_user lua5.4 count.lua
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/lines.txt")" = 5 ]
	[ "${lines[0]}" = "secret:	$secret: No such file or directory" ]
	[[ ${lines[1]} == "outside:	$other/x.txt: "* ]]
	[ ! -e "$other/x.txt" ]
}

@test "make builds and runs a C program in the working directory with cc; a build step cannot reach the network" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo "downloaded" >"$BATS_TEST_TMPDIR/www/dep.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	as_user curl -sSf -o /dev/null "http://127.0.0.1:$port/dep.txt"
	cat >"$work/hello.c" <<-'EOF'
		#include <stdio.h>
		int main(int argc, char **argv) { printf("hello from %s, %d args\n", argv[0], argc - 1); return 0; }
	EOF
	printf 'hello: hello.c\n\tcc -Wall -O2 -o $@ hello.c\nrun: hello\n\t./hello a b > run.txt\n' >"$work/Makefile"
	printf 'fetch:\n\tcurl -sS -m 5 -o dep.txt http://127.0.0.1:%s/dep.txt\n' "$port" >>"$work/Makefile"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	run sbx_user make run
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/run.txt")" = "hello from ./hello, 2 args" ]
	# The program runs on the host as well: a real build.
	[ "$(as_user_in "$work" ./hello)" = "hello from ./hello, 0 args" ]
	run sbx_user make fetch
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"Couldn't connect"* || $output == *"Failed to connect"* ]]
	[ ! -e "$work/dep.txt" ]
}

@test "cc compiles a source named in another directory into the working directory; it cannot #include a key" {
	user_dir "$work/src"
	user_dir "$work/build"
	make_user_file "$work/src/sum.c" '#include <stdio.h>
int main(void) { int s = 0; for (int i = 1; i <= 10; i++) s += i; printf("sum %d\n", s); return 0; }'
	AS_USER_CWD=$work/build run sbx_user cc -std=c99 -Wall -o sum ../src/sum.c
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(as_user "$work/build/sum")" = "sum 55" ]
	run sbx_user gcc-12 --version
	[ "$status" -eq 0 ]
	has_profile
	# The preprocessor opens what it is told to; the key is not there.
	make_user_file "$work/steal.c" "const char *k =
#include \"$secret\"
;"
	run sbx_user cc -E steal.c
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"No such file or directory"* ]]
	[[ $output != *SECRET* ]]
}

@test "rsync copies a tree from the working directory to a directory named on its command line; ~/.ssh is not copied" {
	user_dir "$work/proj/src/deep"
	user_dir "$work/backup"
	text_file "$work/proj/src/deep/a.txt"
	as_user ln -s deep/a.txt "$work/proj/src/link"
	AS_USER_CWD=$work/proj run sbx_user rsync -a src/ ../backup/src/
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	cmp "$work/backup/src/deep/a.txt" "$work/proj/src/deep/a.txt"
	[ "$(readlink "$work/backup/src/link")" = deep/a.txt ]
	[ "$(stat -c %U "$work/backup/src/deep/a.txt")" = "$TEST_USER" ]
	AS_USER_CWD=$work/proj run sbx_user rsync -a "$secret_dir/" ../backup/keys/
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$work/backup/keys/id_sbxcorpus" ]
}

@test "gpg makes a key in a GNUPGHOME in the working directory, signs and verifies; it cannot see ~/.gnupg" {
	local gh=$work/gnupg
	mkdir -m 0700 "$gh"
	make_user_file "$work/msg.txt" "signed in the sandbox"
	chown -R "$TEST_UID:$TEST_GID" "$work"
	run as_user env GNUPGHOME="$gh" "$SBX" gpg --batch --passphrase '' \
		--quick-gen-key 'Corpus Test <corpus@example.org>' ed25519 sign never
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run as_user env GNUPGHOME="$gh" "$SBX" gpg --batch --clearsign msg.txt
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q 'BEGIN PGP SIGNATURE' "$work/msg.txt.asc"
	run as_user env GNUPGHOME="$gh" "$SBX" gpg --batch --verify msg.txt.asc
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *'Good signature from "Corpus Test <corpus@example.org>"'* ]]
	sed 's/signed in the sandbox/signed elsewhere/' "$work/msg.txt.asc" >"$work/forged.asc"
	run as_user env GNUPGHOME="$gh" "$SBX" gpg --batch --verify forged.asc
	[ "$status" -ne 0 ]
	[[ $output == *"BAD signature"* ]]
	# The agent the sandbox started ended with it.
	! pgrep -u "$TEST_UID" -x gpg-agent
	# A ~/.gnupg on the host with the public key: listed outside (the control), not inside.
	[ ! -e "$TEST_HOME/.gnupg" ]
	cleanup_path "$TEST_HOME/.gnupg"
	as_user mkdir -m 0700 "$TEST_HOME/.gnupg"
	as_user cp "$gh/pubring.kbx" "$TEST_HOME/.gnupg/"
	run as_user gpg --batch --no-autostart --list-keys
	[[ $output == *corpus@example.org* ]]
	run sbx_user gpg --batch --list-keys
	echo "$output"
	[[ $output != *corpus@example.org* ]]
	run sbx_user gpg --batch --homedir "$TEST_HOME/.gnupg" --list-keys
	echo "$output"
	[[ $output != *corpus@example.org* ]]
}

# ---- network clients ----

@test "aria2c downloads from a loopback server into the working directory, and cannot save into another directory" {
	mkdir "$BATS_TEST_TMPDIR/www"
	seq 1 20000 >"$BATS_TEST_TMPDIR/www/data.txt"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user aria2c -q "http://127.0.0.1:$port/data.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	cmp "$work/data.txt" "$BATS_TEST_TMPDIR/www/data.txt"
	[ "$(stat -c %U "$work/data.txt")" = "$TEST_USER" ]
	user_tmpdir other sbx-corpus-other
	as_user touch "$other/control"
	# Only into the sandbox's private /var/tmp, which ends with it (and sbx says so).
	run sbx_user aria2c -q -d "$other" -o got.txt "http://127.0.0.1:$port/data.txt"
	echo "$output"
	[ ! -e "$other/got.txt" ]
	[[ $output == *"aria2c wrote 1 file that the sandbox discarded"*"$other/got.txt"* ]]
}

@test "w3m renders a page from a loopback server and a local file named on its command line; ~/.ssh stays unreadable" {
	mkdir "$BATS_TEST_TMPDIR/www"
	echo '<html><body><h1>Corpus page</h1><p>rendered by <b>w3m</b></p><ul><li>one<li>two</ul></body></html>' \
		>"$BATS_TEST_TMPDIR/www/page.html"
	start_http "$BATS_TEST_TMPDIR/www"
	run sbx_user w3m -dump "http://127.0.0.1:$port/page.html"
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ $output == *"Corpus page"* && $output == *"rendered by w3m"* && $output == *"• two"* ]]
	[[ $output != *"<b>"* ]]
	user_dir "$work/docs"
	make_user_file "$work/docs/local.html" '<title>t</title><p>local &amp; fine</p>'
	run sbx_user w3m -dump docs/local.html
	[ "$status" -eq 0 ]
	[[ $output == *"local & fine"* ]]
	run sbx_user w3m -dump "$secret"
	echo "$output"
	[[ $output != *SECRET* ]]
	[[ $output == *"Can't load"* ]]
}

# ---- pager and editors ----

@test "less pages a file on a terminal (to its end and back out); ':e' cannot open a key in ~/.ssh" {
	text_file "$work/notes.txt"
	run as_user_in "$work" /usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/pty_keys.py" \
		'line 1 of the' 'G' 'line 500 of the' ":e $secret\\r" 'No such file or directory' 'q' -- "$SBX" less notes.txt
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[[ $output != *SECRET* ]]
	# Not on a terminal, it copies the file; the key is left out.
	run sbx_user less notes.txt
	[ "$output" = "$(cat "$work/notes.txt")" ]
	run sbx_user less "$secret"
	[[ $output != *SECRET* ]]
}

@test "vim -es edits a file in the working directory and one named in another directory; it cannot write your home" {
	make_user_file "$work/todo.txt" $'buy milk\ncall bob'
	user_dir "$work/sub"
	run sbx_user vim -es -c '%s/milk/bread/' -c "\$put ='water plants'" -c 'wq' todo.txt
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/todo.txt")" = $'buy bread\ncall bob\nwater plants' ]
	AS_USER_CWD=$work/sub run sbx_user vi -es -c 'g/bob/d' -c 'wq' ../todo.txt
	[ "$status" -eq 0 ]
	[ "$(cat "$work/todo.txt")" = $'buy bread\nwater plants' ]
	# A file of the home that was not named: written in the private home only, and the host's
	# copy stays as it was (sbx says it discarded the write).
	make_user_file "$TEST_HOME/.sbx-corpus-rc" "original"
	as_user test -w "$TEST_HOME/.sbx-corpus-rc"
	run sbx_user vim -es -c "e! $TEST_HOME/.sbx-corpus-rc" -c '%d' -c 'normal ihijacked' -c 'wq' todo.txt
	echo "$output"
	[ "$(cat "$TEST_HOME/.sbx-corpus-rc")" = original ]
	[[ $output == *"vim wrote 1 file that the sandbox discarded"*"~/.sbx-corpus-rc"* ]]
}

@test "nano writes a new file in the working directory on a terminal; a key named on its command line stays out" {
	run as_user_in "$work" /usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/pty_keys.py" \
		'New File' 'typed in nano\x0f' 'File Name to Write' '\r' 'Wrote' '\x18' -- "$SBX" nano memo.txt
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(cat "$work/memo.txt")" = "typed in nano" ]
	[ "$(stat -c %U "$work/memo.txt")" = "$TEST_USER" ]
	run as_user_in "$work" /usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/pty_keys.py" \
		"Directory '$secret_dir' does not exist" '\x18' -- "$SBX" nano "$secret"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *SECRET* ]]
}

# ---- documents and media ----

@test "pdftotext extracts the text of a PDF, pdftoppm renders it; the key in ~/.ssh stays unreadable" {
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../lib/make_pdf.py" "$work/doc.pdf" "Hello from the corpus"
	chown "$TEST_UID:$TEST_GID" "$work/doc.pdf"
	run sbx_user pdftotext doc.pdf
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$(head -1 "$work/doc.txt")" = "Hello from the corpus" ]
	run sbx_user pdftoppm -r 20 -png doc.pdf page
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	# A PNG of a letter page at 20 dpi, and no note about a discarded font cache.
	[ "$(head -c 8 "$work/page-1.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
	[[ $output != *discarded* ]]
	run sbx_user pdfinfo "$secret"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output != *SECRET* ]]
}

@test "convert draws, converts and resizes images in the working directory; it cannot read ~/.ssh" {
	run sbx_user convert -size 40x20 xc:red -fill blue -draw 'rectangle 0,0 9,9' a.png
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user convert a.png -resize 200% b.gif
	[ "$status" -eq 0 ]
	run as_user identify -format '%m %wx%h' "$work/b.gif"
	[ "$output" = "GIF 80x40" ]
	run sbx_user convert b.gif -format '%[pixel:p{0,0}] %[pixel:p{79,39}]' info:
	echo "$output"
	[ "$output" = "srgb(0,0,255) srgb(255,0,0)" ]
	run sbx_user convert "txt:$secret" leak.png
	echo "$output"
	[ "$status" -ne 0 ]
	[ ! -e "$work/leak.png" ]
}

@test "ffmpeg encodes a test video, ffprobe reads it back; neither can reach a loopback server" {
	run sbx_user ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=duration=1:size=64x48:rate=5 -c:v mpeg4 v.mp4
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	run sbx_user ffprobe -v error -show_entries stream=codec_name,width,height,nb_frames -of csv=p=0 v.mp4
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	[ "$output" = "mpeg4,64,48,5" ]
	mkdir "$BATS_TEST_TMPDIR/www"
	cp "$work/v.mp4" "$BATS_TEST_TMPDIR/www/"
	start_http "$BATS_TEST_TMPDIR/www"
	# Control: outside the sandbox the stream is readable.
	run as_user ffprobe -v error -show_entries stream=width -of csv=p=0 "http://127.0.0.1:$port/v.mp4"
	[ "$output" = 64 ]
	run sbx_user ffprobe -v error -show_entries stream=width -of csv=p=0 "http://127.0.0.1:$port/v.mp4"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"Connection refused"* ]]
	run sbx_user ffmpeg -nostdin -loglevel error -i "http://127.0.0.1:$port/v.mp4" copy.mp4
	[ "$status" -ne 0 ]
	[ ! -e "$work/copy.mp4" ]
}

@test "pandoc converts Markdown to HTML in the working directory; it cannot fetch a remote image" {
	make_user_file "$work/doc.md" $'# Corpus\n\nSome *emphasis* and a [link](https://example.org).'
	run sbx_user pandoc doc.md -o doc.html
	echo "$output"
	[ "$status" -eq 0 ]
	has_profile
	grep -q '<h1 id="corpus">Corpus</h1>' "$work/doc.html"
	grep -q '<em>emphasis</em>' "$work/doc.html"
	mkdir "$BATS_TEST_TMPDIR/www"
	printf 'GIF89a' >"$BATS_TEST_TMPDIR/www/img.gif"
	start_http "$BATS_TEST_TMPDIR/www"
	make_user_file "$work/remote.md" "![x](http://127.0.0.1:$port/img.gif)"
	# Control: outside the sandbox pandoc embeds it.
	as_user_in "$work" pandoc --self-contained --metadata title=x remote.md -o outside.html
	grep -q 'data:image/gif;base64' "$work/outside.html"
	run sbx_user pandoc --self-contained --metadata title=x remote.md -o inside.html
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"Could not fetch"* ]]
	[ ! -e "$work/inside.html" ]
}

# ---- servers, started by the user on loopback ports ----

# A port outside every range the server profiles grant, free outside the sandbox.
free_port_outside() {
	local p
	p=$(free_port)
	while [ "$p" -le 11219 ]; do p=$(free_port); done
	echo "$p"
}

@test "redis-server serves a client outside the sandbox and saves into the working directory; other ports are refused" {
	rport=$(free_port_in 6379 6399)
	spawn_sbx rpid "$BATS_TEST_TMPDIR/redis.log" user redis-server --port "$rport" --bind 127.0.0.1 --save ''
	wait_until 20 port_open "$rport" || { cat "$BATS_TEST_TMPDIR/redis.log"; false; }
	[ "$(redis-cli -p "$rport" set corpus works)" = OK ]
	[ "$(redis-cli -p "$rport" get corpus)" = works ]
	[ "$(redis-cli -p "$rport" save)" = OK ]
	[ "$(stat -c %U "$work/dump.rdb")" = "$TEST_USER" ]
	redis-cli -p "$rport" shutdown nosave || true
	wait "$rpid" || true
	! grep -q "no profile for" "$BATS_TEST_TMPDIR/redis.log"
	# Another port: free outside (the control), refused inside.
	oport=$(free_port_outside)
	as_user /usr/bin/python3 -c "import socket; socket.socket().bind(('127.0.0.1', $oport))"
	run sbx_user --timeout 20s redis-server --port "$oport" --bind 127.0.0.1 --save ''
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"127.0.0.1:$oport: bind: Permission denied"* ]]
}

@test "memcached stores and returns a value for a client outside the sandbox; other ports are refused" {
	mport=$(free_port_in 11211 11219)
	spawn_sbx mpid "$BATS_TEST_TMPDIR/memcached.log" user memcached -l 127.0.0.1 -p "$mport" -U 0
	wait_until 20 port_open "$mport" || { cat "$BATS_TEST_TMPDIR/memcached.log"; false; }
	run /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"set corpus 0 0 5\r\nworks\r\nget corpus\r\nquit\r\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.decode().replace("\r\n", "|"))' "$mport"
	echo "$output"
	[ "$output" = "STORED|VALUE corpus 0 5|works|END|" ]
	kill -TERM "$mpid"
	wait "$mpid" || true
	! grep -q "no profile for" "$BATS_TEST_TMPDIR/memcached.log"
	oport=$(free_port_outside)
	as_user /usr/bin/python3 -c "import socket; socket.socket().bind(('127.0.0.1', $oport))"
	run sbx_user --timeout 20s memcached -l 127.0.0.1 -p "$oport" -U 0
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"bind"* ]]
}

@test "python3 -m http.server under its profile serves the working directory to curl outside; ~/.ssh is not there to serve" {
	make_user_file "$work/index.txt" "served by sbx python3"
	hport=$(free_port_in 8000 8999)
	spawn_sbx hpid "$BATS_TEST_TMPDIR/http.log" user --profile python3-http-server python3 -m http.server \
		--bind 127.0.0.1 "$hport"
	wait_until 20 port_open "$hport" || { cat "$BATS_TEST_TMPDIR/http.log"; false; }
	[ "$(curl -sS "http://127.0.0.1:$hport/index.txt")" = "served by sbx python3" ]
	kill -TERM "$hpid"
	wait "$hpid" || true
	# Serving ~/.ssh: the directory is not in the sandbox, so the key is a 404.
	spawn_sbx hpid "$BATS_TEST_TMPDIR/http2.log" user --profile python3-http-server python3 -m http.server \
		--bind 127.0.0.1 --directory "$secret_dir" "$hport"
	wait_until 20 port_open "$hport" || { cat "$BATS_TEST_TMPDIR/http2.log"; false; }
	run curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/id_sbxcorpus"
	[ "$output" = 404 ]
	run curl -sS "http://127.0.0.1:$hport/id_sbxcorpus"
	[[ $output != *SECRET* ]]
}

# lighttpd_conf PORT: a configuration for a user's lighttpd serving $work/site on loopback.
lighttpd_conf() {
	cat <<-EOF
		server.document-root = "$work/site"
		server.port = $1
		server.bind = "127.0.0.1"
		index-file.names = ( "index.html" )
		mimetype.assign = ( ".html" => "text/html" )
	EOF
}

@test "lighttpd, run by a user, serves a granted directory to a client outside the sandbox; other ports are refused" {
	user_dir "$work/site"
	make_user_file "$work/site/index.html" "<p>served by sbx lighttpd</p>"
	lport=$(free_port_in 8000 8999)
	lighttpd_conf "$lport" >"$work/lighttpd.conf"
	chown "$TEST_UID:$TEST_GID" "$work/lighttpd.conf"
	spawn_sbx lpid "$BATS_TEST_TMPDIR/lighttpd.log" user --ro-bind "$work/site" /usr/sbin/lighttpd -D \
		-f "$work/lighttpd.conf"
	wait_until 20 port_open "$lport" || { cat "$BATS_TEST_TMPDIR/lighttpd.log"; false; }
	[ "$(curl -sS "http://127.0.0.1:$lport/")" = "<p>served by sbx lighttpd</p>" ]
	kill -TERM "$lpid"
	wait "$lpid" || true
	! grep -q "no profile for" "$BATS_TEST_TMPDIR/lighttpd.log"
	oport=$(free_port_outside)
	as_user /usr/bin/python3 -c "import socket; socket.socket().bind(('127.0.0.1', $oport))"
	lighttpd_conf "$oport" >"$work/lighttpd.conf"
	run sbx_user --timeout 20s --ro-bind "$work/site" /usr/sbin/lighttpd -D -f "$work/lighttpd.conf"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"Permission denied"* ]]
}
