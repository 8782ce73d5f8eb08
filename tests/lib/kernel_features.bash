# Checks SECURITY.md's measured "Kernel features" table against the kernel a test runs on.
# Loaded (after common) by tests/integration/kernel_features.bats (the host) and
# tests/vm/kernel_features.bats (the VM lanes). The table follows the marker line
# "<!-- kernel-features-measured -->": its first column is a jq filter applied to
# `sbx --explain --json --apparmor sbx-absent -- true`, its other columns are kernel lines (6.1,
# 6.12, 6.18); a cell is the value of `jq -rc FILTER` for root and for the unprivileged user,
# written once when both agree and as "ROOT / USER" when they differ.

KF_DOC=${KF_DOC:-$_SBX_REPO/SECURITY.md}

# The kernel line (major.minor) of the running kernel.
kf_kernel_line() {
	uname -r | sed -E 's/^([0-9]+\.[0-9]+).*/\1/'
}

# kf_table_rows LINE: prints "FILTER<TAB>CELL" for every row of the measured table, CELL being
# the column headed LINE. Fails (with a message) when the table or the column is missing.
kf_table_rows() {
	local line=$1 col=-1 i row
	local -a cells
	local in=0 header=0
	while IFS= read -r row; do
		if [ "$in" = 0 ]; then
			[[ $row == "<!-- kernel-features-measured -->"* ]] && in=1
			continue
		fi
		[[ $row == "|"* ]] || { [ "$header" = 1 ] && break; continue; }
		IFS='|' read -r -a cells <<<"${row#|}"
		for i in "${!cells[@]}"; do
			cells[i]=$(sed -E 's/^ +//; s/ +$//' <<<"${cells[i]}")
		done
		if [ "$header" = 0 ]; then
			header=1
			for i in "${!cells[@]}"; do
				[ "${cells[i]}" = "$line" ] && col=$i
			done
			if [ "$col" -lt 1 ]; then
				echo "SECURITY.md's measured Kernel features table has no column for Linux $line:" \
					"measure this kernel and add one (see tests/lib/kernel_features.bash)" >&2
				return 1
			fi
			continue
		fi
		[[ ${cells[0]} == ---* ]] && continue
		printf '%s\t%s\n' "$(sed -E 's/^`//; s/`$//' <<<"${cells[0]}")" "${cells[col]}"
	done <"$KF_DOC"
	[ "$header" = 1 ] || { echo "no measured Kernel features table in $KF_DOC" >&2; return 1; }
}

# kf_explain_cache: runs `sbx --explain --json --apparmor sbx-absent -- true` as root and as the
# user once per bats file (from setup_file), into $BATS_FILE_TMPDIR/explain-{root,user}.json.
kf_explain_cache() {
	local who
	for who in root user; do
		"sbx_$who" --quiet --explain --json --apparmor sbx-absent -- true >"$BATS_FILE_TMPDIR/explain-$who.json" ||
			{ echo "sbx --explain --json as $who failed" >&2; return 1; }
	done
}

# kf_check_table LINE: compares every row of the LINE column with the cached explain output of
# root and of the user; prints each row's verdict, fails when any differs. One jq run per
# output evaluates every row's filter (jq -rc semantics: strings raw, the rest compact JSON).
kf_check_table() {
	local line=$1 rows prog="" filter want got bad=0 i=0
	local -a filters wants roots users
	rows=$(kf_table_rows "$line") || return 1
	while IFS=$'\t' read -r filter want; do
		filters+=("$filter")
		wants+=("$want")
		prog+="${prog:+, }(($filter) | if type == \"string\" then . else tojson end)"
	done <<<"$rows"
	mapfile -t roots < <(jq -r "$prog" "$BATS_FILE_TMPDIR/explain-root.json") || return 1
	mapfile -t users < <(jq -r "$prog" "$BATS_FILE_TMPDIR/explain-user.json") || return 1
	for i in "${!filters[@]}"; do
		if [ "${roots[i]}" = "${users[i]}" ]; then got=${roots[i]}; else got="${roots[i]} / ${users[i]}"; fi
		if [ "$got" = "${wants[i]}" ]; then
			echo "ok   ${filters[i]} = $got"
		else
			echo "DIFF ${filters[i]}: SECURITY.md says '${wants[i]}' for Linux $line, sbx says '$got'"
			bad=1
		fi
	done
	echo "${#filters[@]} rows checked for Linux $line"
	[ "${#filters[@]}" -ge 8 ] && [ "${#roots[@]}" = "${#filters[@]}" ] && [ "$bad" = 0 ]
}

# The kernel's own answers, independent of sbx: "LANDLOCK_ABI NOEXEC_SEAL(0|1)", from one python
# (landlock_create_ruleset's version query; memfd_create with MFD_NOEXEC_SEAL, Linux 6.3).
kf_kernel_probe() {
	/usr/bin/python3 -c '
import ctypes, os
abi = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1)
try:
    os.memfd_create("kf", 8)
    seal = 1
except OSError:
    seal = 0
print(max(abi, 0), seal)'
}

# kf_check_probes: the cached explain's kernel facts agree with the kernel's own answers.
kf_check_probes() {
	local out=$BATS_FILE_TMPDIR/explain-user.json abi seal
	read -r abi seal < <(kf_kernel_probe)
	echo "kernel: Landlock ABI $abi, MFD_NOEXEC_SEAL $seal, AppArmor $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo absent)"
	echo "sbx: $(jq -c '[.landlock.kernel_abi, .seccomp.executable_memfds.state, .apparmor.missing]' "$out")"
	[ "$(jq -r .landlock.kernel_abi "$out")" = "$abi" ]
	if [ "$seal" = 1 ]; then
		[ "$(jq -r .seccomp.executable_memfds.state "$out")" = blocked ]
	else
		[ "$(jq -r .seccomp.executable_memfds.state "$out")" = open ]
		[[ $(jq -r .seccomp.executable_memfds.why "$out") == *"MFD_NOEXEC_SEAL (Linux 6.3)"* ]]
	fi
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		[ "$(jq -r .apparmor.missing "$out")" = "the AppArmor profile 'sbx-absent' is not loaded" ]
	else
		[ "$(jq -r .apparmor.missing "$out")" = "AppArmor is not built into or not enabled in this kernel" ]
	fi
}
