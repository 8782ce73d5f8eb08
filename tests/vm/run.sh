#!/bin/sh
# run.sh: boots the VM lane's guest (build/vm/kernel + initrd.gz from mkinitrd.sh) under QEMU,
# sharing the host root read-only over 9p, runs tests/vm/*.bats inside (guest.sh) and prints
# their results, ending like tests/run.sh with "N passed, N failed". The guest console goes to
# build/vm/console.log and is kept (and its tail printed) when something fails.
# Environment: BUILD (absolute build dir), SBX_VM_ACCEL=tcg|kvm (default: kvm only when a quick
# probe boot works, cached in build/vm/accel), SBX_VM_TIMEOUT (s, default 540),
# SBX_VM_TESTS (one bats file or glob, relative to the repo), SBX_VM_MEM (MiB, default 1024),
# SBX_VM_LANE (6.1 or 6.12: the kernel line the tests expect; the guest checks uname -r against it).
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$repo/build}
vm=${SBX_VM_DIR:-$build/vm}
out=$vm/out
log=$vm/console.log
timeout_s=${SBX_VM_TIMEOUT:-540}
kernel=$(cat "$vm/kernel" 2>/dev/null) || { echo "vm: run mkinitrd.sh first (make check-vm)" >&2; exit 2; }
for p in "$repo" "$build"; do
	case $p in *[!A-Za-z0-9_./-]*) echo "vm: path '$p' has characters the kernel command line cannot carry" >&2; exit 2 ;; esac
done

qemu() {
	# $1 = accel, $2 = timeout, rest = extra kernel command line
	accel=$1 t=$2; shift 2
	timeout -k 5 "$t" qemu-system-x86_64 -accel "$accel" -m "${SBX_VM_MEM:-1024}" -smp 1 \
		-nographic -no-reboot -monitor none -serial stdio \
		-kernel "$kernel" -initrd "$vm/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 lsm=landlock,lockdown,yama,apparmor,bpf $*" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$out,mount_tag=out,security_model=none" \
		-nic none </dev/null
}

# KVM hangs on some nested setups (PVM); use it only when a probe boot reaches the initramfs.
accel=${SBX_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=$(cat "$vm/accel" 2>/dev/null)
	if [ -z "$accel" ]; then
		accel=tcg
		mkdir -p "$out"
		if [ -w /dev/kvm ] && qemu kvm 20 SBX_VM_MODE=probe 2>&1 | grep -q SBX_VM_PROBE_OK; then
			accel=kvm
		fi
		echo "$accel" > "$vm/accel"
	fi
fi

rm -rf "$out" && mkdir -p "$out"
echo "vm: booting $(basename "$kernel") with $accel (timeout ${timeout_s}s); console: $log"
start=$(date +%s)
qemu "$accel" "$timeout_s" "SBX_VM_GUEST=$repo/tests/vm/guest.sh SBX_VM_REPO=$repo SBX_VM_BUILD=$build" \
	"SBX_VM_LANE=${SBX_VM_LANE:-6.1}" \
	${SBX_VM_TESTS:+"SBX_VM_TESTS=$SBX_VM_TESTS"} > "$log" 2>&1
qrc=$?
echo "vm: guest ran $(( $(date +%s) - start ))s; $(cat "$out/guest-info.txt" 2>/dev/null | tr '\n' ';' | sed 's/;$//')"

passed=0 failed=0 skipped=0
if [ -s "$out/results.tap" ]; then
	# Same shape as the host suites: one line per test, then the summary.
	while IFS= read -r line; do
		case $line in
		"ok "*"# skip"*) skipped=$((skipped + 1)); echo "  $line" ;;
		"ok "*) passed=$((passed + 1)); echo "  $line" ;;
		"not ok "*) failed=$((failed + 1)); echo "  $line" ;;
		"#"*) echo "  $line" ;;
		esac
	done < "$out/results.tap"
fi
rc=$(cat "$out/rc" 2>/dev/null || echo missing)
if [ "$rc" = missing ]; then
	echo "vm: the guest did not finish the tests (qemu exit $qrc$([ $qrc -eq 124 ] && echo ", timed out"))"
	failed=$((failed + 1))
elif [ "$rc" != 0 ] && [ "$failed" -eq 0 ]; then
	echo "vm: bats exited with $rc:"; sed 's/^/  /' "$out/bats-stderr.txt" 2>/dev/null | tail -n 20
	failed=$((failed + 1))
fi
if [ "$failed" -gt 0 ]; then
	echo "vm: guest console log kept at $log (and $out); last lines:"
	tail -n 30 "$log" | sed 's/^/  | /'
fi
# The last line, exactly as the host suites (tests/run.sh) end.
echo "$passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
