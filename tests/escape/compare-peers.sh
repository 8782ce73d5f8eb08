#!/usr/bin/env bash
# compare-peers.sh: runs the escape probes of tests/escape against sbx, bubblewrap and firejail on
# this machine, as an unprivileged user, and writes the comparison table to
# docs/escape-comparison.md (or the file given with -o). The table is generated; never edit it by
# hand. Run as root (`make compare-peers`): the unprivileged test user of tests/lib/common.bash is
# created for the run and removed afterwards. Run as a plain user, it probes as that user.
#
#   tests/escape/compare-peers.sh [-o FILE]
#
# Columns: no sandbox (what the kernel refuses by itself, the baseline), sbx with its default
# profile, bubblewrap with the flags a careful user types (listed in the output; deliberately
# without --new-session, so that its TIOCSTI behaviour shows), firejail with its default profile.
# A sandbox that is not installed gets a column saying so.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out_file=$repo/docs/escape-comparison.md
while getopts o: opt; do
	case $opt in
	o) out_file=$OPTARG ;;
	*) echo "usage: $0 [-o FILE]" >&2; exit 2 ;;
	esac
done
: "${BUILD:=$repo/build}"
: "${SBX:=$BUILD/sbx}"
for f in "$SBX" "$BUILD"/helpers/{escape-probe,escape-pty,escape-host,escape-listen,tty-probe}; do
	if [ ! -x "$f" ]; then
		echo "compare-peers: $f is missing; run make and make the helpers first" >&2
		exit 2
	fi
done

SBX_COMMON_NO_INIT=1
# shellcheck source=tests/lib/common.bash
source "$repo/tests/lib/common.bash"
unset SBX_COMMON_NO_INIT
sbx_fixture_acquire $$ || { echo "compare-peers: cannot create the test user" >&2; exit 2; }
fixture=$(mktemp -d /tmp/sbx-compare.XXXXXX)
work=$(mktemp -d /var/tmp/sbx-compare-work.XXXXXX)
cleanup() {
	local p
	for p in "${started[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$fixture" "$work"
	sbx_fixture_release $$
}
started=()
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
sbx_fixture_copy "$SBX" "$BUILD" "$fixture"
eval "$(sbx_fixture_env "$fixture")"
chmod 0755 "$work"
[ "$(id -u)" -ne 0 ] || chown "$TEST_UID:$TEST_GID" "$work"

# ---- the sandboxes ----

BWRAP_FLAGS=(--unshare-all --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin
	--symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --ro-bind /etc /etc
	--proc /proc --dev /dev --tmpfs /tmp --tmpfs /var/tmp --tmpfs "$TEST_HOME"
	--ro-bind "$HELPERS" /helpers --chdir /)
FIREJAIL_FLAGS=(--quiet --profile=/etc/firejail/default.profile)

tools=(none sbx)
command -v bwrap >/dev/null && tools+=(bwrap)
command -v firejail >/dev/null && tools+=(firejail)

# tool_cmd TOOL: sets CMD to the command prefix that runs a program inside TOOL and PROBE to the
# probe's path there.
tool_cmd() {
	case $1 in
	none) CMD=() PROBE=$HELPERS/escape-probe ;;
	sbx) CMD=("$SBX" --quiet --ro-bind "$HELPERS:/helpers" --) PROBE=/helpers/escape-probe ;;
	bwrap) CMD=(bwrap "${BWRAP_FLAGS[@]}" --) PROBE=/helpers/escape-probe ;;
	firejail) CMD=(firejail "${FIREJAIL_FLAGS[@]}" --) PROBE=$HELPERS/escape-probe ;;
	esac
}

# ---- running one class ----

