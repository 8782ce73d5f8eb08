#!/bin/sh
# Runs inside the VM as root (after the initramfs switched into the overlay over the host root):
# prepares what the host tests also expect (cgroup2 at /sys/fs/cgroup, /tmp, an unprivileged
# user), then runs every tests/vm/*.bats with bats and leaves TAP, the exit status and dmesg in
# the out share (build/vm/out on the host). Variables come from the kernel command line.
out=/run/sbx-vm-out
repo=${SBX_VM_REPO:?}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

mount -t cgroup2 cgroup2 /sys/fs/cgroup
# A fresh /tmp, unless the checkout or the build lives there (a clone in /tmp): a tmpfs would hide
# it, and the overlay's /tmp is writable anyway.
case "$repo/ $SBX_VM_BUILD/" in
/tmp/* | *" /tmp/"*) ;;
*) mount -t tmpfs -o mode=1777 tmp /tmp ;;
esac
# devtmpfs lacks the /dev/fd links bash process substitution (and bats) need.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
hostname sbx-vm

# The unprivileged user the harness drives (as on the host; the overlay makes /etc writable).
# common.bash creates it by SBX_TEST_USER_NAME; a name of the guest's own, because the guest's
# /etc/passwd starts as the host's: a host test run holding the default sbx-test at boot would
# make the harness take that user, whose home the host removes under the guest's feet.
export SBX_TEST_USER_NAME=sbx-vm-user SBX_TEST_STATE_DIR=/run/sbx-vm-harness
export TEST_USER=${TEST_USER:-sbxtest}
id "$TEST_USER" >/dev/null 2>&1 || useradd -m -U -s /bin/sh "$TEST_USER"
mkdir -p "/home/$TEST_USER" && chown "$TEST_USER:" "/home/$TEST_USER"

export SBX="$SBX_VM_BUILD/sbx" BUILD="$SBX_VM_BUILD" HELPERS="$SBX_VM_BUILD/helpers"
# The checkout may sit below a directory the test user cannot traverse (a CI clone under /root),
# so the VM probes are copied to a 0755 directory of the overlay, as the harness copies sbx.
export VM_HELPERS=/opt/sbx-vm-helpers SBX_IN_VM=1
mkdir -p "$VM_HELPERS" && cp -R "$SBX_VM_BUILD/vm/helpers/." "$VM_HELPERS/" && chmod -R a+rX,go-w "$VM_HELPERS"
# The kernel line this lane boots (run.sh: 6.1 or 6.12; lane.bats checks uname -r against it). The
# 6.12 lane also brings AppArmor 4's parser and a `make install` tree (vm.mk, check-vm-6.12).
export SBX_VM_LANE="${SBX_VM_LANE:-6.1}"
if [ "$SBX_VM_LANE" = 6.12 ]; then
	export SBX_VM_AA4="$SBX_VM_BUILD/vm-6.12/apparmor4/apparmor_parser" SBX_VM_INSTALL="$SBX_VM_BUILD/vm-6.12/install"
fi

{
	echo "kernel: $(uname -r) (lane $SBX_VM_LANE)"
	echo "cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
	echo "lsm: $(cat /sys/kernel/security/lsm 2>/dev/null)"
	echo "sbx: $("$SBX" --version 2>&1)"
} > "$out/guest-info.txt"

cd "$repo" || exit 1
set -- ${SBX_VM_TESTS:-tests/vm/*.bats}
if [ ! -e "$1" ]; then
	echo "1..0" > "$out/results.tap"
	echo 0 > "$out/rc"
else
	bats --tap --timing "$@" > "$out/results.tap" 2> "$out/bats-stderr.txt"
	echo $? > "$out/rc"
fi
dmesg > "$out/dmesg.txt" 2>/dev/null
sync
