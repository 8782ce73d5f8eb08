#!/usr/bin/env bats
# cgroup v2 limits for real, in the VM lane (Debian's stock kernel has the memory, pids and cpu
# controllers this host lacks). sbx runs as root here, so it gets its cgroup the third way
# (created under /sys/fs/cgroup/sbx); the unprivileged user gets it from a delegated subtree.

load ../lib/common

CG=/sys/fs/cgroup

# Every cgroup directory sbx could have made: its parent "sbx" and "sbx-PID[-launcher]" leaves.
sbx_cgroups_left() {
	find "$CG" -maxdepth 4 -type d \( -name sbx -o -name 'sbx-[0-9]*' \) 2>/dev/null
}

teardown() {
	# The delegation test's own cgroup; sbx's are checked, not cleaned, by the tests.
	if [ -d "$CG/sbx-vm-deleg" ]; then
		rmdir "$CG"/sbx-vm-deleg/*/ 2>/dev/null
		rmdir "$CG/sbx-vm-deleg" 2>/dev/null
	fi
	true
}

@test "vm: a memory hog is killed at memory.max and reported as out of memory" {
	run sbx_root --memory-max 32M --ro-bind "$VM_HELPERS" -- "$VM_HELPERS/memhog" 512
	echo "status=$status: $output"
	[ "$status" -eq 137 ]
	[[ "$output" == *"allocated 8 MiB"* ]]  # it did run
	[[ "$output" != *"done 512 MiB"* ]]
	[[ "$output" != *"allocated 40 MiB"* ]]
	[[ "$output" == *"out of memory"* ]]
	[[ "$output" == *"memory.max"* ]]
	[ -z "$(sbx_cgroups_left)" ]
}

@test "vm: the same hog completes without the limit (the limit is what stops it)" {
	run sbx_root --ro-bind "$VM_HELPERS" -- "$VM_HELPERS/memhog" 128
	[ "$status" -eq 0 ]
	[[ "$output" == *"done 128 MiB"* ]]
	[[ "$output" != *"out of memory"* ]]
}

@test "vm: forks stop at pids.max and sbx reports the pids limit" {
	run sbx_root --pids-max 16 --ro-bind "$VM_HELPERS" -- "$VM_HELPERS/forkmany" 1000
	echo "status=$status: $output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"fork failed: Resource temporarily unavailable"* ]]
	local forked
	forked=$(sed -n 's/^forked \([0-9]*\)$/\1/p' <<<"$output" | head -n 1)
	# 16 tasks in the cgroup: pid 1, forkmany itself, and at most 14 children.
	[ -n "$forked" ] && [ "$forked" -le 14 ] && [ "$forked" -ge 1 ]
	[[ "$output" == *"limit"*"pids.max"* ]]
	[ -z "$(sbx_cgroups_left)" ]
}

@test "vm: a shell fork bomb is contained by pids.max (--timeout as a backstop)" {
	local t0=$SECONDS
	run sbx_root --pids-max 64 --timeout 4s -- sh -c 'b() { b & b & wait; }; b'
	echo "status=$status after $((SECONDS - t0))s: $output"
	[[ "$output" == *"Cannot fork"* ]]
	[[ "$output" == *"limit"*"pids.max"* ]]
	# It either burns itself out or runs into the timeout; when killed, the timeout says so.
	[ "$status" -lt 128 ] || [[ "$output" == *"timed out after"* ]]
	[ $((SECONDS - t0)) -lt 60 ]
	[ -z "$(sbx_cgroups_left)" ]
	# The guest is fine: it can still start processes.
	run sh -c 'echo alive'
	[ "$output" = alive ]
}

@test "vm: cpu.max throttles a busy loop (CPU time over wall time)" {
	run sbx_root --ro-bind "$VM_HELPERS" -- "$VM_HELPERS/spin" 3
	echo "unlimited: $output"
	[ "$status" -eq 0 ]
	local free
	free=$(sed -n 's/.*ratio_pct=\([0-9]*\).*/\1/p' <<<"$output")

	run sbx_root --cpu-max 20% --ro-bind "$VM_HELPERS" -- "$VM_HELPERS/spin" 3
	echo "cpu.max 20%: $output"
	[ "$status" -eq 0 ]
	local limited
	limited=$(sed -n 's/.*ratio_pct=\([0-9]*\).*/\1/p' <<<"$output")
	echo "free=$free% limited=$limited%"
	[ "$free" -ge 60 ]
	[ "$limited" -le 30 ]
	[ "$limited" -ge 5 ]
	[ -z "$(sbx_cgroups_left)" ]
}

