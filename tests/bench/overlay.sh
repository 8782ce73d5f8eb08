#!/usr/bin/env bash
# `make bench`, overlays (issue 15): start-up with one overlay vs without; `tar -c` of a tree of
# OVERLAY_FILES files read through an overlay vs through a bind (the same tree, warm cache);
# `sbx overlay commit` of that many changed files vs `cp -a` of them. Prints a table; never fails on
# a timing. Runs as the caller (root: the command runs as 65534, which owns the tree).
set -euo pipefail

SBX=${SBX:?SBX=path/to/sbx}
FILES=${OVERLAY_FILES:-5000}
ROUNDS=${OVERLAY_ROUNDS:-5}
APP=sbx-bench-overlay-$$

work=$(mktemp -d /var/tmp/sbx-bench-overlay.XXXXXX)
chmod 0755 "$work"
cleanup() {
	"$SBX" apps reset "$APP" --yes >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

owner=$(id -u)
[ "$owner" -ne 0 ] || owner=65534
tree=$work/tree
mkdir -p "$tree"
/usr/bin/python3 - "$tree" "$FILES" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    sub = f"{d}/d{i // 100}"
    os.makedirs(sub, exist_ok=True)
    with open(f"{sub}/f{i}", "w") as f:
        f.write(f"{i}\n" * 256)
PY
chown -R "$owner:$owner" "$tree"

now() { date +%s%N; }
ms() { echo "$(( ($2 - $1) / 1000000 ))"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Start-up: sbx -- true, with and without one overlay.
hyperfine -N -w 3 -r 20 --export-json "$work/start.json" \
	"$SBX --quiet -- true" "$SBX --quiet --app $APP --overlay $tree -- true" >/dev/null 2>&1
read -r plain over < <(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*(round(x["median"]*1000,1) for x in r))' "$work/start.json")

# tar -c through an overlay and through a bind, timed inside the sandbox (start-up not counted).
TAR="cd $tree && s=\$(date +%s%N) && tar -cf - . | wc -c >/dev/null && e=\$(date +%s%N) && echo \$(( (e - s) / 1000000 ))"
"$SBX" --quiet --bind "$tree" -- sh -c "$TAR" >/dev/null  # warm the cache
t_bind=$(for _ in $(seq "$ROUNDS"); do "$SBX" --quiet --bind "$tree" -- sh -c "$TAR"; done | median)
t_over=$(for _ in $(seq "$ROUNDS"); do "$SBX" --quiet --app "$APP" --overlay "$tree" -- sh -c "$TAR"; done | median)

# commit of FILES changed files vs cp -a of the same files.
c_times=() p_times=()
for _ in $(seq 3); do
	"$SBX" --quiet --app "$APP" --overlay "$tree" -- sh -c "cd $tree && for f in d*/f*; do echo x >> \$f; done"
	upper=$(ls -d "$HOME"/.local/share/sbx/apps/"$APP"/overlay/*/upper)
	rm -rf "$work/copy"
	s=$(now); cp -a "$upper/." "$work/copy"; sync -f "$work"; e=$(now)
	p_times+=("$(ms "$s" "$e")")
	s=$(now); "$SBX" overlay commit "$APP" >/dev/null; e=$(now)
	c_times+=("$(ms "$s" "$e")")
done
t_commit=$(printf '%s\n' "${c_times[@]}" | median)
t_cp=$(printf '%s\n' "${p_times[@]}" | median)

printf '\n== overlays (%s files) ==\n' "$FILES"
printf '%-46s %10s\n' "measurement" "median"
printf '%-46s %8s ms\n' "start-up, sbx -- true" "$plain" "start-up, one overlay" "$over"
printf '%-46s %8s ms\n' "tar -c through a bind" "$t_bind" "tar -c through an overlay" "$t_over"
printf '%-46s %10s\n' "ratio overlay / bind" "$(awk -v a="$t_over" -v b="$t_bind" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
printf '%-46s %8s ms\n' "cp -a of the changed files (+ sync)" "$t_cp" "sbx overlay commit of them" "$t_commit"
