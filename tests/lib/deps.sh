#!/bin/sh
# Installs the Debian packages sbx needs to build and test, when run as root; otherwise prints the
# exact apt-get line. Extra packages may be passed as arguments.
set -eu
pkgs="gcc make pkg-config libseccomp-dev libcap-dev libbpf-dev libapparmor-dev apparmor libcmocka-dev bats
libxcb1-dev libxau-dev x11proto-dev xvfb xauth x11-utils x11-apps xdotool xterm imagemagick dbus-x11
python3 jq iproute2 util-linux procps clang llvm libclang-rt-14-dev bpftool clang-tidy cppcheck
linux-image-amd64 qemu-system-x86 busybox-static cpio kmod btrfs-progs
curl wget git sqlite3 tar gzip openssh-client nginx
xz-utils zstd bzip2 unzip zip libxml2-utils perl lua5.4 rsync gnupg aria2 w3m less nano vim
poppler-utils imagemagick ffmpeg pandoc redis-server memcached lighttpd
libglib2.0-bin desktop-file-utils dbus-daemon dbus-bin python3-gi xdg-dbus-proxy python3-dbus xdg-utils
weston wayland-utils pulseaudio pulseaudio-utils pipewire pipewire-bin
mousepad gedit evince eog mpv firefox-esr chromium
libreoffice-writer libreoffice-gtk3 inkscape gimp vlc transmission-gtk thunderbird
nodejs ruby p7zip-full lynx xmlstarlet libimage-exiftool-perl qpdf optipng jpegoptim gifsicle flac sox
ghostscript graphviz shellcheck file diffutils patch openssl cmake bc yt-dlp firejail firejail-profiles dnsmasq-base
postgresql
strace zsh fish debhelper devscripts equivs lintian fakeroot $*"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "sbx: missing build dependencies; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
echo "sbx: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Installing nginx, redis-server, memcached or lighttpd must not start a server on this host (tests
# start their own, in namespaces of their own or on loopback ports they pick):
# a policy-rc.d refuses every service start during the install, unless the admin has one.
rcd=/usr/sbin/policy-rc.d
own_rcd=
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\n# sbx tests/lib/deps.sh: no service starts while it installs packages\nexit 101\n' >"$rcd"
	chmod 0755 "$rcd"
	own_rcd=1
fi
trap '[ -z "$own_rcd" ] || rm -f "$rcd"' EXIT
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# ...nor at the next boot.
for svc in nginx redis-server memcached lighttpd; do
	case " $missing " in
	*" $svc "*) systemctl disable "$svc.service" >/dev/null 2>&1 || true ;;
	esac
done
