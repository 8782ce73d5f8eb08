#!/bin/bash
# `make bench`: prints tables, never asserts on a timing (a build or setup failure still fails).
#
#  1. Startup: `sbx -- /bin/true` against bubblewrap with the same namespaces and a comparable view,
#     and against firejail's default profile, as an unprivileged user, same machine, same run.
#     Medians (hyperfine -N, in alternating rounds so that drift hits every command alike) and
#     ratios; peak RSS of each process tree.
#  2. Seccomp: inside the real sbx sandbox started without its filter (an LD_PRELOAD shim on
#     libseccomp's seccomp_load, which also hands over the exact programs sbx loads: see
#     filter_shim.c), benchrun times no filter, a 1-instruction filter, sbx's programs, and the
#     same rules as a linear filter, interleaved: per-syscall cost on tight loops, and tar/find
#     over a tree of a few thousand files. Then, computed from the programs: which syscalls the
#     kernel's action cache lets skip the filter, and how long each path is (bpf_paths.py).
#  1b. Profile lookup: a profile found in the user's directory with five includes and a .local
#     file against an empty --profile: what the lookup and the parse add to start-up.
#  4. Discarded files: what the check at exit costs (discarded.h): `sbx -- /bin/true` against a
#     run that writes DISCARD_FILES small files into /dev/shm (lost too, but never walked) and one
#     that writes them into /tmp (walked and reported at exit), as ratios.
#  3. Terminal: a command on a pty whose other side a reader drains (ptyrun.c), as in a terminal
#     emulator. sbx relays its own pty to that one; bwrap and no sandbox write to it directly.
#     Throughput of `cat` of a TTY_MIB file, and the time for a typed byte to come back as its
#     echo (through sbx's relay both ways), ECHO_ROUNDS times.
#  5. Scale: SCALE (1000) idle sandboxes started at once, sbx and bwrap: time until all run,
#     user-space PSS and kernel memory per sandbox; fails if one sbx sandbox does not start.
#
# Needs SBX (build/sbx) and BENCH_BIN (build/bench). Run as root, it installs hyperfine, bubblewrap
# and firejail if missing and runs everything as a temporary user it creates and removes; run as
# another user, it runs as that user. Tunables (environment): STARTUP_RUNS (200), FIREJAIL_RUNS
# (30), RSS_RUNS (15), FILTER_ROUNDS (4: sandboxes per measurement), LOOP_N (20000 calls per
# child), LOOP_BURSTS (10 children per variant and sandbox), JOB_REPS (8 runs per variant and
# sandbox), TREE_FILES (5000), MEMFD_ROUNDS (3), TTY_MIB (100), TTY_RUNS (3), ECHO_ROUNDS (1000), DISCARD_FILES (1000), DISCARD_RUNS (100), SCALE (1000), BENCH_USER (an existing unprivileged user to use instead of a
# temporary one), BENCH_PROFILE=1 (print the syscall profile of sbx even when it is not slower
# than bwrap).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

