#!/usr/bin/env bats
# `memory-deny-write-execute` / `--memory-deny-write-execute` (issue 14, launcher/mdwe.c): no
# writable+executable memory, no memory made executable later. This host's kernel (6.3+) has
# prctl(PR_SET_MDWE); tests/vm/mdwe.bats checks the seccomp fallback on 6.1. As the test user and
# as root (the command runs as 65534). tests/helpers/mdwe-probe.c prints one line per try.

load ../lib/common
bats_require_minimum_version 1.5.0

@test "mdwe: W+X mmap, mprotect(PROT_EXEC) and shmat(SHM_EXEC) work without it and fail with it (prctl, inherited, not clearable)" {
	local who
	for who in user root; do
		run sbx_probe "$who" -- /helpers/mdwe-probe
		echo "[$who without] $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "mmap-wx OK" ]
		[ "${lines[1]}" = "mprotect-x OK" ]
		[ "${lines[3]}" = "shmat-x OK" ]
		[ "${lines[4]}" = "get-mdwe 0" ]
		# Under a shell, so the probe is a child of a child of what sbx started.
		run sbx_probe "$who" --memory-deny-write-execute -- sh -c '/helpers/mdwe-probe'
		echo "[$who with] $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "mmap-wx EACCES" ]
		[ "${lines[1]}" = "mprotect-x EACCES" ]
		[ "${lines[2]}" = "mmap-rx OK" ]  # read+execute alone stays allowed
		[ "${lines[3]}" = "shmat-x EACCES" ]
		[ "${lines[4]}" = "get-mdwe 1" ]  # PR_MDWE_REFUSE_EXEC_GAIN
		if grep -q '^MDWE:' /proc/self/status 2>/dev/null; then
			[[ $output == *$'\nMDWE:'* ]]
		fi
		[ "${lines[-1]}" = "clear EPERM" ]
	done
}

@test "mdwe: --explain and --json say the prctl enforces it, with the origin; nothing without it" {
	run -0 sbx_user -q --explain --memory-deny-write-execute -- true
	grep -qx 'memory-deny-write-execute: prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (Linux 6.3+).*\[command line\]' <<<"$output"
	run -0 sbx_user -q --explain --json --memory-deny-write-execute -- true
	[ "$(jq -r '.memory_deny_write_execute.enforced_by' <<<"$output")" = prctl ]
	run -0 sbx_user -q --explain --json -- true
	[ "$(jq -c '.memory_deny_write_execute' <<<"$output")" = null ]
	run -0 sbx_user -q --explain -- true
	[[ $output != *memory-deny-write-execute* ]]
}

@test "mdwe: python3 and sh run a script under it; node's JIT dies, node --jitless runs" {
	local who
	for who in user root; do
		run sbx_as "$who" -q --memory-deny-write-execute -- python3 -c 'import json; print(json.dumps({"ok": 1}))'
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[ "$output" = '{"ok": 1}' ]
		run sbx_as "$who" -q --memory-deny-write-execute -- sh -c 'echo $((6 * 7))'
		[ "$output" = 42 ]
		command -v node >/dev/null || continue
		run sbx_as "$who" -q -- node -e 'console.log(6 * 7)'
		[ "$output" = 42 ]
		run sbx_as "$who" -q --memory-deny-write-execute -- node -e 'console.log(6 * 7)'
		echo "[$who node] status $status"
		[ "$status" -ne 0 ]
		run sbx_as "$who" -q --memory-deny-write-execute -- node --jitless -e 'console.log(6 * 7)'
		echo "[$who node --jitless] $output"
		[ "$status" -eq 0 ]
		[[ $output == *42* ]]
	done
}

@test "mdwe: bad input exits 125 with one line naming the problem" {
	local profile
	run -125 sbx_user -q --memory-deny-write-execute=yes -- true
	[ "$output" = "sbx: option --memory-deny-write-execute takes no argument" ]
	user_tmpdir dir sbx-mdwe
	profile=$dir/m.profile
	printf 'memory-deny-write-execute yes\n' >"$profile"
	chmod 0644 "$profile"
	run -125 sbx_user -q --profile "$profile" -- true
	[ "$output" = "sbx: $profile:1:27: too many words: usage: memory-deny-write-execute: 'memory-deny-write-execute yes'" ]
}
