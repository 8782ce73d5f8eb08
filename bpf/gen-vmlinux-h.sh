#!/bin/sh
# Writes the kernel's types as C (vmlinux.h, for the BPF programs in bpf/) from a kernel's BTF:
#   sh bpf/gen-vmlinux-h.sh SOURCE OUT
# SOURCE is raw BTF (/sys/kernel/btf/vmlinux), an ELF vmlinux with a .BTF section, or a compressed
# kernel image (/boot/vmlinuz-*: its xz, zstd or gzip payload is unpacked first). The committed
# bpf/vmlinux/ARCH/vmlinux.h is made this way (`make vmlinux-h`, see bpf/vmlinux/README.md).
set -eu
src=$1
out=$2
BPFTOOL=${BPFTOOL:-bpftool}
[ -r "$src" ] || { echo "gen-vmlinux-h: cannot read $src" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

magic=$(head -c 4 "$src" | od -An -tx1 | tr -d ' \n')
case $magic in
7f454c46 | 9feb*)  # ELF, or raw BTF (0xeB9F, little-endian)
	btf=$src ;;
*)
	btf=
	# The decompressor stub comes first; the payload starts at the first magic number that unpacks.
	for fmt in 'xz fd377a585a00' 'zstd 28b52ffd' 'gzip 1f8b08'; do
		tool=${fmt% *}
		hex=$(echo "${fmt#* }" | sed 's/../\\x&/g')
		command -v "$tool" >/dev/null || continue
		for at in $(LC_ALL=C grep -aobUP "$hex" "$src" | cut -d: -f1 | head -n 8); do
			tail -c +$((at + 1)) "$src" | "$tool" -dc >"$tmp/vmlinux" 2>/dev/null || true
			if [ "$(head -c 4 "$tmp/vmlinux" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
				btf=$tmp/vmlinux
				break 2
			fi
		done
	done
	[ -n "$btf" ] || { echo "gen-vmlinux-h: $src is not BTF, an ELF vmlinux or a kernel image sbx can unpack" >&2; exit 1; }
	;;
esac
mkdir -p "$(dirname "$out")"
"$BPFTOOL" btf dump file "$btf" format c >"$out.tmp"
mv "$out.tmp" "$out"
echo "gen-vmlinux-h: wrote $out from $src ($(wc -l <"$out") lines)"
