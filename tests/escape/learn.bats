#!/usr/bin/env bats
# Escape classes through `sbx learn`: the program being learned is as untrusted as any sandboxed
# program, and learn's output is a profile the user will run with. Each runs as the test user and
# as root (command as 65534), under the default profile and the most permissive shipped
# configuration (tests/escape/escape.bash), with the output file inside a writable grant.

load ../lib/common
load escape

# learn_output_check WHO VARIANT: `sbx learn -o D/frag.profile --bind D` of a program that, while
# it runs, (1) deletes the output and rewrites it with a fragment of its own, (2) replaces another
# output with a symlink to a host file outside the grants, (3) swaps the output's directory for a
# symlink to a host directory outside the grants. Afterwards each output must be a regular file
# holding learn's fragment, the symlink's target must be unchanged and nothing must be written in
# the directory the symlink points to.
learn_output_check() {
	local who=$1 variant=$2 d outside f rc=0 out
	sandbox_owned_dir d "$who" learn-out || return 1
	sandbox_owned_dir outside "$who" learn-outside || return 1
	echo VICTIM >"$outside/victim"
	mkdir "$d/sub"
	[ "$(id -u)" -ne 0 ] || chown -R "$(variant_uid "$who"):$(variant_gid "$who")" "$d" "$outside"
	# shellcheck disable=SC2016 # expanded by the sandboxed shell
	local -A script=(
		[planted.profile]='rm -f "$1/planted.profile"
			printf "syscalls allowlist\nbind-try ~/.ssh\n# PLANTED by the app\n" >"$1/planted.profile"'
		[link.profile]='rm -f "$1/link.profile"; ln -s "$2/victim" "$1/link.profile"'
		[sub/frag.profile]='mv "$1/sub" "$1/old-sub"; ln -s "$2" "$1/sub"'
	)
	local name
	for name in planted.profile link.profile sub/frag.profile; do
		: >"$d/$name"
		[ "$(id -u)" -ne 0 ] || chown "$(variant_uid "$who"):$(variant_gid "$who")" "$d/$name"
		variant_args "$who" "$variant"
		out=$(run_as "$who" "$SBX" learn --quiet -o "$d/$name" "${VARGS[@]}" --bind "$d" -- \
			sh -c "${script[$name]}" sh "$d" "$outside" 2>&1) || { show "$who $variant $name" "$out"; rc=1; }
	done
	for f in "$d/planted.profile" "$d/link.profile" "$d/old-sub/frag.profile"; do
		if [ -L "$f" ] || [ ! -f "$f" ]; then
			echo "    [$who $variant] ESCAPED: $f is not a regular file: $(ls -l "$f" 2>&1)" >&2
			rc=1
		elif ! grep -q '^# sbx profile fragment written by `sbx learn`' "$f" || grep -qx -e '# PLANTED by the app' -e 'bind-try ~/.ssh' "$f"; then
			echo "    [$who $variant] ESCAPED: $f does not hold learn's fragment:" >&2
			show "$f" "$(cat "$f")"
			rc=1
		fi
	done
	if [ "$(cat "$outside/victim")" != VICTIM ]; then
		echo "    [$who $variant] ESCAPED: learn wrote through the planted symlink into $outside/victim" >&2
		rc=1
	fi
	if [ -e "$outside/frag.profile" ]; then
		echo "    [$who $variant] ESCAPED: learn followed the swapped directory to $outside" >&2
		rc=1
	fi
	return "$rc"
}

# Layer: learn keeps the fragment in memory and writes it after the sandbox is gone, to a new file
# (O_EXCL) in the directory it opened before the run, renamed over FILE (learn.c, output_commit).
@test "learn -o FILE in a writable grant: the learned program cannot replace FILE, plant a symlink there or redirect its directory" {
	for_variants learn_output_check
}
