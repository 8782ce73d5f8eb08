#!/usr/bin/env bats
# The memfd guard on a kernel without MFD_NOEXEC_SEAL (Debian 12's 6.1 in the VM lane): sbx cannot
# make memfds non-executable there, so it keeps them as the kernel makes them and says so in
# --explain, rather than claiming a protection it does not have (tests/escape/kernel.bats checks
# the guard where the kernel has it).

# The lane also boots Debian 12's 6.12 (make check-vm-6.12), which has MFD_NOEXEC_SEAL (Linux 6.3):
# there the same test expects the guard.

load ../lib/common

@test "vm: --explain says executable memfds are blocked (MFD_NOEXEC_SEAL, 6.3+) or open (6.1), and memfds still work" {
	local who out
	for who in root user; do
		run sbx_as "$who" --explain -- /bin/true
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		if kernel_at_least 6 3; then  # MFD_NOEXEC_SEAL came with Linux 6.3
			[[ "$output" == *"executable memfds: blocked"* ]]
			run sbx_as "$who" -q --explain --json -- /bin/true
			[[ "$output" == *'"executable_memfds":{"state":"blocked"'* ]]
		else
			[[ "$output" == *"executable memfds: OPEN on this kernel"*"MFD_NOEXEC_SEAL"* ]]
			run sbx_as "$who" -q --explain --json -- /bin/true
			[[ "$output" == *'"executable_memfds":{"state":"open"'* ]]
		fi
		out=$(sbx_as "$who" -q --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe memfd-plain 2>&1) || true
		echo "[$who] $out"
		grep -qx "INFO memfd-plain-shm OK" <<<"$out"
		grep -qx "INFO memfd-plain-threads OK" <<<"$out"
	done
}
