#!/bin/sh
# mkinitrd.sh OUT_DIR: builds the VM lane's guest from Debian packages: picks the kernel
# (linux-image-amd64; $SBX_VM_KVER to choose another installed one), and writes OUT_DIR/initrd.gz
# (busybox-static + the virtio/9p/overlay modules in load order + tests/vm/init) and OUT_DIR/kernel
# (the path of the matching vmlinuz). Nothing on the host is mounted or changed.
# $SBX_VM_KROOT: a directory holding an unpacked kernel package (boot/, lib/modules/ with
# modules.dep) to take the kernel from instead of the host's /boot and /lib/modules.
set -eu
out=${1:?usage: mkinitrd.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
kroot=${SBX_VM_KROOT:-}

if [ -n "${SBX_VM_KVER:-}" ]; then
	kver=$SBX_VM_KVER
else
	# Newest Debian kernel whose modules are installed (the host's own kernel may have none).
	kver=$(for v in "$kroot"/boot/vmlinuz-*; do v=${v#"$kroot"/boot/vmlinuz-}; [ -d "$kroot/lib/modules/$v/kernel" ] && echo "$v"; done |
		sort -V | tail -n 1)
fi
kernel=$kroot/boot/vmlinuz-$kver
if [ -z "$kver" ] || [ ! -r "$kernel" ] || [ ! -d "$kroot/lib/modules/$kver" ]; then
	echo "mkinitrd: no Debian kernel with modules found; install linux-image-amd64 (make deps)" >&2
	exit 1
fi
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx switch_root || {
	echo "mkinitrd: /bin/busybox is not busybox-static; install busybox-static (make deps)" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/sbx-initrd.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/lower" "$root/rw" "$root/newroot"
cp /bin/busybox "$root/bin/busybox"
: > "$root/mods"
# modprobe resolves dependencies and load order from modules.dep; built-in modules print "builtin".
for m in virtio_pci 9pnet_virtio 9p overlay; do
	# Checked here: in the guest a missing module would only show as a failed 9p mount.
	deps=$(modprobe --show-depends -d "${kroot:-/}" -S "$kver" "$m") || {
		echo "mkinitrd: module $m not found for kernel $kver (modules.dep in /lib/modules/$kver)" >&2; exit 1; }
	printf '%s\n' "$deps" | while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		name=$(basename "$path"); name=${name%%.ko*}
		grep -qx "$name" "$root/mods" && continue
		case $path in
		*.xz) xz -dc "$path" > "$root/lib/modules/$name.ko" ;;
		*.zst) zstd -qdc "$path" > "$root/lib/modules/$name.ko" ;;
		*.gz) gzip -dc "$path" > "$root/lib/modules/$name.ko" ;;
		*) cp "$path" "$root/lib/modules/$name.ko" ;;
		esac
		echo "$name" >> "$root/mods"
	done
done
cp "$here/init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "$kernel" > "$out/kernel"
echo "vm: guest kernel $kver, initrd with $(wc -l < "$root/mods") modules: $(tr '\n' ' ' < "$root/mods")"
