#!/usr/bin/env bash
# The test runner behind `make check`: tests/run.sh UNIT-BINARY...
# Runs each cmocka binary, then every tests/integration/*.bats and tests/escape/*.bats (TAP), lists
# what failed with its output, and ends with exactly one line "N passed, N failed[, N skipped]".
# Environment: SBX (build/sbx) and BUILD (the build directory), both absolute; set by tests/tests.mk.
# As root it creates the unprivileged test user (tests/lib/common.bash) and removes it afterwards.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
: "${BUILD:=$repo/build}"
: "${SBX:=$BUILD/sbx}"
export BUILD SBX

# Seconds a single bats test may take before it is failed (a hang must not stall CI).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}

passed=0 failed=0 skipped=0
failures=()
log=$(mktemp /tmp/sbx-check-log.XXXXXX)
fixture=""

SBX_COMMON_NO_INIT=1
# shellcheck source=tests/lib/common.bash
source "$here/lib/common.bash"
unset SBX_COMMON_NO_INIT

cleanup() {
	[ -n "$fixture" ] && rm -rf "$fixture"
	sbx_fixture_release $$
	rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Counts the TAP lines in $log: "ok N name", "ok N name # skip ...", "not ok N name".
# PREFIX names the suite in failure lists.
count_tap() {
	local prefix=$1 line name
	while IFS= read -r line; do
		case $line in
		"not ok "*)
			name=${line#not ok }
			name=${name#* }
			name=${name#- }
			failed=$((failed + 1))
			failures+=("$prefix: $name")
			;;
		"ok "*)
			if [[ $line =~ \#\ [Ss][Kk][Ii][Pp] ]]; then
				skipped=$((skipped + 1))
			else
				passed=$((passed + 1))
			fi
			;;
		esac
	done <"$log"
}

# ---- unit tests ----
for bin in "$@"; do
	name=$(basename "$bin")
	echo "# unit: $name"
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	before=$((passed + failed + skipped))
	count_tap "$name"
	planned=$(awk '/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); n += $0 } END { print n + 0 }' "$log")
	ran=$((passed + failed + skipped - before))
	if [ "$ran" -lt "$planned" ]; then
		failed=$((failed + planned - ran))
		failures+=("$name: $((planned - ran)) test(s) did not report (exit status $rc)")
	elif [ "$rc" -ne 0 ] && [ "$ran" -eq 0 ]; then
		failed=$((failed + 1))
		failures+=("$name: exited with status $rc without running a test")
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		# Every case passed but the binary did not (a sanitizer's report at exit, say).
		failed=$((failed + 1))
		failures+=("$name: exited with status $rc after its tests passed")
	fi
done

# ---- integration and escape suites ----
shopt -s nullglob
# SBX_BATS_FILES (space-separated paths) narrows the run, e.g. to one file while working on it.
if [ -n "${SBX_SKIP_BATS:-}" ]; then
	bats_files=()
elif [ -n "${SBX_BATS_FILES:-}" ]; then
	read -r -a bats_files <<<"$SBX_BATS_FILES"
else
	bats_files=("$repo"/tests/integration/*.bats "$repo"/tests/escape/*.bats)
fi
if [ "${#bats_files[@]}" -gt 0 ]; then
	if ! command -v bats >/dev/null; then
		echo "run.sh: bats is not installed (make deps)" >&2
		failed=$((failed + 1))
		failures+=("bats: not installed")
	elif ! sbx_fixture_acquire $$; then
		echo "run.sh: cannot create the test user $SBX_TEST_USER_NAME" >&2
		failed=$((failed + 1))
		failures+=("fixture: cannot create the test user")
	else
		fixture=$(mktemp -d /tmp/sbx-test.XXXXXX)
		sbx_fixture_copy "$SBX" "$BUILD" "$fixture"
		eval "$(sbx_fixture_env "$fixture")"
		echo "# integration: as root and as $TEST_USER (uid $TEST_UID), sbx copied to $fixture"
		for f in "${bats_files[@]}"; do
			f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
			rel=${f#"$repo"/}
			echo "# $rel"
			# Run from the repo so relative paths in a file behave as when it is run alone.
			(cd "$repo" && bats --tap "$f") >"$log" 2>&1
			rc=$?
			cat "$log"
			before=$((passed + failed + skipped))
			count_tap "$rel"
			if [ "$rc" -ne 0 ] && [ "$((passed + failed + skipped))" -eq "$before" ]; then
				failed=$((failed + 1))
				failures+=("$rel: bats exited with status $rc without running a test")
			elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
				failed=$((failed + 1))
				failures+=("$rel: bats exited with status $rc")
			fi
		done
	fi
fi

if [ "${#failures[@]}" -gt 0 ]; then
	echo
	echo "# FAILED (the output of each is above, after its 'not ok' line):"
	for f in "${failures[@]}"; do
		echo "#   $f"
	done
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ] && exit 0
exit 1
