# Shared by tests/escape/*.bats (`load ../lib/common` then `load escape`).
#
# Every escape test runs in four variants: the sandbox started by the unprivileged test user and
# by root (which runs the command as 65534), each under the default profile and under the most
# permissive configuration sbx ships: the shipped profile that grants the most (see
# escape_pick_permissive) plus the host network and a read-write home directory. An escape
# that works in any variant fails the test, and the failure names the variant.
#
# The probes are static programs from tests/helpers/escape-*.c, bound read-only at /helpers.

# The variants this run can exercise: root's only when the suite runs as root.
escape_variants() {
	if [ "$(id -u)" -eq 0 ]; then
		printf '%s\n' "user default" "user permissive" "root default" "root permissive"
	else
		printf '%s\n' "user default" "user permissive"
	fi
}

# The shipped profile that grants the most, as the test user sees it: host network without port
# rules counts 100 (nginx's port rules cost it that; server.bats covers nginx), every read-write
# grant 2, every other grant 1. Left out: profiles that relax an always-on protection (allow devel,
# userns, multiarch), which switch one class off on purpose and have integration tests of their
# own, and grant-args profiles, which grant the host paths the probes name on their command line.
# Sets ESCAPE_PERMISSIVE_PROFILE (empty when no profile is shipped); runs once per test, from setup().
escape_pick_permissive() {
	ESCAPE_PERMISSIVE_PROFILE=""
	local f score best=-1
	for f in "$SBX_PROFILES_DIR"/*.profile; do
		[ -f "$f" ] || continue
		grep -q '^[[:space:]]*grant-args' "$f" && continue
		score=$(as_user "$SBX" --explain --json --profile "$f" -- /bin/true 2>/dev/null | jq -r '
			if ([.relaxations[]?] | any) then -1 else
			(if .network == "host" and ([.ebpf.network.rules[]?] | length) == 0
			    and (.landlock.tcp.restricted | not) then 100 else 0 end) +
			([.mounts[] | select(.label != "system" and .label != "device")
			  | if .type == "bind" then 2 elif (.type | test("bind")) then 1 else 0 end] | add // 0)
			end' 2>/dev/null) || continue
		[[ $score =~ ^[0-9]+$ ]] || continue
		if [ "$score" -gt "$best" ]; then
			best=$score
			ESCAPE_PERMISSIVE_PROFILE=$f
		fi
	done
}

setup() {
	escape_pick_permissive
}

# variant_args WHO VARIANT: sets the array VARGS to the sbx options of the variant, including the
# probes at /helpers. WHO is user or root (whose home is /root).
variant_args() {
	local who=$1 variant=$2
	VARGS=(--ro-bind "$HELPERS:/helpers")
	[ "$variant" = permissive ] || return 0
	if [ -n "${ESCAPE_PERMISSIVE_PROFILE:-}" ]; then VARGS+=(--profile "$ESCAPE_PERMISSIVE_PROFILE"); fi
	VARGS+=(--net host --bind "$(variant_home "$who")")
}

variant_home() {
	if [ "$1" = root ]; then echo /root; else echo "$TEST_HOME"; fi
}

# The host uid and gid the sandboxed command runs as.
variant_uid() { if [ "$1" = root ]; then echo 65534; else echo "$TEST_UID"; fi; }
variant_gid() { if [ "$1" = root ]; then echo 65534; else echo "$TEST_GID"; fi; }

# run_as WHO CMD...: CMD as the test user or as root, with the harness's clean environment.
run_as() {
	local who=$1
	shift
	if [ "$who" = root ]; then as_root "$@"; else as_user "$@"; fi
}

# run_as_sandbox_uid WHO CMD...: CMD on the host with the uid the sandboxed command has (the test
# user, or 65534 when root started sbx), as an attacker outside the sandbox with the same uid.
run_as_sandbox_uid() {
	local who=$1
	shift
	if [ "$who" = root ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- env -i PATH=/usr/bin:/bin "$@"
	else
		as_user "$@"
	fi
}

# escape_sbx WHO VARIANT SBX-ARGS...: sbx as WHO with the variant's options before SBX-ARGS.
escape_sbx() {
	local who=$1 variant=$2
	shift 2
	variant_args "$who" "$variant"
	run_as "$who" "$SBX" "${VARGS[@]}" "$@"
}

# Prints OUTPUT on stderr, each line prefixed with [LABEL]: bats shows it when a test fails.
show() {
	local label=$1 out=$2
	local line
	[ -n "$out" ] || out="(no output)"
	while IFS= read -r line; do printf '    [%s] %s\n' "$label" "$line"; done <<<"$out" >&2
}

# for_variants FN ARGS...: runs FN WHO VARIANT ARGS... for every variant; fails naming those
# under which FN failed.
for_variants() {
	local fn=$1 v failed=()
	shift
	while IFS= read -r v; do
		# shellcheck disable=SC2086 # "WHO VARIANT" splits into two arguments
		if ! "$fn" $v "$@"; then failed+=("$v"); fi
	done < <(escape_variants)
	if [ ${#failed[@]} -gt 0 ]; then
		printf 'FAILED under: %s\n' "$(printf '[%s] ' "${failed[@]}")" >&2
		return 1
	fi
}

# expect_probe WHO VARIANT OUTCOME CLASS ARGS...: escape-probe CLASS inside the sandbox must end
# with VERDICT OUTCOME (BLOCKED, normally) and the matching exit status.
expect_probe() {
	local who=$1 variant=$2 want=$3 out rc code
	shift 3
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe "$@" 2>&1)
	rc=$?
	show "$who $variant" "$out"
	case $want in
	BLOCKED) code=0 ;;
	ESCAPED) code=1 ;;
	EXPOSED) code=3 ;;
	esac
	if [ "$rc" -ne "$code" ] || ! grep -qx "VERDICT $want" <<<"$out"; then
		echo "    [$who $variant] escape-probe $*: exit status $rc; expected VERDICT $want" >&2
		return 1
	fi
}

expect_blocked() {
	local who=$1 variant=$2
	shift 2
	expect_probe "$who" "$variant" BLOCKED "$@"
}

# sandbox_owned_dir VAR WHO PREFIX: sets VAR to a fresh directory under /var/tmp owned by the
# sandboxed command's host uid (mode 0755), removed after the test: something the sandboxed app
# could write if it were granted. (Not a $(...) function: cleanup_path must run in the test's shell.)
sandbox_owned_dir() {
	local _d
	_d=$(mktemp -d "/var/tmp/sbx-escape-${3:-dir}.XXXXXX") || return 1
	chmod 0755 "$_d"
	if [ "$(id -u)" -eq 0 ]; then chown "$(variant_uid "$2"):$(variant_gid "$2")" "$_d"; fi
	cleanup_path "$_d"
	printf -v "$1" '%s' "$_d"
}

# start_marked MARKER LOG RUNNER... -- PROGRAM ARGS...: starts PROGRAM in the background through
# RUNNER (e.g. `as_user`, `run_as_sandbox_uid root`) with argv[0] set to MARKER, output to LOG
# and fd 3 closed (bats waits for fd 3); sets MARKED_PID to PROGRAM's own pid (the runners fork
# subshells, so $! is not it). Both are killed by sbx_cleanup.
start_marked() {
	local marker=$1 log=$2 runner=()
	shift 2
	while [ "$1" != -- ]; do
		runner+=("$1")
		shift
	done
	shift
	# shellcheck disable=SC2016 # expanded by the inner bash
	"${runner[@]}" bash -c 'exec -a "$0" "$@"' "$marker" "$@" >"$log" 2>&1 3>&- &
	cleanup_pid $!
	MARKED_PID=""
	wait_until 5 pgrep -f -- "$marker" >/dev/null || { echo "$marker did not start" >&2; return 1; }
	MARKED_PID=$(pgrep -n -f -- "$marker")
	cleanup_pid "$MARKED_PID"
}

# A name no other run uses.
unique() { echo "sbx-escape-$1-$$-$RANDOM$RANDOM"; }

# Kills the processes whose command line contains MARKER, by pid; prints how many there were.
kill_marked() {
	local pids
	pids=$(pgrep -f -- "$1" || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
	fi
	wc -w <<<"$pids"
}

# Whether no process has MARKER in its command line.
none_marked() { ! pgrep -f -- "$1" >/dev/null; }

# Whether PID is a live (not zombie) process.
alive() {
	local state
	state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
