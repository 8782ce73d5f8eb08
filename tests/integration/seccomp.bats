#!/usr/bin/env bats
# The seccomp layer, probed from inside the real sandbox as root and as an unprivileged user.
# try-syscall calls each syscall with arguments the kernel rejects harmlessly and recognisably
# (bad pointer -> EFAULT, fd -1 -> EBADF, invalid flags -> EINVAL), so the filter's answer (EPERM,
# ENOSYS, EAFNOSUPPORT, SIGSYS) is told apart from "reached the kernel". Every test that asserts a
# denial also runs a control without sbx (or without the rule) that shows the other answer, so the
# test fails if the filter is missing.

bats_require_minimum_version 1.5.0
load ../lib/common

setup() {
	tmp=$(mktemp -d /var/tmp/sbx-seccomp.XXXXXX)
	chmod 755 "$tmp"
}

teardown() {
	rm -rf "$tmp"
}

# try-syscall on the host, without sbx, as MODE: the kernel's own answers.
host_probe() {
	local mode=$1
	shift
	if [ "$mode" = root ]; then
		"$HELPERS/try-syscall" "$@"
	else
		as_user "$HELPERS/try-syscall" "$@"
	fi
}

# Fails unless $output has the line "NAME RESULT" for each NAME=RESULT argument.
assert_probes() {
	local pair bad=0
	for pair in "$@"; do
		if ! grep -qxF -- "${pair%%=*} ${pair#*=}" <<<"$output"; then
			echo "expected: ${pair%%=*} ${pair#*=}; got: $(grep -- "^${pair%%=*} " <<<"$output")" >&2
			bad=1
		fi
	done
	return "$bad"
}

# The probe names whose result differs between two try-syscall outputs, sorted, one line.
changed_probes() {
	LC_ALL=C join <(LC_ALL=C sort <<<"$1") <(LC_ALL=C sort <<<"$2") |
		awk '$2 != $3 { print $1 }' | LC_ALL=C sort | xargs
}

# Its arguments sorted like changed_probes sorts, one line.
sorted() {
	printf '%s\n' "$@" | LC_ALL=C sort | xargs
}

