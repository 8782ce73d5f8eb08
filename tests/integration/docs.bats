#!/usr/bin/env bats
# Every `sbx ...` example command in README.md and the man pages runs as shown (issue 18 §8), in
# the test user's home with the files the examples name. An example whose program is not
# installed here, that needs the internet, or whose profile needs a display (`socket x11`; this test
# starts none) is still run with --explain: its options, paths and profile must be accepted. A new
# example needs no change here unless it needs a new fixture.

load ../lib/common
bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# The example commands: lines starting with "sbx " in README's sh blocks and in the man pages'
# example blocks (.nf/.fi, .EX/.EE), roff escapes undone, trailing comments removed.
examples() {
	awk '/^```sh/ { on = 1; next } /^```/ { on = 0 } on && /^sbx / { print }' "$REPO/README.md"
	local page
	for page in "$REPO"/man/*.[15]; do
		awk '/^\.(nf|EX)/ { on = 1; next } /^\.(fi|EE)/ { on = 0 } on && /^sbx / { print }' "$page" |
			sed 's/\\-/-/g; s/\\e/\\/g'
	done
}

# Options of `sbx --help` that take a value.
valued_options() {
	"$SBX" --help | awk '{ n = split(substr($0, 3, 30), w, " ") } w[1] ~ /^--/ && n > 1 { print w[1] }'
}

# The program an example runs: after "--", else the first word that is not an option or a value.
program_of() {
	local valued=$1 skip=0 after=0 w
	shift 2  # the option list and "sbx"
	for w in "$@"; do
		if [ "$after" = 1 ]; then echo "$w"; return; fi
		if [ "$skip" = 1 ]; then skip=0; continue; fi
		case $w in
		--) after=1 ;;
		--*=*) ;;
		-*) grep -qx -- "$w" <<<"$valued" && skip=1 ;;
		*) echo "$w"; return ;;
		esac
	done
}

setup() {
	as_user mkdir -p "$TEST_HOME/project" "$TEST_HOME/Music"
	printf 'all:\n\techo built > built.txt\n' | as_user tee "$TEST_HOME/project/Makefile" >/dev/null
	as_user touch "$TEST_HOME/Music/song.ogg"
	printf 'net none\nro-bind-try ${HOME}/Music\n' | as_user tee "$TEST_HOME/my.profile" >/dev/null
	cleanup_path "$TEST_HOME/project" "$TEST_HOME/Music" "$TEST_HOME/my.profile"
}

teardown() {
	sbx_cleanup
}

@test "docs: every example command in README.md and the man pages runs as shown" {
	local valued line prog why bad=0 n=0 out rc
	valued=$(valued_options)
	while IFS= read -r line; do
		line=${line%%  #*}
		line=${line%% #*}
		# The synopsis is not a command.
		[[ $line == *"[OPTIONS]"* ]] && continue
		n=$((n + 1))
		why=""
		# shellcheck disable=SC2086 # the example's own words
		eval "set -- $line"
		if [ "$2" != profile ] && [ "$2" != learn ] && [ "$2" != apps ] && [ "$2" != overlay ]; then
			prog=$(program_of "$valued" "$@")
			if [[ $line == *http://* || $line == *https://* ]]; then
				why="needs the internet"
			elif ! command -v "$prog" >/dev/null; then
				why="$prog is not installed here"
			elif [ -z "${DISPLAY:-}" ] && grep -qs '^socket x11' "$("$SBX" profile which "$prog" | sed 's/^[^:]*: \([^ ]*\).*/\1/')"; then
				why="its profile needs a display"
			fi
		fi
		local runner=as_user
		[[ $line == *--user* || $line == *--caps-keep* ]] && runner=as_root
		if [ -n "$why" ]; then
			out=$($runner bash -c 'cd && eval "\"$0\" --explain ${1#sbx }"' "$SBX" "$line" 2>&1 >/dev/null </dev/null)
			rc=$?
		else
			out=$($runner bash -c 'cd && eval "\"$0\" ${1#sbx }"' "$SBX" "$line" 2>&1 </dev/null)  # not the list's stdin (vlc reads it)
			rc=$?
		fi
		echo "[$line] ${why:+(--explain: $why) }exit $rc${out:+: $out}" | head -5
		[ "$rc" -eq 0 ] || bad=1
	done < <(examples)
	echo "$n examples"
	[ "$n" -ge 8 ]
	[ "$bad" -eq 0 ]
	# The make example wrote into the project it granted.
	[ "$(cat "$TEST_HOME/project/built.txt")" = built ]
}

@test "docs: man pages render the profile examples with their quotes" {
	run man -l "$REPO/man/sbx-profile.5"
	[ "$status" -eq 0 ]
	[[ "$output" == *'ro-bind "${HOME}/My Documents"'* ]]
	[[ "$output" == *'setenv GREETING="hello world"'* ]]
}
