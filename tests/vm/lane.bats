#!/usr/bin/env bats
# The lane itself: the guest must offer what the host lacks, or the other VM tests prove nothing.

@test "vm: guest kernel has the cgroup v2 memory, pids and cpu controllers" {
	run cat /sys/fs/cgroup/cgroup.controllers
	[ "$status" -eq 0 ]
	for c in memory pids cpu; do
		[[ " $output " == *" $c "* ]] || { echo "missing $c in: $output"; return 1; }
	done
}

@test "vm: guest sees the host's build and can write its own /etc (overlay)" {
	[ -x "$SBX" ]
	[ -x "$VM_HELPERS/memhog" ]
	id "$TEST_USER"
	run touch /etc/sbx-vm-write-probe
	[ "$status" -eq 0 ]
	rm -f /etc/sbx-vm-write-probe
}

@test "vm: the guest runs the kernel line its lane names (SBX_VM_LANE)" {
	# Tests that differ per kernel (apparmor_userns.bats, kernel_features.bats) pick their
	# expectations from SBX_VM_LANE; a lane booting another kernel would test nothing it claims.
	echo "lane $SBX_VM_LANE, kernel $(uname -r)"
	[[ $SBX_VM_LANE == 6.1 || $SBX_VM_LANE == 6.12 ]]
	[[ $(uname -r) == "$SBX_VM_LANE".* ]]
}
