#!/usr/bin/env bats
# AppArmor's user-namespace mediation and sbx's own AppArmor profile (profiles/apparmor/sbx).
# Linux 6.7+ (the 6.12 lane) lets an AppArmor 4 profile (abi/4.0) decide whether its tasks may
# create user namespaces: without a `userns,` rule they may not. Ubuntu confines unprivileged
# programs that way, which is why sbx ships a profile granting it `userns,`. Here, with trixie's
# AppArmor 4.1 parser (vm.mk fetches it; Debian 12's 3.0.8 refuses abi/4.0 and `userns,`) and the
# tree `make install PREFIX=/usr/local` made (vm.mk), the tests show:
#  (a) a task confined by an abi-4.0 profile without `userns,` cannot create a user namespace;
#  (b) sbx, installed at /usr/local/bin/sbx and so attached to its profile, runs a sandbox from
#      such a parent, while the same binary under the parent's profile cannot;
#  (c) the command sbx runs is confined by the profile sbx stacks (--apparmor), which denies it
#      user namespaces although sbx's own profile allows them.
# The 6.1 lane has no userns mediation at all; the first test asserts that instead.

load ../lib/common

NOUSERNS=sbx-vm-no-userns
PARENT=sbx-vm-userns-parent
SBX_AT=/usr/local/bin/sbx
SBX_ELSEWHERE=/opt/sbx-vm-elsewhere/sbx
FEATURES=/sys/kernel/security/apparmor/features

