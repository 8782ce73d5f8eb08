#!/usr/bin/env bats
# `noexec PATH` / `--noexec PATH` (issue 14, launcher/noexec.c): every mount of the sandbox at or
# below PATH gets the noexec flag and loses Landlock's execute right, grants below it included
# whatever their order. As the test user and as root (the command runs as 65534).

load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	user_tmpdir WORK sbx-noexec
	as_user mkdir "$WORK/g"
	as_user cp /usr/bin/true "$WORK/g/prog"
	printf '#!/bin/sh\necho script-ran\n' >"$WORK/g/script"
	chmod 0755 "$WORK/g/script"
	chown "$TEST_UID:$TEST_GID" "$WORK/g/script" 2>/dev/null || true
}

# nx_profile TEXT: a profile file holding TEXT (its ${HOME} is the sandbox's), in $PROFILE.
nx_profile() {
	PROFILE=$WORK/nx.profile
	printf '%s\n' "$1" >"$PROFILE"
	chmod 0644 "$PROFILE"
}

# The mount options of the mount at PATH inside the sandbox, from /proc/self/mountinfo.
mount_opts_script='awk -v p="$1" '\''$5 == p { print $6 }'\'' /proc/self/mountinfo | tail -1'

@test "noexec: a granted directory runs its program and script without it, EACCES with it" {
	local who
	for who in user root; do
		run sbx_as "$who" -q --bind "$WORK/g" -- sh -c '"$1/prog" && echo prog-ran; "$1/script"' sh "$WORK/g"
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = prog-ran ]
		[ "${lines[1]}" = script-ran ]
		run sbx_as "$who" -q --bind "$WORK/g" --noexec "$WORK/g" -- sh -c '
			"$1/prog"; echo "prog $?"; "$1/script"; echo "script $?"' sh "$WORK/g"
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ $output == *"$WORK/g/prog: Permission denied"* ]]
		[[ $output == *"prog 126"* ]]
		[[ $output == *"$WORK/g/script: Permission denied"* ]]
		[[ $output == *"script 126"* ]]
		# The command itself: sbx's exec of it is refused the same way.
		run sbx_as "$who" -q --bind "$WORK/g" --noexec "$WORK/g" -- "$WORK/g/prog"
		echo "[$who] $output"
		[ "$status" -eq 126 ]
		[[ $output == *"Permission denied"* ]]
		# Reading still works: noexec is not a mask.
		run sbx_as "$who" -q --bind "$WORK/g" --noexec "$WORK/g" -- cat "$WORK/g/script"
		[ "$status" -eq 0 ]
		[[ $output == *script-ran* ]]
	done
}

@test "noexec: a program copied to /tmp or the home maps executable without it (ld.so), not with it" {
	local who place
	for who in user root; do
		for place in /tmp '${HOME}' /dev/shm; do
			# Landlock already refuses to execve files of the private /tmp and home; the mount flag
			# also refuses mapping them executable, which is what ld.so and dlopen do.
			nx_profile ""
			run sbx_as "$who" -q --profile "$PROFILE" -- sh -c '
				d=$(eval echo "$1"); cp /usr/bin/echo "$d/e" && /lib64/ld-linux-x86-64.so.2 "$d/e" mapped' sh "$place"
			echo "[$who $place without] $output"
			[ "$status" -eq 0 ]
			[[ $output == *mapped* ]]
			nx_profile "noexec $place"
			run sbx_as "$who" -q --profile "$PROFILE" -- sh -c '
				d=$(eval echo "$1"); cp /usr/bin/echo "$d/e" && /lib64/ld-linux-x86-64.so.2 "$d/e" mapped
				echo "ld.so $?"; "$d/e" direct; echo "exec $?"' sh "$place"
			echo "[$who $place with] $output"
			[[ $output != *mapped* ]]
			[[ $output == *"failed to map segment"* ]]
			[[ $output == *"ld.so 127"* ]]
			[[ $output == *"Permission denied"*"exec 126"* ]]
		done
	done
}