@test "vm: the sandbox runs in its own leaf with the limits written, and the leaf is gone afterwards" {
	"$SBX" --memory-max 48M --memory-high 40M --pids-max 50 --cpu-max 50000/100000 -- \
		sh -c 'cat /proc/self/cgroup > /tmp/cg; sleep 3; cat /tmp/cg' > "$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$!
	local leaf=""
	for _ in $(seq 1 100); do
		leaf=$(find "$CG/sbx" -mindepth 1 -maxdepth 1 -type d -name 'sbx-*' 2>/dev/null | head -n 1)
		[ -n "$leaf" ] && [ -n "$(cat "$leaf/cgroup.procs" 2>/dev/null)" ] && break
		sleep 0.1
	done
	echo "leaf=$leaf"
	[ -n "$leaf" ]
	[ "$(cat "$leaf/memory.max")" = 50331648 ]
	[ "$(cat "$leaf/memory.high")" = 41943040 ]
	[ "$(cat "$leaf/pids.max")" = 50 ]
	[ "$(cat "$leaf/cpu.max")" = "50000 100000" ]
	# Everything of the sandbox is in the leaf (sbx itself is not).
	[ -n "$(cat "$leaf/cgroup.procs")" ]
	if grep -qx "$pid" "$leaf/cgroup.procs"; then echo "sbx ($pid) is in the leaf"; false; fi
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/out"
	# Inside, a cgroup namespace rooted at the leaf.
	grep -qx '0::/' "$BATS_TEST_TMPDIR/out"
	[ ! -e "$leaf" ]
	[ -z "$(sbx_cgroups_left)" ]
}

@test "vm: the cgroup is removed and its processes killed when COMMAND leaves children behind" {
	run sbx_root --pids-max 50 -- sh -c 'sleep 300 & sleep 300 & echo started'
	[ "$status" -eq 0 ]
	[[ "$output" == *started* ]]
	[ -z "$(sbx_cgroups_left)" ]
	if pgrep -x -f 'sleep 300'; then echo "the children survived"; false; fi
}

@test "vm: an unprivileged user without a delegated cgroup is refused, listing the ways tried" {
	run sbx_user --memory-max 32M -- echo ran
	echo "$output"
	[ "$status" -eq 125 ]
	# COMMAND did not run: no line of its own (the notices may say "grant", so no substring match).
	local line
	for line in "${lines[@]}"; do [ "$line" != ran ]; done
	[[ "$output" == *"cannot apply the cgroup limits (memory.max 32M)"* ]]
	run sbx_user --explain --memory-max 32M -- echo ran
	[[ "$output" == *"1. delegated subtree: sbx runs in the root cgroup"* ]]
	[[ "$output" == *"2. systemd scope: systemd is not the init system"* ]]
	[[ "$output" == *"3. as root: sbx is not running as root"* ]]
	run sbx_user --memory-max 32M --limits-optional -- echo ran
	[ "$status" -eq 0 ]
	[[ "$output" == *ran* ]]
}

@test "vm: an unprivileged user with a delegated cgroup gets the limits (memory hog killed) and nothing is left" {
	local d=$CG/sbx-vm-deleg uid gid
	uid=$(id -u "$TEST_USER")
	gid=$(id -g "$TEST_USER")
	# Delegate like systemd does: the directory and its procs/subtree_control/threads files.
	echo "+memory +pids +cpu" > "$CG/cgroup.subtree_control"
	mkdir "$d"
	chown "$uid:$gid" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads"
	# Root puts the shell into the subtree, then it becomes the user and execs sbx (alone there).
	run bash -c 'echo $$ > "$1/cgroup.procs" && cd / && exec setpriv --reuid="$2" --regid="$3" --clear-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/tmp "$4" --memory-max 32M --ro-bind "$5" -- "$5/memhog" 512' \
		_ "$d" "$uid" "$gid" "$SBX" "$VM_HELPERS"
	echo "status=$status: $output"
	[ "$status" -eq 137 ]
	[[ "$output" == *"allocated 8 MiB"* ]]
	[[ "$output" == *"out of memory"* ]]
	# sbx moved itself back, removed its leaves and disabled what it enabled.
	[ -z "$(cat "$d/cgroup.procs")" ]
	[ -z "$(find "$d" -mindepth 1 -type d)" ]
	[ -z "$(cat "$d/cgroup.subtree_control")" ]
}

@test "vm: a delegated cgroup shared with other processes is refused with the reason" {
	local d=$CG/sbx-vm-deleg uid gid
	uid=$(id -u "$TEST_USER")
	gid=$(id -g "$TEST_USER")
	echo "+memory +pids +cpu" > "$CG/cgroup.subtree_control"
	mkdir "$d"
	chown "$uid:$gid" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.threads"
	# Here the root shell stays in the subtree next to sbx (no exec).
	run bash -c 'echo $$ > "$1/cgroup.procs" && cd / && setpriv --reuid="$2" --regid="$3" --clear-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/tmp "$4" --memory-max 32M -- echo ran; echo "rc=$?"; \
		setpriv --reuid="$2" --regid="$3" --clear-groups -- \
		env -i PATH=/usr/bin:/bin HOME=/tmp "$4" --explain --memory-max 32M -- echo ran' \
		_ "$d" "$uid" "$gid" "$SBX"
	echo "$output"
	[[ "$output" == *"rc=125"* ]]
	[[ "$output" == *"1. delegated subtree: $d also holds other processes"* ]]
	[ -z "$(find "$d" -mindepth 1 -type d)" ]
}
