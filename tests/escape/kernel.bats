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
