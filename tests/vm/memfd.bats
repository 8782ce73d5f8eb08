#!/usr/bin/env bats
# The memfd guard on a kernel without MFD_NOEXEC_SEAL (Debian 12's 6.1 in the VM lane): sbx cannot
# make memfds non-executable there, so it keeps them as the kernel makes them and says so in
# --explain, rather than claiming a protection it does not have (tests/escape/kernel.bats checks
# the guard where the kernel has it).

load ../lib/common

@test "vm: on a kernel without MFD_NOEXEC_SEAL, --explain says executable memfds are open, and memfds still work" {
	local who out
	for who in root user; do
		run sbx_as "$who" --explain -- /bin/true
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"executable memfds: OPEN on this kernel"*"MFD_NOEXEC_SEAL"* ]]
		run sbx_as "$who" -q --explain --json -- /bin/true
		[[ "$output" == *'"executable_memfds":{"state":"open"'* ]]
		out=$(sbx_as "$who" -q --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe memfd-plain 2>&1) || true
		echo "[$who] $out"
		grep -qx "INFO memfd-plain-shm OK" <<<"$out"
		grep -qx "INFO memfd-plain-threads OK" <<<"$out"
	done
}
