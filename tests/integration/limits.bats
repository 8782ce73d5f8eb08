#!/usr/bin/env bats
# Resource limits on the host: rlimits seen from inside, units, the default core limit, --timeout,
# and cgroup limits, which this host cannot give (cgroup v2 without memory/pids/cpu controllers):
# they must be refused with the list of ways tried, and accepted when marked optional. The
# cgroup limits themselves are tested in the VM lane (tests/vm/limits.bats).

load ../lib/common

# The cgroup2 mount, as sbx finds it (/sys/fs/cgroup on a unified system).
cgroup2_mount() {
	awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
		/proc/self/mountinfo | head -n 1
}

host_has_controller() {
	local mnt
	mnt=$(cgroup2_mount)
	[ -n "$mnt" ] && grep -qw "$1" "$mnt/cgroup.controllers"
}

# Every cgroup directory sbx could have made: its parent "sbx" (root) and "sbx-PID" leaves.
sbx_cgroups_left() {
	local mnt
	mnt=$(cgroup2_mount)
	[ -n "$mnt" ] || return 0
	find "$mnt" -maxdepth 4 -type d \( -name 'sbx' -o -name 'sbx-[0-9]*' \) 2>/dev/null
}

# The sbx cgroups there now that were not in BEFORE (an earlier sbx_cgroups_left), so what the runs
# in between left behind. Other sandboxes may run meanwhile (another suite, a user): the leaf of an
# sbx that is still running is theirs, and a parent "sbx" that holds leaves is not itself left over
# (its leaves are listed when their sbx is gone).
sbx_cgroups_added() {
	local before=$1 d name
	while IFS= read -r d; do
		[ -n "$d" ] || continue
		grep -qxF -- "$d" <<<"$before" && continue
		name=${d##*/}
		if [[ $name =~ ^sbx-([0-9]+)(-launcher)?$ ]]; then
			[ -d "/proc/${BASH_REMATCH[1]}" ] && continue
		elif [ -n "$(find "$d" -mindepth 1 -maxdepth 1 -type d -name 'sbx-[0-9]*' 2>/dev/null)" ]; then
			continue
		fi
		echo "$d"
	done <<<"$(sbx_cgroups_left)"
}

@test "limits: --rlimit values are in force inside (/proc/self/limits and ulimit), as root and as user" {
	for who in root user; do
		run "sbx_$who" --rlimit nofile=64 --rlimit as=512M --rlimit fsize=1M --rlimit nproc=300 -- \
			sh -c 'cat /proc/self/limits; echo "ulimit-n=$(ulimit -n) ulimit-v=$(ulimit -v) ulimit-f=$(ulimit -f)"'
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		[[ "$output" =~ Max\ open\ files\ +64\ +64\ + ]]
		[[ "$output" =~ Max\ address\ space\ +536870912\ +536870912\ +bytes ]]
		[[ "$output" =~ Max\ file\ size\ +1048576\ +1048576\ +bytes ]]
		[[ "$output" =~ Max\ processes\ +300\ +300\ + ]]
		# ulimit -v and -f count KiB (-f in 1024-byte blocks in sh/dash).
		[[ "$output" == *"ulimit-n=64 ulimit-v=524288 ulimit-f="* ]]
	done
}

@test "limits: core dumps are off by default (RLIMIT_CORE 0) even when the caller allows them" {
	# Raise the caller's own soft core limit as far as its hard limit allows, so 0 inside is sbx's doing.
	local script='ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -Hc)"; echo "outside=$(ulimit -c)"; exec "$0" -- sh -c "echo inside=\$(ulimit -c); grep \"Max core\" /proc/self/limits"'
	run bash -c "$script" "$SBX"
	echo "[root] $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"outside=unlimited"* ]]
	[[ "$output" == *"inside=0"* ]]
	[[ "$output" =~ Max\ core\ file\ size\ +0\ +0\ +bytes ]]

	run as_user bash -c "$script" "$SBX"
	echo "[user] $output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"outside=0"* ]] || skip "the test user's hard core limit is 0: nothing to lower"
	[[ "$output" == *"inside=0"* ]]
	[[ "$output" =~ Max\ core\ file\ size\ +0\ +0\ +bytes ]]
}

@test "limits: an explicit --rlimit core= overrides the default" {
	run sbx_user --rlimit core=1M -- grep "Max core" /proc/self/limits
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ Max\ core\ file\ size\ +1048576\ +1048576\ +bytes ]]
}

