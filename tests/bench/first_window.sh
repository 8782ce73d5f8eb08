#!/bin/bash
# `make bench` (and `make bench-gui` alone): time to the first visible window of xterm, mousepad
# and firefox-esr, each started bare, through sbx (the shipped profile: socket x11 with its
# untrusted cookie, desktop.inc) and through firejail (its profile for the app; its default one
# for xterm, for which it ships none), xterm also through bwrap with the display alone, as an
# unprivileged user with a session bus, on
# an Xvfb with cookies that this script starts, same run, alternating, each round in the next
# order (what runs after firejail's heavy exit is not always the same variant). firstmap.c takes
# the time from the fork to the X server's MapNotify of the window. For xterm it then splits that
# time at the app's exec (benchrun stamp): the sandbox's start before, the app's own after. Prints
# medians and ratios; never asserts on a timing.
#
# Needs SBX (build/sbx) and BENCH_BIN (build/bench, with firstmap and benchrun). Run as root, it
# runs as a temporary user it creates and removes (or BENCH_USER); otherwise as the caller.
# Tunables: WINDOW_RUNS (40 per variant for xterm and mousepad: a run varies by 10-20 %, and 20
# runs moved xterm's median ratio by 0.05 between two benches), BROWSER_RUNS (7 for firefox-esr).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SBX:?SBX must point to build/sbx}" "${BENCH_BIN:?BENCH_BIN must point to build/bench}"
WINDOW_RUNS=${WINDOW_RUNS:-40}
BROWSER_RUNS=${BROWSER_RUNS:-7}
TEMP_USER="sbx-bench-gui"
TEMP_USER_GECOS="sbx make bench-gui (temporary)"
die() { printf 'bench-gui: %s\n' "$*" >&2; exit 1; }

for t in Xvfb xauth mcookie dbus-daemon xterm mousepad firefox-esr firejail bwrap; do
	command -v "$t" >/dev/null || die "missing $t (make deps; apt-get install -y xvfb xauth xterm firejail bubblewrap)"
done