# Each check prints one line: the cell ("blocked", "exposed", "ESCAPED", "did not run") and, after
# a tab, the evidence (the probe's non-INFO lines or the host's observation).
verdict_of() {
	local out=$1 v
	v=$(sed -n 's/^VERDICT //p' <<<"$out" | tail -1)
	case $v in
	BLOCKED) echo blocked ;;
	EXPOSED) echo exposed ;;
	ESCAPED) echo ESCAPED ;;
	*) echo "did not run" ;;
	esac
}
evidence_of() {
	grep -E '^(ESCAPED|EXPOSED) ' <<<"$1" | head -6 | sed -z 's/\n/; /g; s/; $//'
	grep -qE '^(ESCAPED|EXPOSED) ' <<<"$1" || grep -E '^[a-z].*: ' <<<"$1" | head -2 | sed -z 's/\n/; /g; s/; $//'
}

plain() { # TOOL CLASS ARGS...
	local tool=$1 o
	shift
	tool_cmd "$tool"
	o=$(as_user "${CMD[@]}" "$PROBE" "$@" 2>&1)
	printf '%s\t%s\n' "$(verdict_of "$o")" "$(evidence_of "$o")"
}

marked() { # MARKER LOG CMD...: starts CMD in the background as the test user, argv[0] MARKER
	local marker=$1 log=$2
	shift 2
	# shellcheck disable=SC2016 # expanded by the inner bash
	as_user bash -c 'exec -a "$0" "$@"' "$marker" "$@" >"$log" 2>&1 &
	started+=($!)
	for _ in $(seq 100); do pgrep -f -- "$marker" >/dev/null && break; sleep 0.05; done
	MARKED=$(pgrep -n -f -- "$marker")
	started+=("$MARKED")
}

check_tty() {
	local tool=$1 marker o v
	marker=sbx-compare-tty-$RANDOM$RANDOM
	tool_cmd "$tool"
	o=$(as_user "$HELPERS/escape-pty" "$marker" "${CMD[@]}" "$PROBE" tty "$marker"$'\n' 2>&1)
	v=$(verdict_of "$o")
	grep -qx 'INJECTED yes' <<<"$o" && v=ESCAPED
	printf '%s\t%s\n' "$v" "$(grep -q 'INJECTED yes' <<<"$o" && echo 'keystrokes reached the terminal; ')$(evidence_of "$o")"
}