: "${SBX:?SBX must point to build/sbx}" "${BENCH_BIN:?BENCH_BIN must point to build/bench}"
STARTUP_RUNS=${STARTUP_RUNS:-200}
FIREJAIL_RUNS=${FIREJAIL_RUNS:-30}
RSS_RUNS=${RSS_RUNS:-15}
FILTER_ROUNDS=${FILTER_ROUNDS:-4}
LOOP_N=${LOOP_N:-20000}
LOOP_BURSTS=${LOOP_BURSTS:-10}
JOB_REPS=${JOB_REPS:-8}
TREE_FILES=${TREE_FILES:-5000}
TTY_MIB=${TTY_MIB:-100}
TTY_RUNS=${TTY_RUNS:-3}
ECHO_ROUNDS=${ECHO_ROUNDS:-1000}
DISCARD_FILES=${DISCARD_FILES:-1000}
DISCARD_RUNS=${DISCARD_RUNS:-100}
TEMP_USER="sbx-bench"
TEMP_USER_GECOS="sbx make bench (temporary)"

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- tools ------------------------------------------------------------------------------------
need_pkgs=()
command -v hyperfine >/dev/null || need_pkgs+=(hyperfine)
command -v bwrap >/dev/null || need_pkgs+=(bubblewrap)
command -v firejail >/dev/null || need_pkgs+=(firejail)
command -v python3 >/dev/null || need_pkgs+=(python3)
if ((${#need_pkgs[@]})); then
	[[ $(id -u) -eq 0 ]] || die "missing tools; as root run: apt-get install -y ${need_pkgs[*]}"
	say "bench: installing ${need_pkgs[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# --- a private work dir and the user ----------------------------------------------------------
work=$(mktemp -d /tmp/sbx-bench.XXXXXX)
chmod 0755 "$work"
created_user=""
cleanup() {
	# Only the user this run created, and only after every process of it has ended.
	if [[ -n $created_user ]]; then
		# Every process of it was waited for; userdel refuses if one were left.
		userdel -r "$created_user" 2>/dev/null ||
			echo "bench: could not remove user $created_user (userdel -r $created_user)" >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/bin" "$work/shared"
cp "$SBX" "$BENCH_BIN/benchrun" "$BENCH_BIN/filter_shim.so" "$BENCH_BIN/ptyrun" "$work/bin/"
# Named sbx: started under any other name, sbx runs the program of that name (sbx wrap).
cp "$BENCH_BIN/sbx-shared" "$work/shared/sbx"
# The shipped profiles, as an installed sbx has them: default.profile for /bin/true, after the
# search for a profile that claims it ('names'), which reads their names index, as the package's
# trigger (or make install) writes it.
cp -R "$here/../../profiles" "$work/profiles"
chmod -R a+rX "$work/bin" "$work/shared" "$work/profiles"
"$work/bin/sbx" profile index "$work/profiles" >/dev/null || die "sbx profile index $work/profiles failed"

if [[ $(id -u) -eq 0 ]]; then
	if [[ -n ${BENCH_USER:-} ]]; then
		user=$BENCH_USER
		id "$user" >/dev/null 2>&1 || die "BENCH_USER=$user does not exist"
	else
		user=$TEMP_USER
		if id "$user" >/dev/null 2>&1; then
			# A leftover of an interrupted run is reused and removed; anyone else's is not touched.
			[[ $(getent passwd "$user" | cut -d: -f5) == "$TEMP_USER_GECOS" ]] ||
				die "user $user exists and was not made by make bench; set BENCH_USER"
		else
			useradd --create-home --shell /bin/sh --comment "$TEMP_USER_GECOS" "$user"
		fi
		created_user=$user
	fi
	[[ $(id -u "$user") -ne 0 ]] || die "the benchmark user must not be root"
	home=$(getent passwd "$user" | cut -d: -f6)
	as_user() {
		(cd "$work" && setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
			env -i HOME="$home" USER="$user" LOGNAME="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 \
			SBX_PROFILES_DIR="$work/profiles" "$@")
	}
else
	user=$(id -un)
	home=$HOME
	as_user() { (cd "$work" && SBX_PROFILES_DIR="$work/profiles" "$@"); }
fi
uid=$(id -u "$user")
out=$work/out
mkdir -p "$out"
chown "$user" "$out"

# --- 1. startup -------------------------------------------------------------------------------
sbx=$work/bin/sbx
host_true="/bin/true"
sbx_true="$sbx -- /bin/true"
# bubblewrap with sbx's default isolation, as far as bwrap expresses it: the same seven
# namespaces (net: lo only), read-only /usr with the usr-merge symlinks, read-only /etc, fresh
# /proc and minimal /dev, private /tmp /var/tmp /run/user/UID and $HOME, no nested user namespaces,
# killed with its parent, new session. bwrap adds no seccomp filter, no Landlock, no read-only root.
bwrap_true="bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts --unshare-net"
bwrap_true+=" --unshare-cgroup --hostname sbx --ro-bind /usr /usr"
for link in /bin /sbin /lib /lib32 /lib64 /libx32; do
	[[ -L $link ]] && bwrap_true+=" --symlink $(readlink "$link") $link"
done
bwrap_true+=" --ro-bind /etc /etc --proc /proc --dev /dev --tmpfs /tmp --tmpfs /var/tmp"
bwrap_true+=" --symlink ../run /var/run --tmpfs /run/user/$uid --tmpfs $home"
bwrap_true+=" --die-with-parent --disable-userns --new-session /bin/true"
firejail_true="firejail --quiet /bin/true"

for c in "$host_true" "$sbx_true" "$bwrap_true"; do
	# shellcheck disable=SC2086
	as_user $c || die "this does not run as $user: $c"
done
# firejail (setuid root) can be unusable in some containers; the rest still means something.
firejail_ok=1
# shellcheck disable=SC2086
as_user $firejail_true 2>"$out/firejail.err" || firejail_ok=0

say "sbx benchmarks - $(uname -sr), $(nproc) CPUs, $(bwrap --version), $(firejail --version | head -1)"
say "running as user $user (uid $uid); sbx $("$sbx" --version 2>/dev/null | head -1)"
say ""
say "== startup: COMMAND /bin/true, wall time =="
say "   ($STARTUP_RUNS runs each for /bin/true, sbx and bwrap, $FIREJAIL_RUNS for firejail; hyperfine -N,"
say "    two rounds in alternating order, medians of all runs)"
((firejail_ok)) || say "   firejail does not run here, left out: $(head -c 300 "$out/firejail.err")"

hyperfine_json() {  # hyperfine_json FILE WARMUP RUNS COMMAND...
	local json=$1 warmup=$2 runs=$3
	shift 3
	as_user hyperfine -N --style none --warmup "$warmup" --runs "$runs" --export-json "$json" \
		"$@" >/dev/null 2>"$out/hyperfine.err" || { cat "$out/hyperfine.err" >&2; die "hyperfine failed"; }
}
half=$((STARTUP_RUNS / 2))
fj_half=$(((FIREJAIL_RUNS + 1) / 2))
hyperfine_json "$out/s1.json" 20 "$half" "$host_true" "$sbx_true" "$bwrap_true"
((firejail_ok)) && hyperfine_json "$out/f1.json" 3 "$fj_half" "$firejail_true"
hyperfine_json "$out/s2.json" 20 "$half" "$bwrap_true" "$sbx_true" "$host_true"
((firejail_ok)) && hyperfine_json "$out/f2.json" 3 "$fj_half" "$firejail_true"

# Peak RSS: wait4's ru_maxrss of each command, i.e. its largest single process.
names=(host sbx bwrap)
((firejail_ok)) && names+=(firejail)
for name in "${names[@]}"; do
	var=${name}_true
	# shellcheck disable=SC2086
	as_user "$work/bin/benchrun" rss "$RSS_RUNS" ${!var} >"$out/rss.$name" 2>"$out/rss.$name.err" ||
		{ cat "$out/rss.$name.err" >&2; die "peak RSS of $name failed"; }
done

python3 - "$out" "$host_true" "$sbx_true" "$bwrap_true" "$firejail_true" <<'PY'
import json, os, statistics, sys
out = sys.argv[1]
cmds = dict(zip(["host", "sbx", "bwrap", "firejail"], sys.argv[2:]))
if not os.path.exists(f"{out}/rss.firejail"):
    del cmds["firejail"]
times = {k: [] for k in cmds}
for f in ["s1", "s2", "f1", "f2"]:
    if not os.path.exists(f"{out}/{f}.json"):
        continue
    for r in json.load(open(f"{out}/{f}.json"))["results"]:
        for k, c in cmds.items():
            if r["command"] == c:
                times[k] += r["times"]
rss = {k: statistics.median(int(l.split()[1]) for l in open(f"{out}/rss.{k}")) for k in cmds}
med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
labels = {"host": "/bin/true (no sandbox)", "sbx": "sbx -- /bin/true",
          "bwrap": "bwrap (same namespaces/view)", "firejail": "firejail (default profile)"}
print(f"  {'command':<30} {'runs':>5} {'median ms':>10} {'min ms':>8} {'p90 ms':>8} {'peak RSS KiB':>13}")
for k in cmds:
    v = sorted(times[k])
    p90 = v[min(len(v) - 1, int(0.9 * len(v)))] * 1e3
    print(f"  {labels[k]:<30} {len(v):>5} {med[k]:>10.2f} {v[0]*1e3:>8.2f} {p90:>8.2f} {rss[k]:>13.0f}")
print()
print(f"  sbx / bwrap    = {med['sbx']/med['bwrap']:.2f}  (goal <= 0.85)")
if "firejail" in med:
    print(f"  sbx / firejail = {med['sbx']/med['firejail']:.3f} (target <= 0.10)")
print("  sandbox overhead over /bin/true: "
      + ", ".join(f"{k} {med[k]-med['host']:.2f} ms" for k in cmds if k != "host"))
print("  peak RSS = the largest single process of each command's tree (wait4 ru_maxrss), median")
open(f"{out}/slower", "w").write("1" if med["sbx"] > med["bwrap"] else "0")
PY

if [[ $(cat "$out/slower") == 1 || ${BENCH_PROFILE:-0} == 1 ]]; then
	say ""
	if command -v strace >/dev/null; then
		say "  where sbx spends its time: strace -f -c -w over 20 runs (wall time per syscall, all"
		say "  processes, inflated by strace; waits are the parent waiting for its children):"
		as_user strace -f -c -w -o "$out/strace.txt" sh -c \
			"for i in \$(seq 20); do $sbx_true; done" || true
		head -n 22 "$out/strace.txt" | sed 's/^/    /'
	else
		say "  (install strace for a per-syscall profile of sbx's startup)"
	fi
fi

# --- 1a. startup as root (servers: ExecStart=sbx ...) ------------------------------------------
# Root's sbx also makes the sandbox's cgroup and attaches its eBPF device program, and runs the
# command as nobody; bwrap with the same flags as above, as root. Only when run as root.
if [[ $(id -u) -eq 0 ]]; then
	say ""
	say "== startup as root: sbx -- /bin/true (cgroup, eBPF device program) against bwrap, as root =="
	bwrap_root=${bwrap_true//\/run\/user\/$uid//run/user/0}
	bwrap_root=${bwrap_root//--tmpfs $home /--tmpfs /root }
	as_root() { (cd "$work" && SBX_PROFILES_DIR="$work/profiles" "$@"); }
	# shellcheck disable=SC2086
	if ! as_root $sbx_true 2>/dev/null || ! as_root $bwrap_root; then
		die "this does not run as root: $sbx_true / $bwrap_root"
	fi
	# Two rounds in alternating order, as above.
	as_root hyperfine -N --style none --warmup 10 --runs "$((half / 2))" --export-json "$out/r1.json" \
		"$sbx_true" "$bwrap_root" >/dev/null 2>"$out/hyperfine.err" || { cat "$out/hyperfine.err" >&2; die "hyperfine failed"; }
	as_root hyperfine -N --style none --warmup 10 --runs "$((half / 2))" --export-json "$out/r2.json" \
		"$bwrap_root" "$sbx_true" >/dev/null 2>"$out/hyperfine.err" || { cat "$out/hyperfine.err" >&2; die "hyperfine failed"; }
	python3 - "$out" "$sbx_true" <<'PY'
import json, statistics, sys
sbx, bwrap = [], []
for f in ["r1", "r2"]:
    for r in json.load(open(f"{sys.argv[1]}/{f}.json"))["results"]:
        (sbx if r["command"] == sys.argv[2] else bwrap).extend(r["times"])
s, b = statistics.median(sbx) * 1e3, statistics.median(bwrap) * 1e3
print(f"  sbx {s:.2f} ms, bwrap {b:.2f} ms ({len(sbx)} runs each): sbx / bwrap = {s / b:.2f}")
PY
fi

# --- 1b. profile lookup and parse -------------------------------------------------------------
# `sbx -- /bin/true` finding true.profile in the user's directory (XDG_CONFIG_HOME), with five
# includes and a .local file (61 lines in all), against the same sandbox from an empty profile
# named with --profile (no lookup, nothing to parse). Both set the same environment, so the
# difference is the lookup across the three directories and the parse. Target: < 0.3 ms.
say ""
say "== profile lookup and parse: a profile with 5 includes and a .local file, against none =="
cfg=$work/cfg
mkdir -p "$cfg/sbx/profiles"
{
	for i in 1 2 3 4 5; do printf 'include bench%s\n' "$i"; done
	echo "setenv SBX_BENCH_MAIN=1"
} >"$cfg/sbx/profiles/true.profile"
for i in 1 2 3 4 5; do
	for j in $(seq 10); do printf 'setenv SBX_BENCH_%s_%s=value%s\n' "$i" "$j" "$j"; done \
		>"$cfg/sbx/profiles/bench$i.inc"
done
echo "setenv SBX_BENCH_LOCAL=1" >"$cfg/sbx/profiles/true.local"
: >"$cfg/empty.profile"
chown -R "$user" "$cfg"
lookup_cmd="env XDG_CONFIG_HOME=$cfg $sbx -q -- /bin/true"
empty_cmd="env XDG_CONFIG_HOME=$cfg $sbx -q --profile $cfg/empty.profile -- /bin/true"
as_user $lookup_cmd || die "this does not run as $user: $lookup_cmd"
hyperfine_json "$out/p1.json" 20 "$half" "$lookup_cmd" "$empty_cmd"
hyperfine_json "$out/p2.json" 20 "$half" "$empty_cmd" "$lookup_cmd"
python3 - "$out" "$lookup_cmd" "$empty_cmd" <<'PY'
import json, statistics, sys
out, cmds = sys.argv[1], dict(zip(["lookup", "empty"], sys.argv[2:4]))
times = {k: [] for k in cmds}
for f in ["p1", "p2"]:
    for r in json.load(open(f"{out}/{f}.json"))["results"]:
        for k, c in cmds.items():
            if r["command"] == c:
                times[k] += r["times"]
med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
print(f"  found by lookup, 5 includes + .local: {med['lookup']:.3f} ms; empty --profile: {med['empty']:.3f} ms"
      f" ({len(times['lookup'])} runs each)")
print(f"  lookup and parse add {med['lookup'] - med['empty']:.3f} ms  (target < 0.3)")
PY

# --- 4. discarded files (reported with the startup) ----------------------------------------------
say ""
say "== discarded files: start-up + exit, with and without files left where the sandbox discards them =="
writes() {  # writes DIR: the command that makes DISCARD_FILES files of 2 bytes in DIR
	printf '%s' "$sbx --quiet -- sh -c 'mkdir $1/d && cd $1/d && i=0; while [ \$i -lt $DISCARD_FILES ]; do echo x >f\$i; i=\$((i+1)); done'"
}
shm_cmd=$(writes /dev/shm)
tmp_cmd=$(writes /tmp)
for c in "$shm_cmd" "$tmp_cmd"; do
	# shellcheck disable=SC2086
	as_user sh -c "$c" 2>/dev/null || die "this does not run as $user: $c"
done
as_user sh -c "$tmp_cmd" 2>"$out/discard.report" || true
hyperfine_json "$out/d1.json" 5 "$((DISCARD_RUNS / 2))" "$sbx_true" "$shm_cmd" "$tmp_cmd"
hyperfine_json "$out/d2.json" 5 "$((DISCARD_RUNS / 2))" "$tmp_cmd" "$shm_cmd" "$sbx_true"
python3 - "$out" "$sbx_true" "$shm_cmd" "$tmp_cmd" "$DISCARD_FILES" <<'PY'
import json, statistics, sys
out, cmds, n = sys.argv[1], dict(zip(["true", "shm", "tmp"], sys.argv[2:5])), sys.argv[5]
times = {k: [] for k in cmds}
for f in ["d1", "d2"]:
    for r in json.load(open(f"{out}/{f}.json"))["results"]:
        for k, c in cmds.items():
            if r["command"] == c:
                times[k] += r["times"]
med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
labels = {"true": "sbx -- /bin/true", "shm": f"{n} files into /dev/shm (not walked)",
          "tmp": f"{n} files into /tmp (walked, reported)"}
print(f"  {'command':<40} {'runs':>5} {'median ms':>10}")
for k in cmds:
    print(f"  {labels[k]:<40} {len(times[k]):>5} {med[k]:>10.2f}")
print()
print(f"  /tmp / /dev/shm = {med['tmp'] / med['shm']:.3f}  (the walk and report of {n} files:"
      f" {(med['tmp'] - med['shm']) * 1e3 / int(n):.1f} us per file)")
print(f"  /tmp / true     = {med['tmp'] / med['true']:.3f}  (writing the files included)")
PY
say "  the report those runs print:"
head -n 3 "$out/discard.report" | sed 's/^/    /'

# --- 2. seccomp filter cost -------------------------------------------------------------------
say ""
say "== seccomp filter cost: sbx's filter vs no filter vs the same rules as a linear filter =="
tree=$work/tree
per_dir=100
for ((d = 0; d < (TREE_FILES + per_dir - 1) / per_dir; d++)); do
	mkdir -p "$tree/d$d"
	for ((f = 0; f < per_dir && d * per_dir + f < TREE_FILES; f++)); do
		printf '%01024d' "$f" >"$tree/d$d/f$f"
	done
done
chmod -R a+rX "$tree"

in_sbx() {  # in_sbx ARGS...: the real sbx, through the shim (see filter_shim.c for its variables)
	as_user env LD_PRELOAD="$work/bin/filter_shim.so" SBX_BENCH_LAYOUT="${shim_layout:-sbx}" \
		SBX_BENCH_SKIP_LOAD="${shim_skip:-0}" SBX_BENCH_SHIM_INFO="${shim_info:-0}" \
		"$work/shared/sbx" --quiet --ro-bind "$work/bin:/bench/bin" --ro-bind "$tree:/bench/tree" -- "$@"
}

# The programs sbx loads for /bin/true, as sbx lays them out and as a linear list, one file per
# layer, for benchrun to load itself.
for layout in sbx linear; do
	shim_layout=$layout shim_skip=1 shim_info=1 in_sbx /bin/true 2>"$out/layout.$layout"
	python3 - "$out/layout.$layout" "$work/bin/$layout" <<'PY'
import sys
for line in open(sys.argv[1]):
    if line.startswith("shim bpf "):
        _, _, n, hexprog = line.split()
        open(f"{sys.argv[2]}.{n}.bpf", "wb").write(bytes.fromhex(hexprog))
PY
done
chmod a+r "$work"/bin/*.bpf 2>/dev/null || true
bpf_list() {  # bpf_list LAYOUT: its programs as seen inside the sandbox, in load order
	local n=1 list=""
	while [[ -f $work/bin/$1.$n.bpf ]]; do
		list+="${list:+,}/bench/bin/$1.$n.bpf"
		n=$((n + 1))
	done
	printf '%s' "$list"
}
sbx_bpf=$(bpf_list sbx)
lin_bpf=$(bpf_list linear)
[[ -n $sbx_bpf && -n $lin_bpf ]] ||
	die "the shim did not see sbx load a filter (does sbx still compile with seccomp_export_bpf and load with syscall(SYS_seccomp)?)"

# One sandbox per measurement kind and round, started without a filter; inside, benchrun's
# children load the variants and take turns (see benchrun.c).
variants=("none=" "allowall=allowall" "sbx=$sbx_bpf" "linear=$lin_bpf")
jobs_tar=(tar -cf /tmp/out.tar -C /bench/tree .)
jobs_find=(find /bench/tree -type f -size -2k -newer /bench/bin/benchrun)
for ((round = 0; round < FILTER_ROUNDS; round++)); do
	shim_skip=1 in_sbx /bench/bin/benchrun loop "$LOOP_N" "$LOOP_BURSTS" "${variants[@]}" \
		>"$out/loop.$round"
	shim_skip=1 in_sbx /bench/bin/benchrun job "$JOB_REPS" "${variants[@]}" -- "${jobs_tar[@]}" \
		>"$out/tar.$round"
	shim_skip=1 in_sbx /bench/bin/benchrun job "$JOB_REPS" "${variants[@]}" -- "${jobs_find[@]}" \
		>"$out/find.$round"
done

python3 - "$out" "$TREE_FILES" "$FILTER_ROUNDS" "$LOOP_N" "$LOOP_BURSTS" "$JOB_REPS" <<'PY'
import glob, statistics, sys
out, nfiles, rounds, loop_n, bursts, reps = sys.argv[1:7]
V = ["none", "allowall", "sbx", "linear"]
med = statistics.median

def layout(v):
    """[(layer, layout sbx chose, BPF instructions)] from the shim's lines."""
    chosen, insns = {}, {}
    for l in open(f"{out}/layout.{v}"):
        f = l.split()
        if l.startswith("shim layer"):
            chosen[f[2]] = f[4]
        elif l.startswith("shim bpf"):
            insns[f[2]] = len(f[3]) // 16
    return [(k, chosen[k], insns[k]) for k in sorted(chosen)]

d, lin = layout("sbx"), layout("linear")
desc = "; ".join(f"layer {a[0]}: {a[2]} BPF instructions as sbx lays it out ({a[1]}), {b[2]} as a linear list"
                 for a, b in zip(d, lin))
print(f"  filters sbx loads for /bin/true: {len(d)} ({desc})")
print("  method: inside the real sbx sandbox (namespaces, view, Landlock; its own filter load skipped),")
print("  each measurement is a fresh child that loads one variant, the variants taking turns:")
print("  'no filter'; 'allow-all' = a 1-instruction RET ALLOW filter, the fixed price of any filter;")
print("  'sbx' = the programs sbx loads, byte for byte; 'linear' = sbx's rules, SCMP_FLTATR_CTL_OPTIMIZE=1.")

want = {"none": 0, "allowall": 1, "sbx": len(d), "linear": len(d)}
data = {}  # kind -> label -> metric -> [values]
for path in sorted(glob.glob(f"{out}/loop.*") + glob.glob(f"{out}/tar.*") + glob.glob(f"{out}/find.*")):
    kind = path.rsplit("/", 1)[1].split(".")[0]
    for l in open(path):
        f = l.split()
        if f[0] == "check" and int(f[3]) != want[f[1]]:
            sys.exit(f"bench: {path}: variant {f[1]} ran with Seccomp_filters {f[3]}, expected {want[f[1]]}")
        elif f[0] == "loop":
            data.setdefault(kind, {}).setdefault(f[1], {}).setdefault(f[2], []).append(float(f[3]))
        elif f[0] == "job":
            data.setdefault(kind, {}).setdefault(f[1], {}).setdefault("ms", []).append(float(f[2]))
print("  checked in each child (Seccomp_filters in /proc/self/status): "
      + ", ".join(f"{k} {v}" for k, v in want.items()))
print()

hdr = (f"  {{:<32}} {'no filter':>9} {'allow-all':>9} {'sbx':>9} {'linear':>9}"
       f" {'allow/none':>10} {'sbx/none':>9} {'lin/none':>9} {'sbx +':>8}")

def table(kind, metrics, fmt):
    for metric, text in metrics:
        m = {v: med(data[kind][v][metric]) for v in V}
        print(f"  {text:<32} " + " ".join(f"{m[v]:>9{fmt}}" for v in V)
              + f" {m['allowall']/m['none']:>10.3f} {m['sbx']/m['none']:>9.3f} {m['linear']/m['none']:>9.3f}"
              + f" {m['sbx']-m['none']:>8{fmt}}")

n_bursts = int(rounds) * int(bursts)
print(f"  syscall loops, ns per call: median of {n_bursts} children per variant, each timing {loop_n} calls")
print(f"  (openat {int(loop_n)//10}) after a warm-up")
print(hdr.format("syscall"))
table("loop", [("getppid", "getppid()"), ("read1", "read(/dev/zero, 1 byte)"),
               ("ioctl", "ioctl(pipe, FIONREAD)"), ("openat", "openat+close(/dev/null)")], ".1f")
print()
print(f"  real jobs inside the sandbox, wall ms: median of {int(rounds) * int(reps)} runs per variant")
print(hdr.format("job"))
table("tar", [("ms", f"tar -c, {nfiles} files of 1 KiB")], ".2f")
table("find", [("ms", f"find -size -newer, {nfiles} files")], ".2f")
print()
print("  target: sbx/none < 1.05 on the real jobs. A syscall that the filter allows whatever its")
print("  arguments skips the BPF program (the kernel's seccomp action cache, Linux >= 5.11) but still")
print("  takes the slower syscall entry that any filter imposes (the allow-all column); syscalls with")
print("  argument checks (ioctl here) also run the program, where the layout (tree or linear) matters.")
PY

if [[ $(uname -m) == x86_64 ]]; then
	say ""
	say "  path through sbx's filter per syscall (computed from the loaded programs, not timed):"
	python3 "$here/bpf_paths.py" "sbx=$out/layout.sbx" "linear=$out/layout.linear"
fi

# --- 2b. the memfd guard ---------------------------------------------------------------------------
# A memfd_create without flags goes to sbx's pid 1 (launcher/memfd_guard.c); with MFD_NOEXEC_SEAL
# it does not. The real sbx with its filter, against --allow jit (no guard), MEMFD_ROUNDS sandboxes
# each, benchrun timing bursts of memfd_create + close inside.
say ""
say "== memfd guard: ns per memfd_create + close, through sbx's init vs direct =="
for ((r = 0; r < ${MEMFD_ROUNDS:-3}; r++)); do
	for v in guard jit; do
		extra=()
		[[ $v == jit ]] && extra=(--allow jit)
		as_user "$work/bin/sbx" --quiet "${extra[@]}" --ro-bind "$work/bin:/bench/bin" -- \
			/bench/bin/benchrun memfd 2000 11 | sed "s/^/$v /" >>"$out/memfd" || die "benchrun memfd failed"
	done
done
python3 - "$out/memfd" <<'PY'
import statistics, sys
data = {}
for line in open(sys.argv[1]):
    v, _, kind, ns = line.split()
    data.setdefault((v, kind), []).append(int(ns))
med = lambda v, k: statistics.median(data[(v, k)])
print(f"  {'memfd_create flags':<34} {'sbx':>9} {'--allow jit':>12} {'sbx/jit':>8}")
for kind, text in (("plain", "none (MFD_CLOEXEC): via pid 1"), ("noexec-seal", "MFD_NOEXEC_SEAL: direct")):
    print(f"  {text:<34} {med('guard', kind):>9.0f} {med('jit', kind):>12.0f} {med('guard', kind)/med('jit', kind):>8.2f}")
print("  (medians of the bursts' medians; a plain memfd_create waits for two context switches and")
print("  pid 1's work: reading the name, memfd_create, ADDFD)")
PY

# --- 3. terminal relay ------------------------------------------------------------------------
say ""
say "== terminal: COMMAND on a pty whose other side a reader drains (sbx relays its own pty) =="
data=$work/ttydata
mkdir -p "$data"
yes 'The quick brown fox jumps over the lazy dog; 0123456789 abcdefghijklmnopqrstuvwxyz.' |
	head -c "$((TTY_MIB * 1024 * 1024))" >"$data/big" || true
chmod -R a+rX "$data"
bwrap_cmd=${bwrap_true% /bin/true}
ptyrun=$work/bin/ptyrun
# on_pty MODE ARGS... NAME: ptyrun MODE ARGS -- the command NAME runs, as the benchmark user.
on_pty() {
	local name=${*: -1} args=("${@:1:$#-1}") cmd file=/data/big
	case $name in
	host) cmd=() file=$data/big ;;
	sbx) cmd=("$sbx" --quiet --ro-bind "$data:/data" --) ;;
	bwrap) read -ra cmd <<<"$bwrap_cmd --ro-bind $data /data" ;;
	esac
	if [[ ${args[0]} == drain ]]; then
		as_user "$ptyrun" "${args[@]}" -- "${cmd[@]}" cat "$file"
	else
		as_user "$ptyrun" "${args[@]}" -- "${cmd[@]}" sh -c 'exec cat >/dev/null'
	fi
}
: >"$out/tty.drain"
for ((round = 0; round < TTY_RUNS; round++)); do
	for name in host sbx bwrap; do
		r=$(on_pty drain "$name") || die "ptyrun drain failed for $name"
		printf '%s %s\n' "$name" "$r" >>"$out/tty.drain"
	done
done
: >"$out/tty.echo"
for name in host sbx bwrap; do
	r=$(on_pty echo "$ECHO_ROUNDS" "$name") || die "ptyrun echo failed for $name"
	printf '%s %s\n' "$name" "$r" >>"$out/tty.echo"
done
python3 - "$out" "$TTY_MIB" "$TTY_RUNS" "$ECHO_ROUNDS" <<'PY'
import statistics, sys
out, mib, runs, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
secs, nbytes = {}, {}
for l in open(f"{out}/tty.drain"):
    name, _, b, t = l.split()
    secs.setdefault(name, []).append(float(t))
    nbytes[name] = int(b)
med = {k: statistics.median(v) for k, v in secs.items()}
labels = {"host": "no sandbox", "sbx": "sbx (relay)", "bwrap": "bwrap (no relay)"}
print(f"  throughput: cat of a {mib} MiB text file to the terminal, median of {runs} runs")
print(f"  {'command':<20} {'seconds':>8} {'MiB/s':>8} {'bytes read':>12}")
for k in ["host", "sbx", "bwrap"]:
    print(f"  {labels[k]:<20} {med[k]:>8.2f} {nbytes[k] / med[k] / 2**20:>8.1f} {nbytes[k]:>12}")
print(f"  time sbx / no sandbox = {med['sbx'] / med['host']:.2f}, sbx / bwrap = {med['sbx'] / med['bwrap']:.2f}")
print()
print(f"  echo latency: a byte typed on the terminal until its echo is back, {rounds} round trips")
print(f"  {'command':<20} {'mean us':>8} {'median us':>10} {'p99 us':>8}")
for l in open(f"{out}/tty.echo"):
    name, _, _, mean, median, p99 = l.split()
    print(f"  {labels[name]:<20} {float(mean):>8.1f} {float(median):>10.1f} {float(p99):>8.1f}")
print("  (both sides of sbx's relay are in one process that polls them; no sandbox and bwrap leave")
print("  the echo to the terminal itself)")
PY

# --- 5. scale: SCALE sandboxes at once ------------------------------------------------------------
# SCALE (1000; 10000 works too) idle sandboxes of `sleep`, started together by one shell, for sbx
# and for the bwrap line above: the time until every sleep runs, and memory per sandbox, as the
# user-space PSS of every process of the trees and as the rise of the kernel's own memory (slab,
# kernel stacks, page tables: the namespaces, mounts, tasks), from /proc/meminfo before and after.
SCALE=${SCALE:-1000}
say ""
say "== scale: $SCALE idle sandboxes at once (sleep), start time and memory per sandbox =="
sleeper="/bin/sleep 86399"  # a duration no other process here uses, to count and end them by
kernel_kib() { awk '/^(Slab|KernelStack|PageTables):/ {k += $2} END {print k}' /proc/meminfo; }
count_sleepers() { pgrep -u "$uid" -fxc "$sleeper" || true; }
pss_kib() {  # the PSS of the user's processes named $@
	local pid sum=0 kib
	for pid in $(pgrep -u "$uid" -x "$1"; [[ -n ${2:-} ]] && pgrep -u "$uid" -x "$2"); do
		kib=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null) && sum=$((sum + ${kib:-0}))
	done
	echo "$sum"
}
end_sleepers() {
	pkill -TERM -u "$uid" -x "$1" 2>/dev/null || true
	for _ in $(seq 600); do (($(count_sleepers) == 0)) && return 0; sleep 0.1; done
	pkill -KILL -u "$uid" -fx "$sleeper" 2>/dev/null || true
}
scale_run() {  # scale_run NAME LAUNCHER: one line "NAME started ms pss_kib kernel_kib errors"
	local name=$1 launcher=$2 before start n=0 end pss kernel errors
	sync
	sleep 1
	before=$(kernel_kib)
	errors=$out/scale-$name.err
	: >"$errors"
	chown "$user" "$errors"
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	as_user sh -c 'i=0; while [ $i -lt "$1" ]; do '"$launcher $sleeper"' 2>>"$2" & i=$((i+1)); done; wait' \
		sh "$SCALE" "$errors" &
	local launcher_pid=$!
	for _ in $(seq 3000); do
		n=$(count_sleepers)
		((n >= SCALE)) && break
		[[ -s $errors ]] && break
		sleep 0.05
	done
	end=$(date +%s%N)
	sleep 2
	pss=$(pss_kib "$name" sleep)
	kernel=$(($(kernel_kib) - before))
	echo "$name $n $(((end - start) / 1000000)) $pss $kernel $(wc -l <"$errors")"
	end_sleepers "$name"
	wait "$launcher_pid" 2>/dev/null || true
}
{
	scale_run sbx "$sbx --quiet --"
	scale_run bwrap "${bwrap_true% /bin/true}"
} >"$out/scale"
for name in sbx bwrap; do
	[[ -s $out/scale-$name.err ]] || continue
	say "  errors of $name:"
	sort "$out/scale-$name.err" | uniq -c | sort -rn | head -n 5 | sed 's/^/    /'
done
python3 - "$out/scale" "$SCALE" <<'PY'
import sys
rows = {l.split()[0]: [int(x) for x in l.split()[1:]] for l in open(sys.argv[1])}
n = int(sys.argv[2])
print(f"  {'launcher':<8} {'running':>8} {'start all s':>12} {'ms each':>8} {'PSS KiB each':>13} {'kernel KiB each':>16} {'errors':>7}")
for k, (running, ms, pss, kernel, errs) in rows.items():
    print(f"  {k:<8} {running:>8} {ms / 1000:>12.2f} {ms / n:>8.2f} {pss / n:>13.0f} {kernel / n:>16.0f} {errs:>7}")
s, b = rows["sbx"], rows["bwrap"]
print(f"  sbx / bwrap: start all {s[1] / b[1]:.2f}, PSS {s[2] / b[2]:.2f}, kernel {s[3] / b[3]:.2f}"
      "  (targets: <= 0.85, <= 1.00, <= 1.00)")
if s[0] < n or s[4]:
    print(f"  FAILED: {n - s[0]} sbx sandboxes did not start")
PY
(($(awk '$1 == "sbx" {print $2}' "$out/scale") >= SCALE)) || die "not every sbx sandbox started"