@test "limits: rlimit units: fsize=1M stops a 2 MiB write, cpu=1s kills a busy loop" {
	for who in root user; do
		run "sbx_$who" --rlimit fsize=1M -- sh -c 'trap "" XFSZ; head -c 2097152 /dev/zero > /tmp/big; echo "rc=$? size=$(stat -c %s /tmp/big)"'
		echo "[$who] $output"
		[[ "$output" == *"rc=1 size=1048576"* ]]

		local t0=$SECONDS
		run "sbx_$who" --rlimit cpu=1s -- sh -c 'while :; do :; done'
		echo "[$who] status=$status after $((SECONDS - t0))s: $output"
		# soft = hard = 1 s: the kernel's hard-limit SIGKILL comes first (SIGXCPU needs soft < hard).
		[ "$status" -eq $((128 + 9)) ]
		[ $((SECONDS - t0)) -lt 30 ]
	done
}

@test "limits: bad rlimit names and values are refused with a clear error (exit 125)" {
	run sbx_user --rlimit nofiles=10 -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown rlimit 'nofiles'"* ]]
	run sbx_user --rlimit nofile=lots -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"nofile"*"'lots'"* ]]
	run sbx_user --rlimit cpu=1500ms -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"whole number of seconds"* ]]
	run sbx_user --memory-max 12X -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--memory-max '12X'"* ]]
	run sbx_user --cpu-max 0% -- true
	[ "$status" -eq 125 ]
	run sbx_user --timeout 10x -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--timeout '10x'"* ]]
}

@test "limits: --timeout stops the command with SIGTERM and says so" {
	for who in root user; do
		local t0=$SECONDS
		run "sbx_$who" --timeout 1s -- sleep 60
		echo "[$who] status=$status after $((SECONDS - t0))s: $output"
		[ "$status" -eq $((128 + 15)) ]
		[ $((SECONDS - t0)) -lt 5 ]
		[[ "$output" == *"timed out after"* ]]
	done
}

@test "limits: --timeout escalates to SIGKILL after the grace period when SIGTERM is ignored" {
	local marker="sbx-limits-timeout-$$-$RANDOM"
	local t0=$SECONDS
	run sbx_user --timeout 1s -- sh -c "trap '' TERM; while :; do sleep 0.2; done" "$marker"
	local took=$((SECONDS - t0))
	echo "status=$status after ${took}s: $output"
	[ "$status" -eq $((128 + 9)) ]
	[ "$took" -ge 5 ]   # 1 s timeout + 5 s grace (SECONDS has 1 s granularity)
	[ "$took" -lt 20 ]
	[[ "$output" == *"timed out after"* ]]
	# Nothing of the sandbox survives.
	sleep 0.5
	run pgrep -f "$marker"
	[ "$status" -ne 0 ]
}

@test "limits: a command that finishes before its --timeout is not reported" {
	run sbx_user --timeout 30s -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[[ "$output" != *"timed out"* ]]
}

@test "limits: a memory limit this host cannot give is refused in one line; --explain lists each way tried and why" {
	host_has_controller memory && [ "$(id -u)" = 0 ] && skip "host has a cgroup v2 memory controller: the limit is applied (see tests/vm)"
	local before
	before=$(sbx_cgroups_left)
	run sbx_root -q --memory-max 64M -- echo ran
	echo "[root] $output"
	[ "$status" -eq 125 ]
	# One error line and one hint line, nothing of COMMAND's.
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "sbx: cannot apply the cgroup limits (memory.max 64M): "* ]]
	[[ "${lines[1]}" == "sbx: hint: sbx --explain says why"*"--limits-optional"* ]]
	run sbx_root --explain --memory-max 64M -- echo ran
	[ "$status" -eq 0 ]
	[[ "$output" == *"now: not available: 1. delegated subtree: "*"2. systemd scope: "*"3. as root: "*"no memory controller"* ]]
	# The plan's refusal, as a run would meet it.
	[[ "$output" == *"REFUSED here, sbx would not run: cannot apply the cgroup limits (memory.max 64M): "* ]]
	run sbx_root -q --explain --json --memory-max 64M -- echo ran
	[ "$status" -eq 0 ]
	echo "$output" | /usr/bin/python3 -c 'import json, sys
r = json.load(sys.stdin)["refusals"]
assert len(r) == 1 and r[0].startswith("cannot apply the cgroup limits (memory.max 64M)"), r'

	run sbx_user -q --memory-max 64M --pids-max 32 -- echo ran
	echo "[user] $output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *"memory.max 64M, pids.max 32"* ]]
	run sbx_user --explain --memory-max 64M --pids-max 32 -- echo ran
	[[ "$output" == *"1. delegated subtree: "*"2. systemd scope: "*"3. as root: sbx is not running as root"* ]]

	[ -z "$(sbx_cgroups_added "$before")" ]
}