# The caller's terminal after the run, as escape-pty reports it; the probe reconfigures fds 0-2
# and /dev/tty (TIOCSETD to N_NULL, TIOCEXCL, TCSETS).
check_tty_attack() {
	local tool=$1 o bad=""
	tool_cmd "$tool"
	o=$(as_user "$HELPERS/escape-pty" "sbx-compare-ttyattack-$RANDOM$RANDOM" "${CMD[@]}" \
		"${PROBE%/escape-probe}/tty-probe" attack 2>&1)
	o=${o//$'\r'/}
	# escape-pty's report on its terminal (the probe's own output may be lost on a terminal it
	# made deaf).
	if ! grep -q '^TERMIOS ' <<<"$o"; then
		printf 'did not run\t%s\n' "$(head -2 <<<"$o" | tr '\n' ';')"
		return
	fi
	grep -qx 'TERMIOS same' <<<"$o" || bad+="termios changed, "
	grep -qx 'LDISC 0' <<<"$o" || bad+="line discipline changed, "
	grep -qx 'EXCL 0' <<<"$o" || bad+="left in exclusive mode, "
	if [ -n "$bad" ]; then
		printf 'ESCAPED\tthe caller'"'"'s terminal after the run: %s\n' "${bad%, }"
	else
		printf 'blocked\tthe caller'"'"'s terminal was unchanged after the run\n'
	fi
}

# A tmux-like server socket in /tmp, and the command started with /tmp as its working directory.
check_cwd_socket() {
	local tool=$1 log=$work/cwd-listen.log sock
	sock=/tmp/sbx-compare-cwd-$RANDOM$RANDOM.sock
	marked "$sock-listener" "$log" "$HELPERS/escape-listen" path "$sock"
	for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.05; done
	AS_USER_CWD=/tmp plain "$tool" unix "$sock"
	kill -KILL "$MARKED" 2>/dev/null
	rm -f "$sock"
}

check_fds() {
	local tool=$1 class=$2 o
	tool_cmd "$tool"
	: >"$work/fdfile"
	chmod 0666 "$work/fdfile"
	o=$(as_user "$HELPERS/escape-host" hold-fds "$work/fdfile" /etc -- "${CMD[@]}" "$PROBE" "$class" 2>&1)
	printf '%s\t%s\n' "$(verdict_of "$o")" "$(evidence_of "$o")"
}

check_proc_host() {
	local tool=$1 head=sbx-compare-victim- tail=$RANDOM$RANDOM
	marked "$head$tail" /dev/null sleep 60
	plain "$tool" proc-host "$head" "$tail"
	kill -KILL "$MARKED" 2>/dev/null
}

check_signal() {
	local tool=$1 victim o all=all
	# without a pid namespace kill(-1) would hit every process of the test user
	[ "$tool" = none ] && all=""
	marked "sbx-compare-signal-$RANDOM$RANDOM" /dev/null sleep 60
	victim=$MARKED
	tool_cmd "$tool"
	o=$(as_user "${CMD[@]}" "$PROBE" signal "$victim" $all 2>&1)
	sleep 0.3
	local state
	state=$(awk '{ print $3 }' "/proc/$victim/stat" 2>/dev/null)
	if [ -n "$state" ] && [ "$state" != Z ]; then
		printf 'blocked\t%s\n' "the host process survived kill(pid)${all:+ and kill(-1)}"
	elif grep -q '^VERDICT' <<<"$o"; then
		printf 'ESCAPED\t%s\n' "the host process (same uid) was killed from inside"
	else
		printf 'did not run\t%s\n' "$(head -2 <<<"$o" | tr '\n' ';')"
	fi
	kill -KILL "$victim" 2>/dev/null
}

check_listener() { # TOOL abstract|tcp
	local tool=$1 kind=$2 log=$work/listen.log name port
	if [ "$kind" = abstract ]; then
		name=/tmp/.X11-unix/Xsbx-compare-$RANDOM$RANDOM
		marked "$name-listener" "$log" "$HELPERS/escape-listen" abstract "$name"
	else
		marked "sbx-compare-tcp-$RANDOM$RANDOM" "$log" "$HELPERS/escape-listen" tcp
	fi
	for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.05; done
	port=$(awk '/READY/ { print $2 }' "$log")
	if [ "$kind" = abstract ]; then plain "$tool" abstract "$name"; else plain "$tool" tcp "$port"; fi
	kill -KILL "$MARKED" 2>/dev/null
}

check_write() {
	local tool=$1 tag=sbx-compare-write-$RANDOM$RANDOM o p written=()
	local paths=("$TEST_HOME/$tag" "/tmp/$tag" "/var/tmp/$tag" "/dev/shm/$tag")
	tool_cmd "$tool"
	o=$(as_user "${CMD[@]}" "$PROBE" create "${paths[@]}" 2>&1)
	for p in "${paths[@]}"; do
		if [ -e "$p" ]; then
			written+=("${p%/"$tag"}")
			rm -f "$p"
		fi
	done
	if ! grep -q '^VERDICT' <<<"$o"; then
		printf 'did not run\t%s\n' "$(head -2 <<<"$o" | tr '\n' ';')"
	elif [ ${#written[@]} -gt 0 ]; then
		printf 'ESCAPED\twritten on the host: %s\n' "${written[*]}"
	else
		printf 'blocked\tnothing reached the host home, /tmp, /var/tmp or /dev/shm\n'
	fi
}

check_detach() {
	local tool=$1 marker=sbx-compare-daemon-$RANDOM$RANDOM o left
	tool_cmd "$tool"
	o=$(as_user "${CMD[@]}" "$PROBE" detach "$marker" 20 2>&1)
	for _ in $(seq 50); do pgrep -f -- "$marker" >/dev/null || break; sleep 0.1; done
	left=$(pgrep -f -- "$marker" || true)
	if [ -n "$left" ]; then
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null
		printf 'ESCAPED\ta setsid double-forked daemon outlived the sandbox\n'
	elif grep -q '^VERDICT' <<<"$o"; then
		printf 'blocked\tthe daemon died with the sandbox\n'
	else
		printf 'did not run\t%s\n' "$(head -2 <<<"$o" | tr '\n' ';')"
	fi
}

# class id | row title | the escape test in tests/escape | how it is run
rows=(
	"tty|TIOCSTI / TIOCLINUX (plain and high bits) into the caller's terminal|terminal.bats|check_tty"
	"tty-attack|the caller's terminal reconfigured from inside (TIOCSETD, TIOCEXCL, TCSETS on fds 0-2 and /dev/tty)|terminal.bats|check_tty_attack"
	"fds|descriptors leaked into the command (files, dirs, O_PATH, sockets, pipes)|processes.bats|check_fds fds"
	"init|pid 1 of the sandbox holds capabilities or host descriptors|processes.bats|check_fds init"
	"ptrace|ptrace, /proc/1/mem, pidfd_getfd of pid 1|processes.bats|plain ptrace"
	"exe|/proc/self/exe, /proc/1/exe opened for writing|filesystem.bats|plain exe"
	"procsys|/proc/sys, /proc/sysrq-trigger writable|filesystem.bats|plain procsys"
	"proc-host|host processes visible in /proc|processes.bats|check_proc_host"
	"signal|kill(host pid), kill(-1) reach a host process of the same uid|processes.bats|check_signal"
	"abstract|host abstract unix socket (X11-like) reachable|network.bats|check_listener abstract"
	"tcp|host loopback TCP service reachable|network.bats|check_listener tcp"
	"cwd-socket|a Unix socket (tmux-like) in the shared working directory /tmp reachable|network.bats|check_cwd_socket"
	"userns|nested user namespace (unshare, clone, clone3, i386, x32)|kernel.bats|plain userns"
	"mount|mount API (mount, umount, fsopen, open_tree, mount_setattr, pivot_root, chroot)|kernel.bats|plain mount"
	"keyring|kernel keyrings (host session and user keyrings)|kernel.bats|plain keyring"
	"perf|perf_event_open|kernel.bats|plain perf"
	"io_uring|io_uring|kernel.bats|plain io_uring"
	"bpf|bpf|kernel.bats|plain bpf"
	"handle|name_to_handle_at / open_by_handle_at|kernel.bats|plain handle"
	"memfd-exec|code that is not a file in the view run (memfd with MFD_EXEC, O_TMPFILE and unlinked files in /tmp and /dev/shm, fexecve)|kernel.bats|plain memfd-exec"
	"memfd-procfd|a plain memfd run through /proc/self/fd, or made executable with fchmod|kernel.bats|plain memfd-procfd"
	"sockets|AF_PACKET, AF_VSOCK, AF_ALG sockets|kernel.bats|plain sockets"
	"setuid|setuid-root binaries gain privileges|processes.bats|plain setuid"
	"devices|host device nodes in /dev, mknod|filesystem.bats|plain devices"
	"sys|/sys visible|filesystem.bats|plain sys"
	"write|files written to the host home, /tmp, /var/tmp, /dev/shm|filesystem.bats|check_write"
	"detach|a daemon outlives the sandbox|processes.bats|check_detach"
)

declare -A cell evidence
for row in "${rows[@]}"; do
	IFS='|' read -r id title file how <<<"$row"
	for tool in "${tools[@]}"; do
		# shellcheck disable=SC2046 # HOW is a function and its fixed arguments
		res=$(${how%% *} "$tool" $(sed -n 's/^[^ ]* //p' <<<"$how"))
		cell[$id,$tool]=${res%%$'\t'*}
		evidence[$id,$tool]=${res#*$'\t'}
		printf '%-10s %-9s %s\n' "$id" "$tool" "${cell[$id,$tool]}" >&2
	done
done

version_of() {
	case $1 in
	none) echo "no sandbox" ;;
	sbx) echo "sbx $("$SBX" --version 2>/dev/null | head -1 | awk '{ print $NF }')" ;;
	bwrap) echo "bubblewrap $(bwrap --version | awk '{ print $NF }')" ;;
	firejail) echo "firejail $(firejail --version | head -1 | awk '{ print $NF }')" ;;
	esac
}