# What the always-on filter answers, per probe (no relaxation).
ALWAYS_ON=(
	ioctl-tiocsti=EPERM ioctl-tiocsti-high=EPERM ioctl-tioclinux=EPERM ioctl-tioclinux-high=EPERM
	ioctl-tiocsetd=EPERM ioctl-tiocsetd-high=EPERM ioctl-tiocexcl=EPERM ioctl-tiocexcl-high=EPERM
	clone3=ENOSYS
	clone-newuser=EPERM clone-newns=EPERM clone-newpid=EPERM clone-newnet=EPERM clone-newuts=EPERM
	clone-newipc=EPERM clone-newcgroup=EPERM
	unshare-newuser=EPERM unshare-newns=EPERM unshare-newpid=EPERM unshare-newnet=EPERM
	unshare-newuts=EPERM unshare-newipc=EPERM unshare-newcgroup=EPERM unshare-newtime=EPERM
	unshare-user-real=EPERM setns=EPERM
	mount=EPERM umount2=EPERM pivot_root=EPERM chroot=EPERM
	open_tree=ENOSYS open_tree_attr=ENOSYS move_mount=ENOSYS fsopen=ENOSYS fsconfig=ENOSYS
	fsmount=ENOSYS fspick=ENOSYS mount_setattr=ENOSYS
	add_key=EPERM keyctl=EPERM request_key=EPERM bpf=EPERM perf_event_open=EPERM ptrace=EPERM
	process_vm_readv=EPERM process_vm_writev=EPERM kcmp=EPERM pidfd_getfd=EPERM ioperm=EPERM iopl=EPERM
	lookup_dcookie=EPERM kexec_load=EPERM
	kexec_file_load=EPERM init_module=EPERM finit_module=EPERM delete_module=EPERM syslog=EPERM
	acct=EPERM quotactl=EPERM userfaultfd=EPERM io_uring_setup=EPERM io_uring_enter=EPERM
	io_uring_register=EPERM open_by_handle_at=EPERM name_to_handle_at=EPERM
	personality-aslr=EPERM personality-query=EPERM swapon=EPERM swapoff=EPERM reboot=EPERM
	settimeofday=EPERM clock_settime=EPERM clock_adjtime=EPERM adjtimex=EPERM
	set_mempolicy=EPERM mbind=EPERM move_pages=EPERM migrate_pages=EPERM get_mempolicy=EPERM
	uselib=EPERM modify_ldt=EPERM
	socket-packet=EAFNOSUPPORT socket-vsock=EAFNOSUPPORT socket-alg=EAFNOSUPPORT
	socket-key=EAFNOSUPPORT socket-bluetooth=EAFNOSUPPORT socket-high-bits=EAFNOSUPPORT
	i386-getpid=SIGSYS i386-mount=SIGSYS x32-getpid=SIGSYS x32-mount=SIGSYS
)
# Calls that must keep reaching the kernel.
STILL_ALLOWED=(
	ioctl-tiocnotty=EBADF clone-plain=EINVAL unshare-plain=EINVAL personality-linux=OK
	socket-unspec=EINVAL socket-unix=EINVAL socket-inet=EINVAL socket-inet6=EINVAL
	socket-netlink=EINVAL chmod=EFAULT listen=EBADF prctl=EFAULT getpid=OK
)
# Calls the kernel refuses by itself without (init-namespace) capabilities, so that without a
# filter they may already answer EPERM; the unit tests check these rules in the exported BPF.
# (lookup_dcookie: before Linux 6.8, which removed it, it checked CAP_SYS_ADMIN first.)
CAP_GATED="lookup_dcookie pivot_root kexec_load kexec_file_load init_module finit_module delete_module syslog acct swapon swapoff reboot"

always_on() {
	local mode=$1
	local -a ALWAYS_ON=("${ALWAYS_ON[@]}")
	if ! host_runs_i386 "$mode"; then
		mapfile -t ALWAYS_ON < <(printf '%s\n' "${ALWAYS_ON[@]}" | grep -v '^i386-')
	fi
	run sbx_probe "$mode" -- /helpers/try-syscall all
	[ "$status" -eq 0 ]
	assert_probes "${ALWAYS_ON[@]}" "${STILL_ALLOWED[@]}"
	local inside=$output

	# Control: the same probes without sbx reach the kernel and get its answer instead.
	run host_probe "$mode" all
	[ "$status" -eq 0 ]
	local pair same=""
	for pair in "${ALWAYS_ON[@]}"; do
		if grep -qxF -- "${pair%%=*} ${pair#*=}" <<<"$output"; then
			same="$same ${pair%%=*}"
		fi
	done
	for name in $same; do
		if ! grep -qw -- "$name" <<<"$CAP_GATED"; then
			echo "probe $name gives the filter's answer even without sbx: it proves nothing" >&2
			return 1
		fi
	done
	# And the sandbox changed exactly the probes the always-on set covers.
	local expected
	expected=$(printf '%s\n' "${ALWAYS_ON[@]}" | cut -d= -f1 | grep -vxF -f <(xargs -n1 <<<"$same .") |
		LC_ALL=C sort | xargs)
	[ "$(changed_probes "$output" "$inside")" = "$expected" ]
}

@test "seccomp: always-on denials answer with the filter's errno (user)" {
	always_on user
}

@test "seccomp: always-on denials answer with the filter's errno (root)" {
	always_on root
}

status_fields() {
	run sbx_probe "$1" -- grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
	[ "$status" -eq 0 ]
	grep -qx 'Seccomp:[[:space:]]*2' <<<"$output"
	grep -qx 'NoNewPrivs:[[:space:]]*1' <<<"$output"
	# Control: the filter is sbx's, not one the test runner already had.
	run sbx_probe "$1" -- awk '/^Seccomp_filters:/ { print $2 }' /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" -gt "$(awk '/^Seccomp_filters:/ { print $2 }' /proc/self/status)" ]
}

