#!/usr/bin/env bats
# Per-app AppArmor confinement for real: Debian's kernel boots here with AppArmor on. A test
# AppArmor profile that allows everything except reading /etc/hostname is loaded; `--apparmor`
# (or a profile's `apparmor NAME`) stacks it on COMMAND, as root and as the unprivileged user.

load ../lib/common

AA=sbx-vm-no-hostname

setup() {
	grep -q "^$AA " /sys/kernel/security/apparmor/profiles 2>/dev/null && return 0
	cat >"$BATS_TEST_TMPDIR/aa.profile" <<-PROFILE
	profile $AA flags=(attach_disconnected) {
	  file,
	  network,
	  signal,
	  unix,
	  ptrace,
	  capability,
	  deny /etc/hostname r,
	}
	PROFILE
	apparmor_parser -r -K "$BATS_TEST_TMPDIR/aa.profile"
}

# A label that holds $AA in enforce mode: stacked on an unconfined task it reads
# "$AA//&unconfined (enforce)", and the stack allows only what every part allows.
confined_by_aa() {
	[[ $1 == "$AA (enforce)" || $1 == "$AA//&unconfined (enforce)" ]]
}

@test "vm apparmor: the AppArmor profile is stacked on COMMAND and denies what it denies (root, user)" {
	local who
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ]
	for who in root user; do
		run "sbx_$who" --quiet --apparmor "$AA" -- /bin/cat /proc/self/attr/current
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		confined_by_aa "$output"
		run "sbx_$who" --quiet --apparmor "$AA" -- /bin/cat /etc/hostname
		echo "[$who] $output"
		[ "$status" -ne 0 ]
		[[ $output == *"/etc/hostname: Permission denied"* ]]
		# The control: the same sandbox without it reads the file, and is not confined.
		run "sbx_$who" --quiet -- /bin/cat /etc/hostname /proc/self/attr/current
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[ "${lines[1]}" = unconfined ]
	done
}

@test "vm apparmor: the command's children stay confined, and cannot leave the profile" {
	run sbx_user --quiet --apparmor "$AA" -- /bin/sh -c \
		'cat /proc/self/attr/current; echo "changeprofile unconfined" >/proc/self/attr/current; cat /proc/self/attr/current'
	echo "$output"
	confined_by_aa "${lines[0]}"
	confined_by_aa "${lines[-1]}"
}

@test "vm apparmor: a profile that is not loaded is refused; --explain reports the enforced one" {
	run sbx_user --quiet --apparmor sbx-vm-absent -- /bin/echo ran
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"cannot confine with the AppArmor profile 'sbx-vm-absent' [command line]: the AppArmor profile 'sbx-vm-absent' is not loaded"* ]]
	run sbx_user --quiet --apparmor "$AA" --explain --json -- /bin/true
	echo "$output"
	[ "$(jq -c .apparmor <<<"$output")" = "{\"profile\":\"$AA\",\"required\":true,\"enforced\":true,\"missing\":null}" ]
}