# Markdown-escapes a table cell.
md() { printf '%s\n' "${1//|/\\|}"; }

{
	echo "# Escape resistance: sbx, bubblewrap and firejail compared"
	echo
	echo "<!-- GENERATED by tests/escape/compare-peers.sh (make compare-peers). Do not edit by hand. -->"
	echo
	echo "Generated on $(date -u +%Y-%m-%d) on $(. /etc/os-release && echo "$PRETTY_NAME"), kernel" \
		"$(uname -r), as the unprivileged user $TEST_USER (uid $TEST_UID)." \
		"Every cell is what tests/helpers/escape-probe.c observed from inside (or what the host saw" \
		"afterwards), not a claim."
	echo
	echo "- **no sandbox**: the probe run directly; shows what the kernel refuses by itself."
	echo "- **sbx**: \`sbx --ro-bind HELPERS:/helpers -- PROBE\` with the default profile."
	echo "- **bubblewrap**: \`bwrap $(printf '%s ' "${BWRAP_FLAGS[@]}" | sed "s|$HELPERS|HELPERS|g; s|$TEST_HOME|\$HOME|g")-- PROBE\`:" \
		"the flags a careful user types, without \`--new-session\` (its documented TIOCSTI defence)" \
		"and without a seccomp program, which bwrap only takes precompiled."
	echo "- **firejail**: \`firejail ${FIREJAIL_FLAGS[*]} PROBE\` (the profile used for any program without one)."
	echo
	echo "**blocked**: every attempt failed. **exposed**: the attack surface was reachable (a syscall" \
		"reached the kernel, a device node exists) but the escape itself could not be shown here." \
		"**ESCAPED**: the attempt worked. **did not run**: the sandbox failed to start the probe."
	echo
	printf '| escape class | test |'
	for tool in "${tools[@]}"; do printf ' %s |' "$(version_of "$tool")"; done
	echo
	printf '|---|---|'
	for _ in "${tools[@]}"; do printf -- '---|'; done
	echo
	for row in "${rows[@]}"; do
		IFS='|' read -r id title file how <<<"$row"
		printf '| %s | %s |' "$(md "$title")" "$file"
		for tool in "${tools[@]}"; do
			c=${cell[$id,$tool]}
			[ "$c" = ESCAPED ] && c="**ESCAPED**"
			printf ' %s |' "$c"
		done
		echo
	done
	for tool in bwrap firejail; do
		case " ${tools[*]} " in *" $tool "*) ;; *) echo; echo "$tool is not installed on this machine." ;; esac
	done
	echo
	echo "## Evidence"
	echo
	echo "What the probe reported for every cell that is not \"blocked\" (ESCAPED and EXPOSED lines," \
		"or the host's observation)."
	echo
	for row in "${rows[@]}"; do
		IFS='|' read -r id title file how <<<"$row"
		for tool in "${tools[@]}"; do
			[ "${cell[$id,$tool]}" = blocked ] && continue
			echo "- **$(md "$title")**, $(version_of "$tool"): $(md "${evidence[$id,$tool]}" | sed "s|$HELPERS|HELPERS|g")"
		done
	done
} >"$out_file.new"
mv "$out_file.new" "$out_file"
echo "compare-peers: wrote $out_file" >&2
