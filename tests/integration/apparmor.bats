#!/usr/bin/env bats
# Per-app AppArmor confinement on the host side: what sbx does when a profile asks for it and the
# kernel cannot give it (this host's kernel has no AppArmor; tests/vm/apparmor.bats confines for
# real under Debian's kernel). Refusal by default, a warning when optional, --explain says which.

load ../lib/common

# The reason sbx must give on this machine: AppArmor off, or on without our test profile loaded.
expected_reason() {
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		echo "the AppArmor profile 'sbx-test-absent' is not loaded"
	else
		echo "AppArmor is not built into or not enabled in this kernel"
	fi
}

@test "apparmor: a required AppArmor profile that cannot be applied is refused before anything runs (user, root)" {
	local who reason
	reason=$(expected_reason)
	for who in user root; do
		run "sbx_$who" --quiet --apparmor sbx-test-absent -- /bin/echo ran
		echo "[$who] $output"
		[ "$status" -eq 125 ]
		[[ $output != *ran* ]]
		[[ ${lines[0]} == "sbx: cannot confine with the AppArmor profile 'sbx-test-absent' [command line]: $reason" ]]
	done
}

@test "apparmor: marked optional in the profile, it is skipped with a warning and the command runs" {
	user_profile aa-optional.profile 'apparmor sbx-test-absent optional'
	run sbx_user --profile aa-optional -- /bin/echo ran
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sbx: warning: AppArmor profile 'sbx-test-absent' not applied (optional): $(expected_reason)" ]
	[ "${lines[1]}" = ran ]
	# --quiet drops the warning, not the decision.
	run sbx_user --quiet --profile aa-optional -- /bin/echo ran
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}

@test "apparmor: an include cannot make the confinement optional; bad lines name file:line:column" {
	user_profile aa-loose.inc 'apparmor sbx-test-absent optional'
	user_profile aa-strict.profile 'include aa-loose'
	run sbx_user --profile aa-strict -- /bin/true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ $output == *"aa-loose.inc:1:26: relaxes an always-on protection"* ]]
	user_profile aa-bad.profile 'apparmor sbx-test-absent sometimes'
	run sbx_user profile check "$TEST_HOME/.config/sbx/profiles/aa-bad.profile"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"aa-bad.profile:1:26: expected 'optional' or nothing: 'sometimes'"* ]]
}

@test "apparmor: --explain says whether the AppArmor profile is applied, in text and JSON" {
	user_profile aa-optional.profile 'apparmor sbx-test-absent optional'
	run sbx_user --quiet --profile aa-optional --explain -- /bin/true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"apparmor: profile 'sbx-test-absent' NOT applied (optional): $(expected_reason)"* ]]
	run sbx_user --quiet --apparmor sbx-test-absent --explain --json -- /bin/true
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -c .apparmor <<<"$output")" = "{\"profile\":\"sbx-test-absent\",\"required\":true,\"enforced\":false,\"missing\":\"$(expected_reason)\"}" ]
	run sbx_user --quiet --explain --json -- /bin/true
	[ "$(jq -c .apparmor <<<"$output")" = null ]
}
