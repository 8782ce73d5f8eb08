#!/bin/sh
# `make demo`: runs a real command in sbx as an unprivileged user and shows what it sees.
# As root it uses a temporary user (removed afterwards); as a user it runs as that user.
set -eu
sbx=$(readlink -f "${1:-build/sbx}")
user=""
cleanup() {
	[ -n "$user" ] && userdel -r "$user" >/dev/null 2>&1 || true
	[ -n "${dir:-}" ] && rm -rf "$dir"
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
