#!/usr/bin/env bats
# SECURITY.md's "Kernel features" section, measured on the lane's kernel (6.1 or 6.12): the
# explain fields its table claims (tests/lib/kernel_features.bash reads the table), and the
# behaviours its prose claims for a kernel without a feature. tests/integration/kernel_features.bats
# does the same on the host.

load ../lib/common
load ../lib/kernel_features

setup_file() {
	kf_explain_cache
}

@test "vm kernel features: sbx --explain --json matches SECURITY.md's measured table for this kernel (root, user)" {
	[[ $(kf_kernel_line) == "$SBX_VM_LANE" ]]
	run kf_check_table "$SBX_VM_LANE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "vm kernel features: --explain agrees with the kernel's own answers (Landlock ABI, MFD_NOEXEC_SEAL, AppArmor)" {
	run kf_check_probes
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "vm kernel features: a user's Landlock TCP port rules need ABI 4: refused on 6.1 unless --landlock optional, enforced on 6.12" {
	run sbx_user --quiet --connect 80 -- /bin/echo ran
	echo "$output"
	if [ "$SBX_VM_LANE" = 6.1 ]; then
		[ "$status" -eq 125 ]
		[[ $output == *"Landlock TCP port rules need Landlock ABI 4 (Linux 6.7), this kernel has ABI 2"* ]]
		[[ $output != *ran* ]]
		# Refused by the plan, before anything was cloned; --explain shows it.
		[[ $output != *"setup:"* ]]
		run sbx_user --quiet --explain --connect 80 -- /bin/true
		[ "$status" -eq 0 ]
		[[ $output == *"REFUSED here, sbx would not run: Landlock TCP port rules need Landlock ABI 4"* ]]
		run sbx_user --quiet --landlock optional --explain --json --connect 80 -- /bin/true
		[ "$(jq -c '[.landlock.not_enforced[] | select(.what == "TCP port rules") | .needs_abi]' <<<"$output")" = "[4]" ]
		run sbx_user --quiet --landlock optional --connect 80 -- /bin/echo ran
		[ "$status" -eq 0 ]
		[ "$output" = ran ]
	else
		[ "$status" -eq 0 ]
		[ "$output" = ran ]
		run sbx_user --quiet --explain --json --connect 80 -- /bin/true
		[ "$(jq -c .landlock.tcp <<<"$output")" = '{"restricted":true,"bind":[],"connect":[80]}' ]
	fi
}

@test "vm kernel features: cgroup v2 memory, pids, cpu and io controllers; a user without a delegated subtree is refused limits unless --limits-optional" {
	local c
	for c in memory pids cpu io; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers
	done
	run sbx_user --quiet --memory-max 64M --pids-max 20 -- /bin/echo ran
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"cannot apply the cgroup limits (memory.max 64M, pids.max 20)"* ]]
	run sbx_user --quiet --limits-optional --memory-max 64M --pids-max 20 -- /bin/echo ran
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = ran ]
	# Root applies them (tests/vm/limits.bats tests what they do).
	run sbx_root --quiet --memory-max 64M --pids-max 20 -- /bin/echo ran
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}

@test "vm kernel features: --overlay-tmp: refused on 6.1 (tmpfs has no user xattrs before 6.6); on 6.12 writes land in its tmpfs, the lower directory untouched" {
	# Before Linux 6.15 overlayfs takes layers only from mounts of the caller's namespace; sbx
	# attaches the upper tmpfs while it makes the overlay (overlay.c, attach_tmp_upper).
	local lower
	# On the guest's tmpfs (its /tmp is an overlay over 9p), the user's own files: a copy-up of a
	# file whose owner the sandbox does not map fails (EOVERFLOW) on every kernel.
	lower=$(as_user mktemp -d /dev/shm/kf-lower.XXXXXX) && as_user sh -c "echo old >$lower/f"
	run sbx_user --quiet --overlay-tmp "$lower" -- /bin/sh -c "echo new >$lower/f && touch $lower/x && cat $lower/f && ls -a /"
	echo "$output"
	local host_f host_x
	host_f=$(cat "$lower/f")
	host_x=$(ls "$lower")
	rm -rf "$lower"
	[ "$host_f" = old ]
	[ "$host_x" = f ]
	if [ "$SBX_VM_LANE" = 6.1 ]; then
		[ "$status" -eq 125 ]
		# The sandbox's setup finds it out, so the message carries the step.
		[[ ${lines[0]} == "sbx: setup: overlay-tmp $lower: this kernel's tmpfs keeps no user xattrs (Linux 6.6)"* ]]
		return
	fi
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = new ]
	[[ $output != *".sbx-overlay-tmp"* ]]
}
