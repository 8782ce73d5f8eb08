#!/usr/bin/env bats
# The i386 half of the foreign-ABI rules (seccomp, learn), in the VM lane: some hosts cannot run int 0x80 at all
# (tests/integration/seccomp.bats checks the x32 half there), Debian's kernel under qemu can.

load ../lib/common

foreign_i386() {
	local who=$1
	# Control: the guest kernel runs an i386 call from a 64-bit process.
	run "$HELPERS/try-syscall" i386-getpid
	[ "$output" = "i386-getpid OK" ]
	run sbx_as "$who" -q --ro-bind "$HELPERS:/helpers" -- /helpers/try-syscall --direct i386-getpid
	echo "$who: status=$status $output"
	[ "$status" -eq 159 ]
	run sbx_as "$who" -q --ro-bind "$HELPERS:/helpers" --allow multiarch -- /helpers/try-syscall --direct i386-getpid
	[ "$status" -eq 0 ]
}

@test "vm: an i386 syscall (int 0x80) kills the command with SIGSYS; --allow multiarch lets it run (root)" {
	foreign_i386 root
}

@test "vm: an i386 syscall (int 0x80) kills the command with SIGSYS; --allow multiarch lets it run (user)" {
	foreign_i386 user
}

# The same for sbx learn (tests/integration/learn.bats checks it where the host runs int 0x80).
@test "vm: learn notes calls in a foreign ABI (i386 int 0x80), with the eBPF recorder (root) and the notifier (user)" {
	local who out
	for who in root user; do
		if [ "$who" = root ]; then
			out=$(as_root "$SBX" learn --quiet --allow multiarch --ro-bind "$HELPERS:/helpers" -- \
				/helpers/try-syscall --direct i386-getpid 2>&1)
		else
			out=$(as_user "$SBX" learn --quiet --allow multiarch --ro-bind "$HELPERS:/helpers" -- \
				/helpers/try-syscall --direct i386-getpid 2>&1)
		fi
		echo "[$who] $out"
		[[ $out == *"# note: the program made calls in a foreign ABI (i386/x32)"* ]]
	done
}
