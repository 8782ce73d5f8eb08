#!/usr/bin/env bash
# `make bench`, overlays (issue 15): start-up with one overlay vs without; `tar -c` of a tree of
# OVERLAY_FILES files read through an overlay vs through a bind (the same tree, warm cache), and
# through a bare overlayfs vs the plain directory (no sbx); `sbx overlay commit` of that many
# changed files vs `cp -a` and `rsync -a` of them. Prints a table; never fails on
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

# Start-up: sbx -- true, with and without one overlay (`make bench` installs hyperfine).
plain=- over=-
if command -v hyperfine >/dev/null; then
	hyperfine -N -w 3 -r 20 --export-json "$work/start.json" \
		"$SBX --quiet -- true" "$SBX --quiet --app $APP --overlay $tree -- true" >/dev/null 2>&1
	read -r plain over < <(/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*(round(x["median"]*1000,1) for x in r))' "$work/start.json")
fi

# tar -c of the tree, timed where it runs (start-up not counted): inside sbx through a bind and
# through an overlay; and, for what overlayfs itself costs, without sbx on the plain directory and
# through an overlayfs mounted as sbx mounts it (userxattr, a fresh mount each time, as each sbx
# run makes one) in a user and mount namespace of this script's own. Rounds alternate, so that
# drift from other load hits all four alike.
tar_in() { echo "cd $1 && s=\$(date +%s%N) && tar -cf - . | wc -c >/dev/null && e=\$(date +%s%N) && echo \$(( (e - s) / 1000000 ))"; }
mkdir "$work/k-upper" "$work/k-work" "$work/k-mnt"
kmount="mount -t overlay -o lowerdir=$tree,upperdir=$work/k-upper,workdir=$work/k-work,userxattr none $work/k-mnt"
"$SBX" --quiet --bind "$tree" -- sh -c "$(tar_in "$tree")" >/dev/null  # warm the cache
b_times=() o_times=() kp_times=() ko_times=()
for _ in $(seq "$ROUNDS"); do
	b_times+=("$("$SBX" --quiet --bind "$tree" -- sh -c "$(tar_in "$tree")")")
	o_times+=("$("$SBX" --quiet --app "$APP" --overlay "$tree" -- sh -c "$(tar_in "$tree")")")
	kp_times+=("$(unshare -Urm sh -c "$kmount && $(tar_in "$tree")")")
	ko_times+=("$(unshare -Urm sh -c "$kmount && $(tar_in "$work/k-mnt")")")
done
t_bind=$(printf '%s\n' "${b_times[@]}" | median)
t_over=$(printf '%s\n' "${o_times[@]}" | median)
k_plain=$(printf '%s\n' "${kp_times[@]}" | median)
k_over=$(printf '%s\n' "${ko_times[@]}" | median)

# commit of FILES changed files vs cp -a of the same files into a new directory, and vs rsync -a
# of them over a copy of the tree (a temporary file and a rename per file, as commit writes).
c_times=() p_times=() r_times=()
for _ in $(seq 3); do
	"$SBX" --quiet --app "$APP" --overlay "$tree" -- sh -c "cd $tree && for f in d*/f*; do echo x >> \$f; done"
	upper=$(ls -d "$HOME"/.local/share/sbx/apps/"$APP"/overlay/*/upper)
	rm -rf "$work/copy" "$work/tree2"
	cp -a "$tree" "$work/tree2"
	sync -f "$work"
	s=$(now); cp -a "$upper/." "$work/copy"; sync -f "$work"; e=$(now)
	p_times+=("$(ms "$s" "$e")")
	s=$(now); rsync -a "$upper/" "$work/tree2/"; sync -f "$work"; e=$(now)
	r_times+=("$(ms "$s" "$e")")
	s=$(now); "$SBX" overlay commit "$APP" >/dev/null; e=$(now)
	c_times+=("$(ms "$s" "$e")")
done
t_commit=$(printf '%s\n' "${c_times[@]}" | median)
t_cp=$(printf '%s\n' "${p_times[@]}" | median)
t_rsync=$(printf '%s\n' "${r_times[@]}" | median)

printf '\n== overlays (%s files) ==\n' "$FILES"
printf '%-46s %10s\n' "measurement" "median"
printf '%-46s %8s ms\n' "start-up, sbx -- true" "$plain" "start-up, one overlay" "$over"
printf '%-46s %8s ms\n' "tar -c through a bind" "$t_bind" "tar -c through an overlay" "$t_over"
printf '%-46s %10s\n' "ratio overlay / bind" "$(awk -v a="$t_over" -v b="$t_bind" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
printf '%-46s %8s ms\n' "tar -c, no sbx, plain directory" "$k_plain" "tar -c, no sbx, through a fresh overlayfs" "$k_over"
printf '%-46s %10s\n' "ratio overlayfs / plain (the kernel's own)" "$(awk -v a="$k_over" -v b="$k_plain" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
printf '%-46s %8s ms\n' "cp -a of the changed files (+ sync)" "$t_cp" "rsync -a of them over the tree (+ sync)" "$t_rsync" \
	"sbx overlay commit of them" "$t_commit"
printf '%-46s %10s\n' "ratio commit / cp -a" "$(awk -v a="$t_commit" -v b="$t_cp" 'BEGIN {printf "%.2f", b ? a / b : 0}')"