work=$(mktemp -d /tmp/sbx-bench-gui.XXXXXX)
chmod 0755 "$work"
created_user="" xvfb_pid="" display=""
cleanup() {
	if [[ -n $xvfb_pid ]]; then
		kill -TERM "$xvfb_pid" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.05; done
		wait 2>/dev/null || true
	fi
	if [[ -n $created_user ]]; then
		userdel -r "$created_user" 2>"$work/userdel.err" ||
			echo "bench-gui: could not remove user $created_user (userdel -r $created_user): $(cat "$work/userdel.err")" >&2
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/bin"
cp "$SBX" "$BENCH_BIN/firstmap" "$BENCH_BIN/benchrun" "$work/bin/"
cp -R "$here/../../profiles" "$work/profiles"
chmod -R a+rX "$work/bin" "$work/profiles"
# The names index an installed sbx has (the package's trigger writes it).
"$work/bin/sbx" profile index "$work/profiles" >/dev/null || die "sbx profile index $work/profiles failed"

if [[ $(id -u) -eq 0 ]]; then
	if [[ -n ${BENCH_USER:-} ]]; then
		user=$BENCH_USER
	else
		user=$TEMP_USER
		if id "$user" >/dev/null 2>&1; then
			[[ $(getent passwd "$user" | cut -d: -f5) == "$TEMP_USER_GECOS" ]] ||
				die "user $user exists and was not made by make bench-gui; set BENCH_USER"
		else
			useradd --create-home --shell /bin/sh --comment "$TEMP_USER_GECOS" "$user"
		fi
		created_user=$user
	fi
	home=$(getent passwd "$user" | cut -d: -f6)
	as_user() {
		(cd "$work" && exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups \
			env -i HOME="$home" USER="$user" LOGNAME="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 \
			SBX_PROFILES_DIR="$work/profiles" XAUTHORITY="$out/xauthority" ${display:+DISPLAY=:$display} "$@")
	}
	[[ -d /tmp/.X11-unix ]] || install -d -m 1777 /tmp/.X11-unix
else
	user=$(id -un)
	home=$HOME
	as_user() { (cd "$work" && exec env SBX_PROFILES_DIR="$work/profiles" XAUTHORITY="$out/xauthority" ${display:+DISPLAY=:$display} "$@"); }
fi
out=$work/out
mkdir -p "$out"
chown "$user" "$out"

# The X server, as the user, with its cookie in a file of this run (XAUTHORITY).
cookie=$(mcookie)
# Made empty first: xauth says "file does not exist" on stderr even with -q.
install -m 600 -o "$user" /dev/null "$out/serverauth"
install -m 600 -o "$user" /dev/null "$out/xauthority"
as_user xauth -q -f "$out/serverauth" add :0 . "$cookie"
as_user Xvfb -displayfd 3 -auth "$out/serverauth" -nolisten tcp -noreset -screen 0 1024x768x24 \
	</dev/null >"$out/xvfb.log" 2>&1 3>"$out/displayfd" &
xvfb_pid=$!
for _ in $(seq 200); do [[ -s $out/displayfd ]] && break; sleep 0.05; done
[[ -s $out/displayfd ]] || die "Xvfb did not start: $(cat "$out/xvfb.log")"
display=$(cat "$out/displayfd")
# $! is the shell around it: the server itself is the one with this run's cookie file.
xvfb_pid=$(pgrep -n -f -- "-auth $out/serverauth")
as_user xauth -q add ":$display" . "$cookie"

fm=$work/bin/firstmap
# The user's session bus, as a desktop has it: bare mousepad and Firefox register their names on
# it (firejail passes it through); sbx's profiles grant none, the apps get a dead address.
as_user dbus-daemon --session --fork --address="unix:path=$out/bus" --print-pid >"$out/bus.pid" ||
	die "dbus-daemon did not start"
bus_pid=$(cat "$out/bus.pid")
trap 'kill -TERM "$bus_pid" 2>/dev/null || true; cleanup' EXIT
export DBUS_SESSION_BUS_ADDRESS="unix:path=$out/bus"

# bench APP RUNS ARGS...: APP bare, through sbx's shipped profile and through firejail's profile
# for it (its default one when it ships none), RUNS times each, alternating; prints the table.
# xterm also runs in the least sandbox that shows it a display, bwrap's, for scale: what any
# sandbox's namespaces and mounts cost an app that maps its window in 40 ms (no Landlock, no
# seccomp filter, your own cookie).
bench() {
	local app=$1 runs=$2 v i k order
	shift 2
	# shellcheck disable=SC2034  # used through the nameref below
	local bare=("$app" "$@") sbx=("$work/bin/sbx" -q "$app" "$@") fj=(firejail --quiet "$app" "$@") bw=()
	local variants=(bare sbx fj)
	if [[ $app == xterm ]]; then
		# shellcheck disable=SC2034  # used through the nameref below
		bw=(bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr --ro-bind /etc /etc
			--symlink usr/bin /bin --symlink usr/sbin /sbin --symlink usr/lib /lib --symlink usr/lib64 /lib64
			--proc /proc --dev /dev --tmpfs /tmp --ro-bind "/tmp/.X11-unix/X$display" "/tmp/.X11-unix/X$display"
			--ro-bind "$out/xauthority" "$out/xauthority" --tmpfs "$home" "$app" "$@")
		variants+=(bw)
	fi
	rm -f "$out"/{bare,sbx,fj,bw}.ms
	# One run each first, unmeasured: it fails early, and makes the profile directories a real
	# user has (~/.mozilla, ~/.config/Mousepad), which the sbx profiles then bind.
	for v in "${variants[@]}"; do
		declare -n cmd=$v
		as_user env DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$fm" "${cmd[@]}" >/dev/null 2>"$out/first.log" ||
			die "no $app window through: ${cmd[*]}: $(tail -5 "$out/first.log")"
	done
	echo
	echo "== first window: $app, fork to MapNotify on an Xvfb, $runs runs each, alternating =="
	for ((i = 0; i < runs; i++)); do
		order=()
		for ((k = 0; k < ${#variants[@]}; k++)); do order+=("${variants[(i + k) % ${#variants[@]}]}"); done
		for v in "${order[@]}"; do
			declare -n cmd=$v
			as_user env DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$fm" "${cmd[@]}" \
				>>"$out/$v.ms" 2>/dev/null || echo "bench-gui: a run of $app ($v) failed" >&2
		done
	done
	python3 - "$out" "$app" <<'PY'
import statistics, sys
out, app = sys.argv[1], sys.argv[2]
labels = {"bare": f"{app} (no sandbox)", "sbx": f"sbx {app} (shipped profile)", "fj": f"firejail {app}",
          "bw": f"bwrap {app} (display only)"}
med = {}
print(f"  {'command':<36} {'runs':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
for k, label in labels.items():
    try:
        v = sorted(float(x) for x in open(f"{out}/{k}.ms"))
    except FileNotFoundError:
        continue
    med[k] = statistics.median(v)
    print(f"  {label:<36} {len(v):>5} {med[k]:>10.1f} {v[0]:>8.1f} {v[-1]:>8.1f}")
print()
print(f"  sbx / bare     = {med['sbx'] / med['bare']:.2f}  (goal <= 1.10)")
print(f"  sbx / firejail = {med['sbx'] / med['fj']:.2f}  (goal < 1)")
if "bw" in med:
    print(f"  bwrap / bare   = {med['bw'] / med['bare']:.2f}  sbx / bwrap = {med['sbx'] / med['bw']:.2f}")
PY
}

# split APP RUNS: where the difference goes. APP bare and through sbx, each started by `benchrun
# stamp`, which notes the moment of APP's exec: the time before it is the sandbox's start, the time
# after it APP's own (the sandbox's filters and Landlock at work), same run, alternating.
split() {
	local app=$1 runs=$2 i v
	# shellcheck disable=SC2034  # used through the nameref below
	local bare=("$work/bin/benchrun" stamp "$app") \
		sbx=("$work/bin/sbx" -q --ro-bind "$work/bin" --profile "$app" -- "$work/bin/benchrun" stamp "$app")
	rm -f "$out"/split.{bare,sbx}
	echo
	echo "== where it goes: $app's start to its exec, and its exec to MapNotify, $runs runs each =="
	for ((i = 0; i < runs; i++)); do
		for v in $( ((i % 2)) && echo sbx bare || echo bare sbx); do
			declare -n cmd=$v
			as_user env DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" "$fm" -e "${cmd[@]}" \
				>>"$out/split.$v" 2>/dev/null || echo "bench-gui: a split run of $app ($v) failed" >&2
		done
	done
	python3 - "$out" "$app" <<'PY'
import statistics, sys
out, app = sys.argv[1], sys.argv[2]
med = {}
print(f"  {'command':<36} {'runs':>5} {'start ms':>9} {'app ms':>8} {'total ms':>9}")
for k, label in (("bare", f"{app} (no sandbox)"), ("sbx", f"sbx {app} (shipped profile)")):
    rows = [tuple(map(float, line.split())) for line in open(f"{out}/split.{k}")]
    start = statistics.median(r[1] for r in rows)
    own = statistics.median(r[0] - r[1] for r in rows)
    med[k] = (start, own)
    print(f"  {label:<36} {len(rows):>5} {start:>9.2f} {own:>8.1f} {statistics.median(r[0] for r in rows):>9.1f}")
print()
print(f"  sbx's start costs {med['sbx'][0] - med['bare'][0]:+.2f} ms; {app} inside takes "
      f"{med['sbx'][1] - med['bare'][1]:+.1f} ms to its window (medians; both start through benchrun stamp)")
PY
}

bench xterm "$WINDOW_RUNS"
split xterm "$WINDOW_RUNS"
bench mousepad "$WINDOW_RUNS"
bench firefox-esr "$BROWSER_RUNS" --new-instance about:blank
