#!/usr/bin/env bats
# memory-deny-write-execute on a kernel without PR_SET_MDWE (Debian 12's 6.1): sbx enforces it with
# seccomp rules instead (EPERM, as systemd's), says so in --explain and --json, and never runs
# without it. On the 6.12 lane the prctl holds, as on the host (tests/integration/mdwe.bats).

load ../lib/common

@test "vm: memory-deny-write-execute blocks W+X mmap, mprotect(PROT_EXEC), shmat(SHM_EXEC): seccomp on 6.1, prctl on 6.3+" {
	local who by err
	# PR_SET_MDWE came with Linux 6.3.
	if kernel_at_least 6 3; then by=prctl err=EACCES; else by=seccomp err=EPERM; fi
	for who in root user; do
		run sbx_as "$who" -q --explain --json --memory-deny-write-execute -- /bin/true
		echo "[$who] $output" | head -c 300
		[ "$status" -eq 0 ]
		[ "$(jq -r .memory_deny_write_execute.enforced_by <<<"$output")" = "$by" ]
		run sbx_as "$who" -q --explain --memory-deny-write-execute -- /bin/true
		[[ $output == *"memory-deny-write-execute: $by"* ]]

		run sbx_probe "$who" -- /helpers/mdwe-probe
		echo "[$who without] $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "mmap-wx OK" ]
		[ "${lines[1]}" = "mprotect-x OK" ]
		[ "${lines[3]}" = "shmat-x OK" ]

		run sbx_probe "$who" --memory-deny-write-execute -- sh -c /helpers/mdwe-probe
		echo "[$who with] $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "mmap-wx $err" ]
		[ "${lines[1]}" = "mprotect-x $err" ]
		[ "${lines[2]}" = "mmap-rx OK" ]
		[ "${lines[3]}" = "shmat-x $err" ]
		if [ "$by" = seccomp ]; then
			[ "${lines[4]}" = "get-mdwe EINVAL" ]  # the kernel has no such prctl: the filter holds
		else
			[ "${lines[4]}" = "get-mdwe 1" ]
		fi
		# A plain program still runs under the fallback (ld.so maps code read+execute only).
		run sbx_as "$who" -q --memory-deny-write-execute -- sh -c 'echo $((6 * 7))'
		[ "$output" = 42 ]
	done
}
