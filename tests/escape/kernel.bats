#!/usr/bin/env bats
# Escape classes through the kernel's attack surface: each test runs the probe for real (not with
# bad arguments) inside sbx, as the test user and as root, under the default profile and the most
# permissive shipped configuration, and expects every attempt to fail. The layer that stops each
# one is named in the test; tests/helpers/escape-probe.c says what each attempt does.

load ../lib/common
load escape

# Layer: seccomp (clone/unshare namespace flags EPERM, clone3 ENOSYS, foreign ABIs killed), behind
# it the user namespace limit. CVE-2021-41133 (Flatpak) and the i386/x32 bypasses of denylists.
@test "nested user namespaces through unshare, clone, clone3, i386 int 0x80 and x32 are refused" {
	for_variants expect_blocked userns
}

# Layer: seccomp (mount/umount2/pivot_root/chroot EPERM, new mount API ENOSYS), behind it the
# missing capabilities. A sandbox that can unmount or remount its view can see what is under it.
@test "the mount API (mount, umount, remount, fsopen, fspick, open_tree, mount_setattr, pivot_root, chroot) is refused" {
	for_variants expect_blocked mount
}

# Layer: seccomp (add_key, keyctl, request_key EPERM). Keyrings are not namespaced: the session
# and user keyrings would be the host's.
@test "kernel keyrings (the host's session and user keyrings) are unreachable" {
	for_variants expect_blocked keyring
}

# Layer: seccomp (perf_event_open EPERM unless --allow devel).
@test "perf_event_open is refused" {
	for_variants expect_blocked perf
}

# Layer: seccomp (io_uring_setup/enter/register EPERM).
@test "io_uring is refused" {
	for_variants expect_blocked io_uring
}

# Layer: seccomp (bpf EPERM); the kernel's unprivileged_bpf_disabled is a second wall.
@test "bpf (map creation and program loading) is refused" {
	for_variants expect_blocked bpf
}

# Layer: seccomp (name_to_handle_at, open_by_handle_at EPERM). The 2014 "shocker" container escape
# opened host files by handle, bypassing the mount namespace.
@test "open_by_handle_at and name_to_handle_at are refused" {
	for_variants expect_blocked handle
}

# Layer: seccomp (socket families other than unix, inet, inet6, netlink: EAFNOSUPPORT).
@test "AF_PACKET, AF_VSOCK and AF_ALG sockets cannot be created" {
	for_variants expect_blocked sockets
}

# Layer: seccomp (memfd_create with MFD_EXEC and execveat with AT_EMPTY_PATH: EACCES unless
# --allow jit or devel); Landlock and the view for O_TMPFILE and unlinked copies in /tmp and
# /dev/shm. Landlock does not check internal mounts such as memfd's, so without the seccomp rules
# a memfd runs code that was never a file in the view (fileless payloads).
@test "executable memfds: memfd_create(MFD_EXEC), fexecve of a memfd, O_TMPFILE and unlinked copies do not run" {
	for_variants expect_blocked memfd-exec
}

memfd_controls() {
	local who=$1 out rc=0
	# Control: without sbx the same probe runs its payload every way.
	out=$(run_as "$who" "$HELPERS/escape-probe" memfd-exec 2>&1) || rc=$?
	show "$who no sandbox" "$out"
	[ "$rc" -eq 1 ] || return 1
	grep -q '^ESCAPED memfd+execveat-empty OK' <<<"$out" || return 1
	grep -q '^ESCAPED memfd_create(MFD_EXEC) OK' <<<"$out" || return 1
	# With the relaxation, inside the sandbox, memfds run again (tmp copies stay refused).
	rc=0
	out=$(run_as "$who" "$SBX" --quiet --allow jit --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe memfd-exec 2>&1) || rc=$?
	show "$who --allow jit" "$out"
	[ "$rc" -eq 1 ] || return 1
	grep -q '^ESCAPED memfd+execveat-empty OK' <<<"$out" || return 1
	grep -q '^ESCAPED memfd-exec+execveat-empty OK' <<<"$out" || return 1
	grep -q '^BLOCKED tmpfile:/tmp+execveat-empty' <<<"$out" || return 1
	# ... and so does a memfd made without flags, through /proc/self/fd (no memfd guard).
	rc=0
	out=$(run_as "$who" "$SBX" --quiet --allow jit --ro-bind "$HELPERS:/helpers" -- /helpers/escape-probe memfd-procfd 2>&1) || rc=$?
	show "$who --allow jit memfd-procfd" "$out"
	[ "$rc" -eq 1 ] && grep -q '^ESCAPED memfd+proc-fd OK' <<<"$out" || return 1
	out=$(run_as "$who" "$SBX" --explain --allow jit -- /bin/true 2>&1)
	grep -q "LIFTED memfd_create with MFD_EXEC.*(by 'jit')" <<<"$out" || { show "$who explain" "$out"; return 1; }
	out=$(run_as "$who" "$SBX" --explain --json --allow jit -- /bin/true 2>/dev/null)
	[ "$(jq -r '.relaxations.jit' <<<"$out")" = true ] || { show "$who json" "$out"; return 1; }
	[ "$(jq -r '.seccomp.executable_memfds.state' <<<"$out")" = allowed ] || { show "$who json" "$out"; return 1; }
}

