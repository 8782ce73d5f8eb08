#!/usr/bin/env bats
# SECURITY.md's "Kernel features" section on the host kernel: the explain fields its measured
# table claims for this kernel line (tests/lib/kernel_features.bash reads the table; a kernel
# without a column fails, so a new host kernel is measured rather than assumed), and --explain
# against the kernel's own answers. tests/vm/kernel_features.bats does the same for 6.1 and 6.12.

load ../lib/common
load ../lib/kernel_features

setup_file() {
	kf_explain_cache
}

@test "kernel features: sbx --explain --json matches SECURITY.md's measured table for this kernel (root, user)" {
	run kf_check_table "$(kf_kernel_line)"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "kernel features: --explain agrees with the kernel's own answers (Landlock ABI, MFD_NOEXEC_SEAL, AppArmor)" {
	run kf_check_probes
	echo "$output"
	[ "$status" -eq 0 ]
}