@test "limits: cpu and pids limits are refused the same way when their controllers are missing" {
	host_has_controller cpu && host_has_controller pids && skip "host has cpu and pids controllers"
	local before
	before=$(sbx_cgroups_left)
	run sbx_root --cpu-max 50% -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"cpu.max 50000 100000"* ]]
	run sbx_root --explain --cpu-max 50% -- true
	[[ "$output" == *"3. as root: "* ]]
	run sbx_root --pids-max 10 -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"pids.max 10"* ]]
	[ -z "$(sbx_cgroups_added "$before")" ]
}

@test "limits: with --limits-optional the same limit is skipped with a warning and the command runs" {
	local before
	before=$(sbx_cgroups_left)
	for who in root user; do
		run "sbx_$who" --memory-max 64M --limits-optional -- echo ran
		echo "[$who] $output"
		[ "$status" -eq 0 ]
		grep -qx ran <<<"$output"
		if ! host_has_controller memory || [ "$who" = user ]; then
			[[ "$output" == *"warning: cgroup limits (memory.max 64M) not applied"* ]]
			[[ "$output" == *"1. delegated subtree:"*"2. systemd scope:"*"3. as root:"* ]]
		fi
	done
	# --quiet keeps the warning off stderr but still runs.
	run sbx_user --quiet --memory-max 64M --limits-optional -- echo ran
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	[ -z "$(sbx_cgroups_added "$before")" ]
}

# The cgroup directory of the sandboxed process whose command line is exactly CMDLINE, once it runs.
sandboxed_cgroup_dir() {
	local cmdline=$1 inner path
	wait_until 10 pgrep -f "^$cmdline\$" >/dev/null || return 1
	inner=$(pgrep -f "^$cmdline\$") || return 1
	path=$(sed -n 's/^0:://p' "/proc/$inner/cgroup")
	[ -n "$path" ] && echo "$(cgroup2_mount)$path"
}

@test "limits: a cgroup that a killed sbx left is removed by the next run; a running sandbox's is not" {
	needs_root
	[ -n "$(cgroup2_mount)" ] || skip "no cgroup v2 hierarchy"
	local m="sbxlimits$$x$RANDOM" killed live killed_leaf live_leaf
	# sbx cannot clean up after SIGKILL: its sandbox dies with it, but its leaf stays.
	spawn_sbx killed "$BATS_TEST_TMPDIR/killed.out" root --quiet --ro-bind "$HELPERS:/helpers" -- \
		/helpers/probe-core sleep 60 "${m}k"
	killed_leaf=$(sandboxed_cgroup_dir "/helpers/probe-core sleep 60 ${m}k")
	[ "${killed_leaf##*/}" = "sbx-$killed" ] ||
		skip "root runs get no cgroup of their own on this host (the sandbox is in $killed_leaf)"
	kill -KILL "$killed"
	wait "$killed" || true
	wait_until 10 grep -qx 'populated 0' "$killed_leaf/cgroup.events"
	[ -d "$killed_leaf" ]  # control: the leftover the next run has to remove

	spawn_sbx live "$BATS_TEST_TMPDIR/live.out" root --quiet --ro-bind "$HELPERS:/helpers" -- \
		/helpers/probe-core sleep 60 "${m}l"
	live_leaf=$(sandboxed_cgroup_dir "/helpers/probe-core sleep 60 ${m}l")
	[ "${live_leaf##*/}" = "sbx-$live" ]

	run sbx_root --quiet -- echo ran
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	[ ! -e "$killed_leaf" ]
	# The running sandbox keeps its leaf, and still runs in it.
	[ -d "$live_leaf" ]
	grep -qx 'populated 1' "$live_leaf/cgroup.events"
	kill -TERM "$live"
	wait "$live" || true
	[ ! -e "$live_leaf" ]  # removed by its own sbx
}

@test "limits: --explain shows the rlimits and cgroup limits and whether they are required" {
	run sbx_user --explain --rlimit nofile=128 --memory-max 64M --limits-optional -- true
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"nofile"*"128"* ]]
	[[ "$output" == *"core"*"0"* ]]
	[[ "$output" == *"memory.max 64M"* ]]
	[[ "$output" == *"optional"* ]]
}
