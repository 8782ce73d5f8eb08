#!/usr/bin/env bats
# One directive table for profiles and the command line (issue 11 §2): every directive of
# `sbx profile directives` has an option that gives the same sandbox as its profile line, and
# --help, sbx(1) and sbx-profile(5) name the same set.

load ../lib/common
bats_require_minimum_version 1.5.0

setup() {
	user_tmpdir WORK sbx-directives
	as_user mkdir -p "$WORK/d" "$WORK/home"
	as_user touch "$WORK/d/f"
}

teardown() {
	sbx_cleanup
}

# A sample for each directive: "NAME|VALUE[|LINE BOTH RUNS NEED]" ($W is the work directory): the
# profile line is "NAME VALUE", the option --NAME VALUE. A directive added to the table without a
# sample here fails the first test.
samples() {
	local W=$WORK
	cat <<EOF
include|desktop
include-try|no-such-include
bind|$W/d /mnt/d
bind-try|$W/missing
ro-bind|$W/d
ro-bind-try|$W/d /mnt/d
dev-bind|/dev/null /dev/null2
dev-bind-try|/dev/sbx-no-such-node
bind-create|$W/created
tmpfs|/mnt/t
grant-args|rw
ssh-agent|
socket|pipewire optional
device|dri
device-try|snd
talk-name|org.example.A
own-name|org.example.B
see-name|org.example.C
call|org.example.D=org.example.D.Get@/d
broadcast|org.example.E=*
system-talk-name|org.example.F
system-own-name|org.example.G
system-see-name|org.example.H
system-call|org.example.I=*
system-broadcast|org.example.J=*
names|-
net|host
net-connect|127.0.0.1:80
net-bind|8080
net-rules|optional
exec-allow|/usr/bin/true
exec-allow-try|/usr/bin/no-such-program
open-deny|/etc/hostname
open-deny-try|/etc/no-such-file
lsm-rules|optional
hostname|box.example
user|www-data
caps-keep|net_bind_service|net-bind 80
setenv|GREETING=hi there
unsetenv|GREETING
keepenv|LC_*
clearenv|
allow|devel
syscalls|errno EPERM ptrace
landlock|optional
apparmor|sbx-no-such-profile optional
limits-optional||memory-max 64M
rlimit|nofile=64
timeout|5s
memory-max|64M
memory-high|32M
memory-swap-max|0
pids-max|50
cpu-max|50%
cpu-weight|50
io-weight|50
home|persistent
overlay|$W/d
overlay-tmp|$W/d
mask|$W/d/f
private-bin|cat ls
private-bin-try|cat sbx-no-such-program
private-etc|hosts
private-etc-try|sbx-no-such-entry
machine-id|random
noexec|/tmp
memory-deny-write-execute|
EOF
}