@test "seccomp: the command runs in filter mode with no_new_privs (user)" {
	status_fields user
}

@test "seccomp: the command runs in filter mode with no_new_privs (root)" {
	status_fields root
}

# Profile rules that the always-on filter answers alike (hardened.inc's EPERM groups) add no second
# filter; once a relaxation lifts the always-on rule, the profile's rule is a filter of its own.
filters_of() {
	run sbx_probe "$@" -- awk '/^Seccomp_filters:/ { print $2 }' /proc/self/status
	[ "$status" -eq 0 ]
	echo "$(("$output" - $(awk '/^Seccomp_filters:/ { print $2 }' /proc/self/status)))"
}

hardened_layers() {
	local mode=$1
	printf 'include hardened\n' >"$tmp/hardened.profile"
	[ "$(filters_of "$mode" --profile "$tmp/hardened.profile")" = 1 ]
	[ "$(filters_of "$mode" --profile "$tmp/hardened.profile" --allow devel)" = 2 ]
	# A rule with another errno stays a filter of its own, and its errno is the one seen.
	printf 'syscalls errno EACCES ptrace\n' >"$tmp/eacces.profile"
	[ "$(filters_of "$mode" --profile "$tmp/eacces.profile")" = 2 ]

	run sbx_probe "$mode" --profile "$tmp/hardened.profile" -- /helpers/try-syscall ptrace pidfd_getfd \
		perf_event_open iopl ioperm modify_ldt reboot
	[ "$status" -eq 0 ]
	assert_probes ptrace=EPERM pidfd_getfd=EPERM perf_event_open=EPERM iopl=EPERM ioperm=EPERM \
		modify_ldt=EPERM reboot=EPERM
	# With devel, the always-on filter lets ptrace through and the profile's rule denies it.
	run sbx_probe "$mode" --profile "$tmp/hardened.profile" --allow devel -- /helpers/try-syscall \
		ptrace pidfd_getfd kcmp
	[ "$status" -eq 0 ]
	assert_probes ptrace=EPERM pidfd_getfd=EPERM kcmp=ESRCH
	run sbx_probe "$mode" --profile "$tmp/eacces.profile" -- /helpers/try-syscall ptrace
	[ "$status" -eq 0 ]
	assert_probes ptrace=EACCES
}

@test "seccomp: hardened.inc's rules ride on the always-on filter; lifted by devel, they are a second filter (user)" {
	hardened_layers user
}

@test "seccomp: hardened.inc's rules ride on the always-on filter; lifted by devel, they are a second filter (root)" {
	hardened_layers root
}

relaxations() {
	local mode=$1
	run sbx_probe "$mode" -- /helpers/try-syscall all
	[ "$status" -eq 0 ]
	local base=$output

	run sbx_probe "$mode" --allow devel -- /helpers/try-syscall all
	[ "$status" -eq 0 ]
	[ "$(changed_probes "$base" "$output")" = "$(sorted kcmp perf_event_open personality-aslr \
		personality-query pidfd_getfd process_vm_readv process_vm_writev ptrace)" ]
	assert_probes ptrace=ESRCH perf_event_open=EFAULT personality-aslr=OK kcmp=ESRCH pidfd_getfd=EBADF

	run sbx_probe "$mode" --allow userns -- /helpers/try-syscall all
	[ "$status" -eq 0 ]
	[ "$(changed_probes "$base" "$output")" = "$(sorted chroot clone-new{user,ns,pid,net,uts,ipc,cgroup} \
		unshare-new{user,ns,pid,net,uts,ipc,cgroup,time} unshare-user-real)" ]
	assert_probes clone-newuser=EINVAL unshare-newuser=EINVAL unshare-user-real=OK chroot=EFAULT setns=EPERM

	run sbx_probe "$mode" --allow multiarch -- /helpers/try-syscall all
	[ "$status" -eq 0 ]
	if grep -qx 'i386-getpid OK' <<<"$(host_probe "$mode" i386-getpid)"; then
		[ "$(changed_probes "$base" "$output")" = "$(sorted i386-getpid i386-mount modify_ldt x32-getpid \
			x32-mount)" ]
		# The i386 and x32 ABIs now pass the architecture check but meet the same rules.
		assert_probes i386-getpid=OK i386-mount=EPERM x32-mount=EPERM modify_ldt=OK
	else
		# Kernel without IA32 emulation: int 0x80 faults whatever the filter says.
		[ "$(changed_probes "$base" "$output")" = "$(sorted i386-getpid i386-mount modify_ldt x32-getpid \
			x32-mount)" ] ||
			[ "$(changed_probes "$base" "$output")" = "$(sorted modify_ldt x32-getpid x32-mount)" ]
		assert_probes x32-mount=EPERM modify_ldt=OK
	fi
}