@test "executable memfds: the probe runs a memfd without sbx and inside with --allow jit (controls)" {
	memfd_controls user
	if [ "$(id -u)" -eq 0 ]; then memfd_controls root; fi
}

memfd_shm_works() {
	local who=$1 variant=$2 out rc=0
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe memfd-shm 2>&1) || rc=$?
	show "$who $variant" "$out"
	[ "$rc" -eq 0 ] && grep -qx 'INFO memfd-shared-memory OK' <<<"$out"
}

# Not an escape: what the memfd rules must leave alone (Wayland, PulseAudio and PipeWire buffers).
@test "executable memfds: a memfd used as shared memory (memfd_create, ftruncate, mmap, seals) still works" {
	for_variants memfd_shm_works
}

memfd_procfd_blocked() {
	local who=$1 variant=$2 out
	expect_blocked "$who" "$variant" memfd-procfd || return 1
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe memfd-procfd 2>&1)
	grep -qx 'BLOCKED memfd+proc-fd EACCES' <<<"$out" &&
		grep -qx 'BLOCKED memfd+execveat-proc-fd EACCES' <<<"$out" &&
		grep -qx 'BLOCKED memfd+fchmod(0755) EPERM' <<<"$out" || { show "$who $variant" "$out"; return 1; }
}

# Layer: seccomp user notification (the memfd guard, launcher/memfd_guard.c). A memfd made without
# MFD_EXEC or MFD_NOEXEC_SEAL is executable while the host's vm.memfd_noexec is 0, and exec of its
# /proc/self/fd/N link hands seccomp only a pointer. The filter sends such a memfd_create to the
# sandbox's pid 1, which makes the memfd with MFD_NOEXEC_SEAL: exec is EACCES, fchmod EPERM
# (F_SEAL_EXEC). Needs Linux 6.3 (MFD_NOEXEC_SEAL); where --explain says the kernel lacks it, the
# test skips with the reason --explain gives (not yet checked in the VM lane's 6.1 kernel).
@test "executable memfds: exec of a plain memfd through /proc/self/fd, and fchmod +x of it, are refused" {
	local state
	state=$(as_user "$SBX" --explain --json -- /bin/true 2>/dev/null | jq -r '.seccomp.executable_memfds.state')
	if [ "$state" = open ]; then
		skip "this kernel cannot have the memfd guard: $(as_user "$SBX" --explain --json -- /bin/true 2>/dev/null | jq -r '.seccomp.executable_memfds.why')"
	fi
	[ "$state" = blocked ]
	for_variants memfd_procfd_blocked
}

memfd_plain_works() {
	local who=$1 variant=$2 out rc=0 check
	out=$(escape_sbx "$who" "$variant" -- /helpers/escape-probe memfd-plain 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || { show "$who $variant" "$out"; return 1; }
	for check in shm cloexec noexec-seal names threads; do
		grep -qx "INFO memfd-plain-$check OK" <<<"$out" || { show "$who $variant" "$out"; return 1; }
	done
}

# Not an escape: what the memfd guard must leave alone. A memfd made without flags keeps its name,
# works as shared memory (write, mmap read and write), gets FD_CLOEXEC exactly when MFD_CLOEXEC was
# asked (and survives exec without it); MFD_NOEXEC_SEAL works as before; the kernel's EINVAL and
# EFAULT stay; 8 threads making 50 memfds each at once all get one of their own.
@test "executable memfds: a plain memfd still works (name, shared memory, MFD_CLOEXEC, threads)" {
	for_variants memfd_plain_works
}

memfd_python_works() {
	local who=$1 variant=$2 out
	out=$(escape_sbx "$who" "$variant" -- /usr/bin/python3 -c '
import mmap, os
fd = os.memfd_create("buffer")
os.ftruncate(fd, 4096)
m = mmap.mmap(fd, 4096)
m[:5] = b"hello"
assert os.pread(fd, 5, 0) == b"hello"
assert os.readlink(f"/proc/self/fd/{fd}") == "/memfd:buffer (deleted)"
assert not os.get_inheritable(fd)
print("python memfd OK")' 2>&1)
	grep -qx 'python memfd OK' <<<"$out" || { show "$who $variant" "$out"; return 1; }
}

# A real program: Python's os.memfd_create (what GUI toolkits and PipeWire clients do in C).
@test "executable memfds: python's os.memfd_create and mmap work under the memfd guard" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 on this machine"
	for_variants memfd_python_works
}
