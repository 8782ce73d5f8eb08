#!/bin/sh
# `make demo`: runs a real command in sbx as an unprivileged user and shows what it sees.
# As root it uses a temporary user (removed afterwards); as a user it runs as that user.
set -eu
sbx=$(readlink -f "${1:-build/sbx}")
profiles=$(cd "$(dirname "$0")/../../profiles" && pwd)
user=""
cleanup() {
	[ -n "$user" ] && userdel -r "$user" >/dev/null 2>&1 || true
	[ -n "${dir:-}" ] && rm -rf "$dir"
	[ -n "${proj:-}" ] && rm -rf "$proj"
}
trap cleanup EXIT
run() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
	user=sbx-demo
	id "$user" >/dev/null 2>&1 || useradd -m "$user"
	dir=$(mktemp -d /tmp/sbx-demo.XXXXXX)
	cp "$sbx" "$dir/sbx"
	chmod 755 "$dir" "$dir/sbx"
	sbx="$dir/sbx"
	echo "secret notes" > "/home/$user/notes.txt"
	run() { runuser -u "$user" -- env -i HOME="/home/$user" USER="$user" PATH=/usr/bin:/bin "$@"; }
fi
script='
echo "== id";            id
echo "== /proc/self/status"; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status
echo "== ls /";          ls /
echo "== ls -A ~ ($HOME)"; ls -A ~; echo "(empty: the host home is not visible)"
echo "== network interfaces"; cat /proc/net/dev | tail -n +3 | cut -d: -f1
echo "== processes";     ls /proc | grep -E "^[0-9]+$" | tr "\n" " "; echo
echo "== host home file"; cat ~/notes.txt 2>&1 || true
'
echo "\$ sbx -- sh -c '...'    (as $(run id -un))"
cd /
run "$sbx" --quiet -- sh -c "$script"

# Everyday use: the profiles of this checkout (as after make install) grant the working directory,
# so what a command writes there stays; what it writes elsewhere is discarded, and sbx says so.
if [ -n "$user" ]; then
	cp -R "$profiles" "$dir/profiles"
	chmod -R a+rX "$dir/profiles"
	profiles=$dir/profiles
fi
proj=$(run mktemp -d "$(run sh -c 'echo $HOME')/sbx-demo-proj.XXXXXX")
run sh -c 'echo "some notes" > "$1/notes.txt"' sh "$proj"
echo
echo "\$ cd ~/${proj##*/} && sbx gzip -k notes.txt && ls"
run sh -c 'cd "$1" && SBX_PROFILES_DIR="$2" "$3" gzip -k notes.txt && ls' sh "$proj" "$profiles" "$sbx"
echo
echo "\$ cd ~ && sbx sh -c 'echo hi > ~/new.txt'"
run sh -c 'cd && SBX_PROFILES_DIR="$1" "$2" --quiet sh -c "echo hi > ~/new.txt"' sh "$profiles" "$sbx"