@test "seccomp: --allow devel, userns and multiarch change exactly their own rules (user)" {
	relaxations user
}

@test "seccomp: --allow devel, userns and multiarch change exactly their own rules (root)" {
	relaxations root
}

@test "seccomp: mount calls stay denied with capabilities in a nested user namespace" {
	local probes=(pivot_root mount umount2 chroot fsopen open_tree move_mount fspick setns)
	# Control: in its own user+mount namespace the kernel lets these calls past its capability
	# checks, to the bad pointer.
	run as_user "$HELPERS/try-syscall" --in-userns "${probes[@]}"
	[ "$status" -eq 0 ]
	assert_probes pivot_root=EFAULT mount=EFAULT umount2=EFAULT chroot=EFAULT fsopen=EFAULT \
		fspick=EFAULT setns=EBADF

	for mode in user root; do
		run sbx_probe "$mode" --allow userns -- /helpers/try-syscall --in-userns "${probes[@]}"
		[ "$status" -eq 0 ]
		# chroot is lifted by 'userns' (Chromium's sandbox); the mount API is not.
		assert_probes pivot_root=EPERM mount=EPERM umount2=EPERM chroot=EFAULT fsopen=ENOSYS \
			open_tree=ENOSYS move_mount=ENOSYS fspick=ENOSYS setns=EPERM
	done
}

# Some hosts (this one's hypervisor) cannot run int 0x80 at all: there the i386 half cannot be
# observed, and the VM lane (tests/vm/seccomp.bats, Debian's kernel) checks it instead. The x32
# half is always checked: the host answers ENOSYS, the filter kills.
host_runs_i386() { host_probe "$1" i386-getpid | grep -qx 'i386-getpid OK'; }

foreign_abi_kills() {
	local mode=$1
	# Inside, the first foreign-ABI syscall kills the whole command with SIGSYS: 128 + 31.
	run sbx_probe "$mode" -- /helpers/try-syscall --direct x32-getpid
	[ "$status" -eq 159 ]
	run sbx_probe "$mode" -- /helpers/try-syscall --direct getpid
	[ "$status" -eq 0 ]
	host_runs_i386 "$mode" || return 0
	run sbx_probe "$mode" -- /helpers/try-syscall --direct i386-getpid
	[ "$status" -eq 159 ]
	run sbx_probe "$mode" --allow multiarch -- /helpers/try-syscall --direct i386-getpid
	[ "$status" -eq 0 ]
}

@test "seccomp: an i386 or x32 syscall kills the command (user)" {
	foreign_abi_kills user
}

@test "seccomp: an i386 or x32 syscall kills the command (root)" {
	foreign_abi_kills root
}