# explain_with RUNNER PROFILE-TEXT ARGS...: --explain --json of `true ARG` under a profile file
# holding PROFILE-TEXT, with origins and the profile's name made equal, or "exit N: message".
explain_with() {
	local runner=$1 text=$2 out rc
	shift 2
	printf '%s\n' "$text" >"$WORK/x.profile"
	chmod 0644 "$WORK/x.profile"
	out=$($runner env DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent "$SBX" -q --explain --json \
		--profile "$WORK/x.profile" "$@" -- cat "$WORK/d/f" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		# The message names the line or the option: keep what follows the last ": " of the first line.
		echo "exit $rc: ${out##*: }"
		return
	fi
	jq -S 'walk(if type == "string" then gsub("command line|[^ ()]*x\\.profile:[0-9]+"; "ORIGIN") else . end)' <<<"$out"
}

@test "directives: every directive of the table has a sample here, and every sample a directive" {
	run -0 "$SBX" profile directives
	table=$(cut -f1 <<<"$output" | sort)
	[ -n "$table" ]
	mine=$(samples | cut -d'|' -f1 | sort)
	diff <(echo "$table") <(echo "$mine")
	# Only the lookup names have no option: they say which commands a profile is for.
	[ "$(awk -F'\t' '$2 == "-" { print $1 }' <<<"$output")" = names ]
}

@test "directives: --OPTION VALUE gives the same sandbox as the profile line 'NAME VALUE'" {
	local name value option runner line opt_args bad=0 n=0
	while IFS='|' read -r name value base; do
		[ "$value" = - ] && continue
		option=$("$SBX" profile directives | awk -F'\t' -v n="$name" '$1 == n { print $2 }')
		# user and caps-keep are root's (a user's run refuses them on the command line).
		runner=as_user
		case $name in user | caps-keep) runner=as_root ;; esac
		line="$name $value"
		case $name in
		bind | bind-try | ro-bind | ro-bind-try | dev-bind | dev-bind-try)
			opt_args=("$option" "${value/ /:}") ;;
		ssh-agent | clearenv | limits-optional | memory-deny-write-execute) opt_args=("$option") ;;
		setenv) line="setenv ${value%%=*} \"${value#*=}\""; opt_args=("$option" "$value") ;;
		*) opt_args=("$option" "$value") ;;
		esac
		from_profile=$(explain_with $runner "$base"$'\n'"$line")
		from_option=$(explain_with $runner "$base" "${opt_args[@]}")
		n=$((n + 1))
		# Each sample changes the sandbox (the two without an effect here say why they do not).
		baseline=$(explain_with $runner "$base")
		case $name in
		include-try | ssh-agent) ;;  # no such include; SSH_AUTH_SOCK unset
		*)
			if [ "$from_profile" = "$baseline" ] || [[ $from_profile == exit* ]]; then
				echo "# $name: '$line' has no effect or fails: ${from_profile:0:200}"
				bad=1
			fi ;;
		esac
		if [ "$from_profile" != "$from_option" ]; then
			echo "# $name: '$line' and '${opt_args[*]}' differ:"
			diff <(echo "$from_profile") <(echo "$from_option") | head -20
			bad=1
		fi
	done < <(samples)
	echo "# compared $n directives"
	[ "$n" -ge 55 ]
	[ "$bad" = 0 ]
}

@test "directives: the checks are the profile's: what a profile refuses, the option refuses" {
	run -125 sbx_user -q --hostname 'a b!' -- true
	[ "$output" = "sbx: --hostname 'a b!': expected a host name of 1 to 64 letters, digits, '-' and '.'" ]
	run -125 sbx_user -q --setenv 1BAD-NAME=x -- true
	[ "$output" = "sbx: --setenv '1BAD-NAME=x': expected a variable name (letters, digits, '_')" ]
	# What a profile accepts, the option accepts.
	run -0 sbx_user -q --explain --allow signals --pids-max max --limits-optional -- true
	run -0 sbx_user -q --explain --json --cpu-weight 50 --io-weight 20 --memory-swap-max 0 --limits-optional -- true
	[ "$(jq -c '.cgroup | [."cpu.weight", ."io.weight", ."memory.swap.max", .origin]' <<<"$output")" = '[50,20,0,"command line"]' ]
}

@test "directives: --help, sbx(1) and sbx-profile(5) name every directive and option of the table" {
	local repo help missing=""
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	help=$("$SBX" --help)
	while IFS=$'\t' read -r name option _; do
		# roff may write a '-' as '\-'.
		grep -Eq -- "(^|[^a-z-])${name//-/'\\?-'}([^a-z-]|\$)" "$repo/man/sbx-profile.5" ||
			missing+=" sbx-profile.5:$name"
		[ "$option" = - ] && continue
		grep -q -- "^  $option " <<<"$help" || missing+=" --help:$option"
		grep -Eq -- "(^|[^a-z-])${option//-/'\\?-'}([^a-z-]|\$)" "$repo/man/sbx.1" || missing+=" sbx.1:$option"
	done < <("$SBX" profile directives)
	echo "# missing:$missing"
	[ -z "$missing" ]
}