# Profiles without `userns,`. Both allow what their tasks need otherwise; the parent runs sbx at
# its installed path under sbx's own profile (px) and a copy elsewhere under itself (ix).
write_profiles() {
	cat >"$BATS_FILE_TMPDIR/$NOUSERNS" <<-PROFILE
	abi <abi/4.0>,
	profile $NOUSERNS flags=(attach_disconnected) {
	  file,
	  network,
	  signal,
	  unix,
	  ptrace,
	  capability,
	}
	PROFILE
	cat >"$BATS_FILE_TMPDIR/$PARENT" <<-PROFILE
	abi <abi/4.0>,
	profile $PARENT flags=(attach_disconnected) {
	  /** rwlkm,
	  /{usr/,}bin/* ix,
	  $SBX_AT px,
	  $SBX_ELSEWHERE ix,
	  network,
	  signal,
	  unix,
	  ptrace,
	  capability,
	}
	PROFILE
}

setup_file() {
	[ "$SBX_VM_LANE" = 6.12 ] || return 0
	write_profiles
	"$SBX_VM_AA4" -r -K "$BATS_FILE_TMPDIR/$NOUSERNS" "$BATS_FILE_TMPDIR/$PARENT"
	install -D -m 0755 "$SBX_VM_INSTALL$SBX_AT" "$SBX_AT"
	install -D -m 0755 "$SBX_VM_INSTALL$SBX_AT" "$SBX_ELSEWHERE"
	"$SBX_VM_AA4" -r -K "$SBX_VM_INSTALL/usr/local/share/apparmor/extra-profiles/sbx"
}

teardown_file() {
	[ "$SBX_VM_LANE" = 6.12 ] || return 0
	"$SBX_VM_AA4" -R -K "$BATS_FILE_TMPDIR/$NOUSERNS" "$BATS_FILE_TMPDIR/$PARENT" || true
	"$SBX_VM_AA4" -R -K "$SBX_VM_INSTALL/usr/local/share/apparmor/extra-profiles/sbx" || true
	rm -rf "$SBX_AT" "${SBX_ELSEWHERE%/*}"
}

on_612() {
	[ "$SBX_VM_LANE" = 6.12 ] || skip "the 6.1 lane has no userns mediation (the first test asserts that)"
}

# The kernel log's AppArmor denial of a user namespace for PROFILE (no auditd: records go to dmesg).
userns_denied_for() {
	dmesg | grep 'apparmor="DENIED"' | grep 'operation="userns_create"' | grep -q "profile=\"$1\""
}

@test "vm apparmor userns: the kernel mediates user namespace creation on 6.12 and not on 6.1" {
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ]
	run cat "$FEATURES/namespaces/mask"
	echo "lane $SBX_VM_LANE ($(uname -r)): namespaces/mask: $output; namespaces: $(ls "$FEATURES/namespaces")"
	if [ "$SBX_VM_LANE" = 6.12 ]; then
		[ "$status" -eq 0 ]
		[[ " $output " == *" userns_create "* ]]
	else
		# 6.1: no mask file, so no AppArmor profile can deny a user namespace there; sbx's own
		# profile is neither needed nor loadable (3.0.8 refuses abi/4.0).
		[ "$SBX_VM_LANE" = 6.1 ]
		[ "$status" -ne 0 ]
		run grep -rls userns "$FEATURES"
		echo "features naming userns: $output"
		[ -z "$output" ]
	fi
}

@test "vm apparmor userns: profiles/apparmor/sbx compiles with AppArmor 4 against this kernel, and is loaded" {
	on_612
	run "$SBX_VM_AA4" -V
	[[ ${lines[0]} == "AppArmor parser version 4."* ]]
	# The file in the repo and the one make install wrote (its attachment is BINDIR/sbx).
	run "$SBX_VM_AA4" -Q -K --Werror "$_SBX_REPO/profiles/apparmor/sbx"
	echo "$output"
	[ "$status" -eq 0 ]
	run grep -c "^profile sbx $SBX_AT flags=(unconfined)" "$SBX_VM_INSTALL/usr/local/share/apparmor/extra-profiles/sbx"
	[ "$output" = 1 ]
	grep -qx "sbx (unconfined)" /sys/kernel/security/apparmor/profiles
	grep -qx "$NOUSERNS (enforce)" /sys/kernel/security/apparmor/profiles
}

@test "vm apparmor userns: (a) a task confined by a profile without userns cannot create a user namespace (root, user)" {
	on_612
	local who
	for who in root user; do
		# The control: unconfined, it can.
		run "as_$who" unshare -U /bin/true
		echo "[$who] unconfined: $output"
		[ "$status" -eq 0 ]
		run "as_$who" aa-exec -p "$NOUSERNS" -- unshare -U /bin/true
		echo "[$who] $NOUSERNS: $output"
		[ "$status" -ne 0 ]
		[[ $output == *"unshare failed: Permission denied"* ]]
	done
	userns_denied_for "$NOUSERNS"
}

@test "vm apparmor userns: (b) sbx in its own profile runs a sandbox from a parent whose profile denies user namespaces (root, user)" {
	on_612
	local who
	for who in root user; do
		run "as_$who" aa-exec -p "$PARENT" -- /bin/sh -c 'cat /proc/self/attr/current; unshare -U /bin/true'
		echo "[$who] parent: $output"
		[ "${lines[0]}" = "$PARENT (enforce)" ]
		[[ $output == *"unshare failed: Permission denied"* ]]
		# The installed sbx gets its profile at exec and creates the sandbox's user namespace.
		run "as_$who" aa-exec -p "$PARENT" -- /bin/sh -c "exec $SBX_AT --quiet -- /bin/sh -c 'echo ran; cat /proc/self/status'"
		echo "[$who] $SBX_AT: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = ran ]
		grep -q '^CapEff:[[:space:]]*0*$' <<<"$output"
		# The same binary elsewhere runs under the parent's profile, which denies it.
		run "as_$who" aa-exec -p "$PARENT" -- /bin/sh -c "exec $SBX_ELSEWHERE --quiet -- /bin/echo ran"
		echo "[$who] $SBX_ELSEWHERE: $output"
		[ "$status" -ne 0 ]
		[[ $output != *ran* ]]
	done
	userns_denied_for "$PARENT"
}

@test "vm apparmor userns: (c) the command is confined by the profile sbx stacks, not by sbx's userns right (root, user)" {
	on_612
	local who
	for who in root user; do
		# Without a stacked profile COMMAND inherits sbx's profile (so --allow userns, which lifts
		# sbx's seccomp block, lets it nest a user namespace)...
		run "as_$who" aa-exec -p "$PARENT" -- /bin/sh -c \
			"exec $SBX_AT --quiet --allow userns -- /bin/sh -c 'cat /proc/self/attr/current; unshare -U /bin/true && echo nested'"
		echo "[$who] no --apparmor: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "sbx (unconfined)" ]
		[ "${lines[1]}" = nested ]
		# ...with --apparmor the stack holds the stacked profile, and AppArmor (EACCES, not
		# seccomp's EPERM, which --allow userns lifted) denies the nested user namespace.
		run "as_$who" aa-exec -p "$PARENT" -- /bin/sh -c \
			"exec $SBX_AT --quiet --allow userns --apparmor $NOUSERNS -- /bin/sh -c 'cat /proc/self/attr/current; unshare -U /bin/true && echo nested'"
		echo "[$who] --apparmor $NOUSERNS: $output"
		[ "$status" -ne 0 ]
		[[ ${lines[0]} == *"$NOUSERNS"* ]]
		[[ ${lines[0]} != "sbx (unconfined)" ]]
		[[ $output == *"unshare failed: Permission denied"* ]]
		[[ $output != *nested* ]]
	done
	userns_denied_for "$NOUSERNS"
}
