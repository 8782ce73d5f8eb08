#!/bin/sh
# fetch-apparmor4.sh DIR: puts Debian trixie's AppArmor 4 parser in DIR/root (unpacked, never
# installed) and a wrapper DIR/apparmor_parser that runs it. Debian 12's parser (3.0.8) refuses
# `abi <abi/4.0>,` and `userns,`, which the userns tests of the 6.12 lane and profiles/apparmor/sbx
# need. The packages come through a throwaway apt state in DIR/apt that lists trixie, so the host's
# /etc/apt, its lists and its dpkg database stay as they are. trixie's parser needs glibc >= 2.38
# (bookworm has 2.36), so the wrapper runs it through trixie's own ld.so and libc6 from DIR/root.
# $SBX_VM_DEBIAN_MIRROR: the Debian mirror (default http://deb.debian.org/debian).
set -eu
dir=${1:?usage: fetch-apparmor4.sh DIR}
mirror=${SBX_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
rm -rf "$dir" && mkdir -p "$dir/apt/state/lists/partial" "$dir/apt/cache/archives/partial" "$dir/debs"
dir=$(cd "$dir" && pwd)
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$dir/apt/sources.list"
set -- -o "Dir::State=$dir/apt/state" -o "Dir::Cache=$dir/apt/cache" \
	-o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=/dev/null \
	-o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root
apt-get -q "$@" update >"$dir/apt/update.log" 2>&1 ||
	{ echo "vm: apt-get update of trixie from $mirror failed:" >&2; tail -n 5 "$dir/apt/update.log" >&2; exit 1; }
(cd "$dir/debs" && apt-get -q "$@" download apparmor/trixie libc6/trixie) >"$dir/apt/download.log" 2>&1 ||
	{ echo "vm: apt-get download apparmor/trixie libc6/trixie failed:" >&2; tail -n 5 "$dir/apt/download.log" >&2; exit 1; }
for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
rm -rf "$dir/apt" "$dir/debs"

cat >"$dir/apparmor_parser" <<'EOF'
#!/bin/sh
# trixie's apparmor_parser, run through trixie's ld.so and libc (written by tests/vm/fetch-apparmor4.sh)
T=$(cd "$(dirname "$0")" && pwd)/root
L=$T/usr/lib/x86_64-linux-gnu
exec "$L/ld-linux-x86-64.so.2" --library-path "$L" "$T/usr/sbin/apparmor_parser" \
	--config-file="$T/etc/apparmor/parser.conf" --base="$T/etc/apparmor.d" "$@"
EOF
chmod 0755 "$dir/apparmor_parser"
# The wrapper must run here, or the lane would fail later in the guest with a vaguer message.
v=$("$dir/apparmor_parser" -V | head -n 1)
case $v in
*" version 4."*) echo "vm: $v in $dir" ;;
*) echo "vm: $dir/apparmor_parser does not run as AppArmor 4: $v" >&2; exit 1 ;;
esac