@test "noexec: a grant below a noexec tree is noexec too, whichever line comes first" {
	local who text grant="bind $WORK/g \${HOME}/g"
	for who in user root; do
		for text in "noexec \${HOME}"$'\n'"$grant" "$grant"$'\n'"noexec \${HOME}"; do
			nx_profile "bind $WORK/g \${HOME}/g"
			run sbx_as "$who" -q --profile "$PROFILE" -- sh -c '"$HOME/g/prog" && echo prog-ran'
			echo "[$who control] $output"
			[ "$status" -eq 0 ]
			[ "$output" = prog-ran ]
			nx_profile "$text"
			run sbx_as "$who" -q --profile "$PROFILE" -- sh -c '"$HOME/g/prog"; echo "prog $?"'
			echo "[$who] $output"
			[[ $output == *"Permission denied"*"prog 126"* ]]
			# --explain marks the grant noexec and takes Landlock's execute right from it.
			run sbx_as "$who" -q --explain --json --profile "$PROFILE" -- true
			[ "$status" -eq 0 ]
			jq -e --arg s "$WORK/g" '.mounts[] | select(.src == $s) | .noexec == true and .landlock == "read+write"' <<<"$output"
		done
	done
}

@test "noexec: /dev/shm, /var and /run put the flag on /dev/shm, /var/tmp and the runtime directory" {
	local who
	for who in user root; do
		run sbx_as "$who" -q -- sh -c "$mount_opts_script" sh /dev/shm
		echo "[$who] /dev/shm without: $output"
		[[ ,$output, != *,noexec,* ]]
		run sbx_as "$who" -q --noexec /dev/shm --noexec /var --noexec /run -- sh -c "
			for p in /dev/shm /var/tmp \"\$XDG_RUNTIME_DIR\" /tmp; do
				set -- \"\$p\"; printf '%s %s\n' \"\$p\" \"\$($mount_opts_script)\"
			done"
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == "/dev/shm "*noexec* ]]
		[[ ${lines[1]} == "/var/tmp "*noexec* ]]
		[[ ${lines[2]} == /run/user/*noexec* ]]
		[[ ${lines[3]} == "/tmp "* && ${lines[3]} != *noexec* ]]  # not named: unchanged
	done
}

@test "noexec: --explain and --json show the flag and the Landlock rights it leaves" {
	run -0 sbx_user -q --explain --noexec /tmp -- true
	grep -E '^  tmpfs +/tmp .* noexec' <<<"$output"
	run -0 sbx_user -q --explain --json --noexec /tmp -- true
	jq -e '.mounts[] | select(.dst == "/tmp") | .noexec == true and .landlock == "read+write"' <<<"$output"
	run -0 sbx_user -q --explain --json -- true
	jq -e '.mounts[] | select(.dst == "/tmp") | has("noexec") | not' <<<"$output"
}

@test "noexec: bad input exits 125 with one line naming the problem" {
	run -125 sbx_user -q --noexec
	[ "$output" = "sbx: option --noexec needs an argument PATH" ]
	run -125 sbx_user -q --noexec /srv/sbx-no-such-place -- true
	[ "${lines[0]}" = "sbx: command line: noexec /srv/sbx-no-such-place: nothing is mounted at or below it in the sandbox" ]
	[[ ${lines[1]} == "sbx: hint: "* ]]
	nx_profile "noexec"
	run -125 sbx_user -q --profile "$PROFILE" -- true
	[ "$output" = "sbx: $PROFILE:1:1: missing words: usage: noexec PATH...: 'noexec'" ]
	nx_profile "noexec /"
	run -125 sbx_user -q --profile "$PROFILE" -- true
	[ "$output" = "sbx: $PROFILE:1:8: cannot make the sandbox's root noexec; name a directory: '/'" ]
	nx_profile "noexec tmp"
	run -125 sbx_user -q --profile "$PROFILE" -- true
	[[ $output == "sbx: $PROFILE:1:8: expected an absolute path"* ]]
	# A directory inside a mount is not a mount of its own: refused rather than ignored.
	nx_profile 'noexec ${HOME}/bin'
	run -125 sbx_user -q --profile "$PROFILE" -- true
	[[ ${lines[0]} == "sbx: $PROFILE:1: noexec $TEST_HOME/bin: nothing is mounted at or below it in the sandbox" ]]
}