ordinary_programs() {
	local mode=$1
	run sbx_probe "$mode" -- sh -c '
		set -e
		# coreutils and a pipeline
		printf "b\na\nc\n" | sort | tr a-z A-Z | head -n 2 | paste -sd, -
		ls /usr/bin >/dev/null; date +%Y >/dev/null; id -u >/dev/null; stat / >/dev/null
		mkdir -p /tmp/t/d && echo x >/tmp/t/d/f && tar -C /tmp -cf - t | tar -tf - | wc -l
		find /usr/share -maxdepth 2 -type d | wc -l | awk "{ print (\$1 > 10) ? \"find ok\" : \"find short\" }"
		# python3: threads (glibc tries clone3 first and falls back to clone on ENOSYS),
		# subprocess (fork/vfork/posix_spawn) and sockets of the allowed families
		python3 -c "
import socket, subprocess, threading
out = []
ts = [threading.Thread(target=out.append, args=(i,)) for i in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(\"threads\", len(out))
print(subprocess.run([\"echo\", \"child\"], capture_output=True, text=True).stdout.strip())
for fam in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6):
    socket.socket(fam, socket.SOCK_STREAM).close()
socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).close()
try:
    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
except OSError as e:
    print(\"packet\", e.errno)
"
		/helpers/try-syscall clone3
	'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "A,B" ]
	[ "${lines[1]}" = "3" ]
	[ "${lines[2]}" = "find ok" ]
	[ "${lines[3]}" = "threads 8" ]
	[ "${lines[4]}" = "child" ]
	[ "${lines[5]}" = "packet 97" ]  # EAFNOSUPPORT
	[ "${lines[6]}" = "clone3 ENOSYS" ]  # so the threads above went through the clone fallback
}

@test "seccomp: coreutils, pipelines, python3 threads and subprocesses work (user)" {
	ordinary_programs user
}

@test "seccomp: coreutils, pipelines, python3 threads and subprocesses work (root)" {
	ordinary_programs root
}

# Runs COMMAND... on a fresh pty that is its controlling terminal (as uid UID, 0 = root), then
# prints its output, "exit=N" and "received=..." with whatever reached the terminal's input queue,
# i.e. what the shell that started it would read next.
on_pty() {
	local uid=$1
	shift
	USER_HOME=/home/$TEST_USER /usr/bin/python3 - "$uid" "$@" <<'EOF'
import fcntl, os, subprocess, sys, termios, tty
uid = int(sys.argv[1])
master, slave = os.openpty()
tty.setraw(slave)  # no echo, no line buffering: an injected byte is readable at once
def child():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    if uid:
        os.setgroups([]); os.setgid(uid); os.setuid(uid)
env = {"PATH": "/usr/bin:/bin", "HOME": os.environ["USER_HOME"] if uid else "/root"}
p = subprocess.run(sys.argv[2:], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   preexec_fn=child, env=env, cwd="/", timeout=120)
sys.stdout.write(p.stdout.decode())
print("exit=%d" % p.returncode)
os.set_blocking(slave, False)
try:
    got = os.read(slave, 4096)
except BlockingIOError:
    got = b""
print("received=%r" % got.decode(errors="replace"))
EOF
}

tiocsti_pty() {
	local uid=$1
	# Control: without sbx the injection works on this kernel and the harness sees the bytes.
	run on_pty "$uid" "$HELPERS/tiocsti"
	if grep -qx 'TIOCSTI EPERM' <<<"$output"; then
		skip "this kernel refuses TIOCSTI by itself (dev.tty.legacy_tiocsti=0)"
	fi
	grep -qx 'TIOCSTI OK' <<<"$output"
	grep -qxF "received='sbx-injected\\n'" <<<"$output"

	run on_pty "$uid" "$SBX" --ro-bind "$HELPERS:/helpers" -- /helpers/tiocsti
	# The terminal is still the command's controlling tty, so the EPERM is seccomp's.
	grep -qx 'ctty=yes' <<<"$output"
	grep -qx 'TIOCSTI EPERM' <<<"$output"
	grep -qx 'exit=0' <<<"$output"
	grep -qxF "received=''" <<<"$output"
}

@test "seccomp: TIOCSTI on the inherited terminal fails and injects nothing (user)" {
	tiocsti_pty "$TEST_UID"
}

@test "seccomp: TIOCSTI on the inherited terminal fails and injects nothing (root)" {
	tiocsti_pty 0
}

@test "seccomp: --explain reports the filter and the relaxations" {
	run sbx_user --explain -- true
	[ "$status" -eq 0 ]
	grep -q 'other ABIs (i386 int 0x80, x32) kill the process' <<<"$output"
	grep -q 'EPERM ptrace (debuggers): ptrace' <<<"$output"
	grep -q 'EPERM clone/unshare with CLONE_NEW\* flags' <<<"$output"
	run sbx_user --allow devel --allow userns --explain -- true
	[ "$status" -eq 0 ]
	grep -q 'relaxations: devel userns' <<<"$output"
	grep -q 'LIFTED ptrace (debuggers): ptrace (by .devel.)' <<<"$output"
	grep -q 'LIFTED clone/unshare with CLONE_NEW\* flags' <<<"$output"
	# The JSON on stdout alone is what a tool parses; notes go to stderr.
	run --separate-stderr sbx_user --explain --json -- true
	[ "$status" -eq 0 ]
	python3 -c 'import json, sys; s = json.load(sys.stdin)["seccomp"]; assert s["filters"] == 1 and s["bad_arch"] == "kill-process", s' <<<"$output"
}

@test "seccomp: export writes PFC text and the BPF program the kernel loads" {
	chmod 777 "$tmp"
	run as_user "$SBX" seccomp export true "$tmp/f.pfc" "$tmp/f.bpf"
	[ "$status" -eq 0 ]
	grep -q 'always-on protections' "$tmp/f.pfc"
	grep -q 'filter for syscall "clone3"' "$tmp/f.pfc"
	grep -q 'action ERRNO(38)' "$tmp/f.pfc"
	grep -q 'invalid architecture action' "$tmp/f.pfc"
	local size
	size=$(stat -c %s "$tmp/f.bpf")
	[ "$size" -gt 0 ] && [ $((size % 8)) -eq 0 ]
	# The exported program is a working filter: loaded by hand (as the unprivileged user, with bad
	# pointers so nothing could be mounted even without it), mount answers EPERM, not EFAULT.
	run as_user python3 - "$tmp/f.bpf" <<'EOF'
import ctypes, sys
prog = open(sys.argv[1], "rb").read()
libc = ctypes.CDLL(None, use_errno=True)
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
buf = ctypes.create_string_buffer(prog, len(prog))
fp = Fprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_char_p))
assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
assert libc.prctl(22, 2, ctypes.byref(fp), 0, 0) == 0, ctypes.get_errno()  # SECCOMP_MODE_FILTER
bad = ctypes.c_void_p(1)
r = libc.syscall(165, bad, bad, bad, 0, None)  # mount
print(r, ctypes.get_errno())
EOF
	[ "$status" -eq 0 ]
	[ "$output" = "-1 1" ]
}

# Chromium probes which memfd flags the kernel knows with every bit set and aborts unless it gets
# the kernel's EINVAL: the MFD_EXEC refusal must not answer for an invalid combination.
@test "seccomp: memfd_create with MFD_EXEC is EACCES; with MFD_EXEC and MFD_NOEXEC_SEAL (or every bit) the kernel's EINVAL" {
	for who in root user; do
		run sbx_as "$who" -q -- /usr/bin/python3 -c '
import errno, os
for f in (0x11, 0x19, 0x3ffffff):
    try:
        os.memfd_create("x", f)
        print(hex(f), "made")
    except OSError as e:
        print(hex(f), errno.errorcode[e.errno])'
		echo "$who: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "0x11 EACCES" ]
		[ "${lines[1]}" = "0x19 EINVAL" ]
		[ "${lines[2]}" = "0x3ffffff EINVAL" ]
	done
}
