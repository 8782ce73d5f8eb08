/* try-syscall: calls syscalls with arguments chosen so that the kernel, if it sees the call at all,
 * fails it harmlessly with a recognisable errno (bad pointer -> EFAULT, fd -1 -> EBADF, invalid
 * flags -> EINVAL), in the style of bubblewrap's tests/try-syscall.c. A seccomp denial shows up as
 * the filter's errno instead (EPERM, ENOSYS, EAFNOSUPPORT), or as death by SIGSYS for a foreign ABI.
 *
 *   try-syscall NAME...     one line per probe: "NAME RESULT", RESULT being OK (the call
 *                           succeeded), an errno name (EPERM, EFAULT, ...) or SIG<NAME> when the
 *                           probe was killed (SIGSYS: seccomp's kill action)
 *   try-syscall --list      the probe names, each with what the kernel answers without a filter
 *   try-syscall all         every probe
 *   try-syscall --in-userns NAME...   first enter a new user+mount namespace (so the probe holds
 *                           capabilities there, and pivot_root/mount would get past the kernel's
 *                           capability checks), then probe; needs nested user namespaces
 *   try-syscall --direct NAME         run one probe in this process (no fork) and exit with its
 *                           errno, 0 on success: shows what a seccomp kill does to the command
 * Each probe runs in its own forked child, so a kill or an unexpected success stays contained.
 * Exit status: 0 when every named probe ran, 2 for an unknown name, 3 if --in-userns failed.
 *
 * Which result means "reached the kernel" is noted per probe. Calls the kernel itself refuses
 * without capabilities (pivot_root, init_module, reboot, swapon, acct, syslog, kexec) also return
 * EPERM from the kernel; for those the integration tests compare with a run that has no filter. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#define X32_BIT 0x40000000L
#define BAD ((void *)1)  /* never mapped: the kernel answers EFAULT */
#define SOCK_BAD_TYPE 15  /* > SOCK_MAX: EINVAL once the family passed the filter */

/* i386 ABI through int 0x80 from 64-bit code; arguments in ebx, ecx, edx, esi, edi. */
static long int80(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(0L), "D"(0L)
			 : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
#else
	(void)nr, (void)a, (void)b, (void)c;
	errno = ENOSYS;
	return -1;
#endif
}

/* clone() with namespace flags made invalid by CLONE_SIGHAND without CLONE_VM: the kernel answers
 * EINVAL before any capability check; a seccomp rule on the flag answers EPERM. */
static long clone_ns(unsigned long ns)
{
	long r = syscall(SYS_clone, ns | CLONE_SIGHAND | SIGCHLD, 0, NULL, NULL, 0);
	if (r == 0)
		_exit(0);  /* the kernel accepted it after all: the child leaves at once */
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

/* unshare() with an extra flag it never accepts (CLONE_PARENT): EINVAL from the kernel. */
static long unshare_ns(unsigned long ns)
{
	return syscall(SYS_unshare, ns | CLONE_PARENT);
}

static long sock(int family)
{
	return socket(family, SOCK_BAD_TYPE, 0);
}

static long probe_ioctl_high(unsigned long req)
{
	return syscall(SYS_ioctl, -1, (0x123UL << 32) | req, BAD);
}

static long modify_ldt_read(void)
{
	char buf[16];
	return syscall(SYS_modify_ldt, 0, buf, sizeof(buf));
}

static long personality_call(unsigned long persona)
{
	long r = syscall(SYS_personality, persona);
	if (r >= 0 && persona != 0xffffffffUL)
		syscall(SYS_personality, (unsigned long)r);  /* put the old persona back */
	return r;
}

struct probe {
	const char *name;
	long (*fn)(void);
	const char *kernel;  /* what the kernel answers when the call reaches it */
};

/* name, C identifier, the kernel's answer (without a filter, as an unprivileged user), call. */
#define PROBES(P)                                                                                  \
	/* terminal injection, lasting terminal changes: EBADF from the kernel (fd -1) */          \
	P("ioctl-tiocsti", ioctl_tiocsti, "EBADF", ioctl(-1, TIOCSTI, "x"))                        \
	P("ioctl-tiocsti-high", ioctl_tiocsti_high, "EBADF", probe_ioctl_high(TIOCSTI))            \
	P("ioctl-tioclinux", ioctl_tioclinux, "EBADF", ioctl(-1, TIOCLINUX, BAD))                  \
	P("ioctl-tioclinux-high", ioctl_tioclinux_high, "EBADF", probe_ioctl_high(TIOCLINUX))      \
	P("ioctl-tiocsetd", ioctl_tiocsetd, "EBADF", ioctl(-1, TIOCSETD, BAD))                     \
	P("ioctl-tiocsetd-high", ioctl_tiocsetd_high, "EBADF", probe_ioctl_high(TIOCSETD))         \
	P("ioctl-tiocexcl", ioctl_tiocexcl, "EBADF", ioctl(-1, TIOCEXCL))                          \
	P("ioctl-tiocexcl-high", ioctl_tiocexcl_high, "EBADF", probe_ioctl_high(TIOCEXCL))         \
	P("ioctl-tiocnotty", ioctl_tiocnotty, "EBADF", ioctl(-1, TIOCNOTTY))                       \
	/* namespaces */                                                                           \
	P("clone3", clone3, "EFAULT", syscall(SYS_clone3, BAD, 64))                                \
	P("clone-newuser", clone_newuser, "EINVAL", clone_ns(CLONE_NEWUSER))                       \
	P("clone-newns", clone_newns, "EINVAL", clone_ns(CLONE_NEWNS))                             \
	P("clone-newpid", clone_newpid, "EINVAL", clone_ns(CLONE_NEWPID))                          \
	P("clone-newnet", clone_newnet, "EINVAL", clone_ns(CLONE_NEWNET))                          \
	P("clone-newuts", clone_newuts, "EINVAL", clone_ns(CLONE_NEWUTS))                          \
	P("clone-newipc", clone_newipc, "EINVAL", clone_ns(CLONE_NEWIPC))                          \
	P("clone-newcgroup", clone_newcgroup, "EINVAL", clone_ns(CLONE_NEWCGROUP))                 \
	P("clone-plain", clone_plain, "EINVAL", clone_ns(0))                                       \
	P("unshare-newuser", unshare_newuser, "EINVAL", unshare_ns(CLONE_NEWUSER))                 \
	P("unshare-newns", unshare_newns, "EINVAL", unshare_ns(CLONE_NEWNS))                       \
	P("unshare-newpid", unshare_newpid, "EINVAL", unshare_ns(CLONE_NEWPID))                    \
	P("unshare-newnet", unshare_newnet, "EINVAL", unshare_ns(CLONE_NEWNET))                    \
	P("unshare-newuts", unshare_newuts, "EINVAL", unshare_ns(CLONE_NEWUTS))                    \
	P("unshare-newipc", unshare_newipc, "EINVAL", unshare_ns(CLONE_NEWIPC))                    \
	P("unshare-newcgroup", unshare_newcgroup, "EINVAL", unshare_ns(CLONE_NEWCGROUP))           \
	P("unshare-newtime", unshare_newtime, "EINVAL", unshare_ns(CLONE_NEWTIME))                 \
	P("unshare-plain", unshare_plain, "EINVAL", unshare_ns(0))                                 \
	P("unshare-user-real", unshare_user_real, "OK", syscall(SYS_unshare, CLONE_NEWUSER))      \
	P("setns", setns, "EBADF", syscall(SYS_setns, -1, 0))                                      \
	/* mount API */                                                                            \
	P("mount", mount, "EFAULT", syscall(SYS_mount, BAD, BAD, BAD, 0, NULL))                    \
	P("umount2", umount2, "EFAULT", syscall(SYS_umount2, BAD, 0))                              \
	P("pivot_root", pivot_root, "EPERM", syscall(SYS_pivot_root, BAD, BAD))                    \
	P("chroot", chroot, "EFAULT", syscall(SYS_chroot, BAD))                                    \
	P("open_tree", open_tree, "EBADF", syscall(SYS_open_tree, -1, BAD, 0))                     \
	P("open_tree_attr", open_tree_attr, "EBADF", syscall(SYS_open_tree_attr, -1, BAD, 0, NULL, 0)) \
	P("move_mount", move_mount, "EBADF", syscall(SYS_move_mount, -1, BAD, -1, BAD, 0))         \
	P("fsopen", fsopen, "EPERM", syscall(SYS_fsopen, BAD, 0))                                  \
	P("fsconfig", fsconfig, "EBADF", syscall(SYS_fsconfig, -1, 0, NULL, NULL, 0))              \
	P("fsmount", fsmount, "EBADF", syscall(SYS_fsmount, -1, 0, 0))                             \
	P("fspick", fspick, "EPERM", syscall(SYS_fspick, -1, BAD, 0))                              \
	P("mount_setattr", mount_setattr, "EFAULT", syscall(SYS_mount_setattr, -1, BAD, 0, BAD, 32)) \
	/* kernel attack surface */                                                                \
	P("add_key", add_key, "EFAULT", syscall(SYS_add_key, BAD, BAD, NULL, 0, 0))                \
	P("keyctl", keyctl, "EOPNOTSUPP", syscall(SYS_keyctl, -1, 0, 0, 0, 0))                     \
	P("request_key", request_key, "EFAULT", syscall(SYS_request_key, BAD, BAD, NULL, 0))       \
	P("bpf", bpf, "EFAULT", syscall(SYS_bpf, 9999, BAD, 8))                                    \
	P("perf_event_open", perf_event_open, "EFAULT", syscall(SYS_perf_event_open, BAD, 0, -1, -1, 0)) \
	P("ptrace", ptrace, "ESRCH", syscall(SYS_ptrace, 3 /* PEEKUSER */, -1, 0, 0))              \
	P("process_vm_readv", process_vm_readv, "EFAULT",                                          \
	  syscall(SYS_process_vm_readv, getpid(), BAD, 1, BAD, 1, 0))                              \
	P("process_vm_writev", process_vm_writev, "EFAULT",                                        \
	  syscall(SYS_process_vm_writev, getpid(), BAD, 1, BAD, 1, 0))                             \
	P("kcmp", kcmp, "ESRCH", syscall(SYS_kcmp, -1, -1, 0, 0, 0))                               \
	P("pidfd_getfd", pidfd_getfd, "EBADF", syscall(SYS_pidfd_getfd, -1, 0, 0))                 \
	/* a port range past the bitmap and a level above 3: EINVAL before the capability check */ \
	P("ioperm", ioperm, "EINVAL (ENOSYS without CONFIG_X86_IOPL_IOPERM)",                      \
	  syscall(SYS_ioperm, 0x10000UL, 1, 0))                                                     \
	P("iopl", iopl, "EINVAL (ENOSYS without CONFIG_X86_IOPL_IOPERM)", syscall(SYS_iopl, 4))    \
	P("lookup_dcookie", lookup_dcookie, "ENOSYS (Linux >= 6.8)", syscall(SYS_lookup_dcookie, 0, BAD, 0)) \
	P("kexec_load", kexec_load, "EPERM", syscall(SYS_kexec_load, 0, 0, NULL, 0xffff0000UL))    \
	P("kexec_file_load", kexec_file_load, "EPERM", syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0)) \
	P("init_module", init_module, "EPERM", syscall(SYS_init_module, BAD, 0, BAD))              \
	P("finit_module", finit_module, "EPERM", syscall(SYS_finit_module, -1, BAD, 0))            \
	P("delete_module", delete_module, "EPERM", syscall(SYS_delete_module, BAD, 0))             \
	P("syslog", syslog, "EPERM", syscall(SYS_syslog, 10 /* SIZE_BUFFER */, NULL, 0))           \
	P("acct", acct, "EPERM", syscall(SYS_acct, BAD))                                           \
	P("quotactl", quotactl, "EINVAL", syscall(SYS_quotactl, 0x800005 /* Q_SYNC, type 5 */, BAD, 0, NULL)) \
	P("userfaultfd", userfaultfd, "EINVAL", syscall(SYS_userfaultfd, 1 /* USER_MODE_ONLY */ | 0x40000000)) \
	P("io_uring_setup", io_uring_setup, "EFAULT", syscall(SYS_io_uring_setup, 1, BAD))         \
	P("io_uring_enter", io_uring_enter, "EBADF", syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0)) \
	P("io_uring_register", io_uring_register, "EBADF", syscall(SYS_io_uring_register, -1, 0, NULL, 0)) \
	P("open_by_handle_at", open_by_handle_at, "EBADF", syscall(SYS_open_by_handle_at, -1, BAD, 0)) \
	P("name_to_handle_at", name_to_handle_at, "EFAULT",                                        \
	  syscall(SYS_name_to_handle_at, -1, BAD, BAD, BAD, 0))                                     \
	P("personality-linux", personality_linux, "OK", personality_call(PER_LINUX))               \
	P("personality-aslr", personality_aslr, "OK", personality_call(PER_LINUX | ADDR_NO_RANDOMIZE)) \
	P("personality-query", personality_query, "OK", personality_call(0xffffffffUL))            \
	P("swapon", swapon, "EPERM", syscall(SYS_swapon, BAD, 0))                                  \
	P("swapoff", swapoff, "EPERM", syscall(SYS_swapoff, BAD))                                  \
	P("reboot", reboot, "EPERM", syscall(SYS_reboot, 0, 0, 0, NULL))                           \
	P("settimeofday", settimeofday, "EFAULT", syscall(SYS_settimeofday, BAD, NULL))            \
	P("clock_settime", clock_settime, "EFAULT", syscall(SYS_clock_settime, 0, BAD))            \
	P("clock_adjtime", clock_adjtime, "EFAULT", syscall(SYS_clock_adjtime, 0, BAD))            \
	P("adjtimex", adjtimex, "EFAULT", syscall(SYS_adjtimex, BAD))                              \
	P("set_mempolicy", set_mempolicy, "EINVAL", syscall(SYS_set_mempolicy, 999, NULL, 0))      \
	P("mbind", mbind, "EINVAL", syscall(SYS_mbind, NULL, 0, 999, NULL, 0, 0))                  \
	P("move_pages", move_pages, "EFAULT", syscall(SYS_move_pages, 0, 1, BAD, NULL, BAD, 0))    \
	P("migrate_pages", migrate_pages, "EFAULT", syscall(SYS_migrate_pages, 0, 64, BAD, BAD))   \
	P("get_mempolicy", get_mempolicy, "EINVAL", syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0xffff)) \
	P("uselib", uselib, "ENOSYS", syscall(SYS_uselib, BAD))                                    \
	P("modify_ldt", modify_ldt, "OK", modify_ldt_read())                                       \
	/* socket families: an invalid type makes the kernel answer EINVAL for any family */       \
	P("socket-packet", socket_packet, "EINVAL", sock(AF_PACKET))                               \
	P("socket-vsock", socket_vsock, "EINVAL", sock(AF_VSOCK))                                  \
	P("socket-alg", socket_alg, "EINVAL", sock(AF_ALG))                                        \
	P("socket-key", socket_key, "EINVAL", sock(AF_KEY))                                        \
	P("socket-bluetooth", socket_bluetooth, "EINVAL", sock(AF_BLUETOOTH))                      \
	P("socket-high-bits", socket_high_bits, "EINVAL",                                          \
	  syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_BAD_TYPE, 0))                          \
	P("socket-unspec", socket_unspec, "EINVAL", sock(AF_UNSPEC))                               \
	P("socket-unix", socket_unix, "EINVAL", sock(AF_UNIX))                                     \
	P("socket-inet", socket_inet, "EINVAL", sock(AF_INET))                                     \
	P("socket-inet6", socket_inet6, "EINVAL", sock(AF_INET6))                                  \
	P("socket-netlink", socket_netlink, "EINVAL", sock(AF_NETLINK))                            \
	/* benign calls that must not be over-blocked */                                           \
	P("chmod", chmod, "EFAULT", syscall(SYS_chmod, BAD, 0))                                    \
	P("listen", listen, "EBADF", syscall(SYS_listen, -1, 1))                                   \
	P("prctl", prctl, "EFAULT", syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, BAD, 0, 0, 0))      \
	P("getpid", getpid, "OK", syscall(SYS_getpid))                                             \
	/* foreign ABIs: i386 through int 0x80 (getpid 20, mount 21) and x32 (bit 30) */           \
	P("i386-getpid", i386_getpid, "OK", int80(20, 0, 0, 0))                                    \
	P("i386-mount", i386_mount, "EFAULT", int80(21, 1, 1, 1))                                  \
	P("x32-getpid", x32_getpid, "ENOSYS", syscall(X32_BIT | SYS_getpid))                      \
	P("x32-mount", x32_mount, "ENOSYS", syscall(X32_BIT | SYS_mount, BAD, BAD, BAD, 0, NULL))

#define P(name, id, kernel, expr) \
	static long probe_##id(void) { return (long)(expr); }
PROBES(P)
#undef P

static const struct probe probes[] = {
#define P(name, id, kernel, expr) { name, probe_##id, kernel },
	PROBES(P)
#undef P
};

static const char *result_text(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status)) {
		const char *s = sigabbrev_np(WTERMSIG(status));
		snprintf(buf, len, "SIG%s", s ? s : "?");
	} else if (WEXITSTATUS(status) == 0) {
		snprintf(buf, len, "OK");
	} else {
		const char *e = strerrorname_np(WEXITSTATUS(status));
		snprintf(buf, len, "%s", e ? e : "E?");
	}
	return buf;
}

static void run(const struct probe *p)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("try-syscall: fork");
		exit(1);
	}
	if (pid == 0) {
		errno = 0;
		long r = p->fn();
		/* errno fits an exit status (< 256); success is 0. */
		_exit(r < 0 ? (errno > 0 && errno < 256 ? errno : 255) : 0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("try-syscall: waitpid");
			exit(1);
		}
	char buf[32];
	printf("%s %s\n", p->name, result_text(status, buf, sizeof(buf)));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: try-syscall NAME... | all | --list\n", stderr);
		return 2;
	}
	if (strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			printf("%s %s\n", probes[i].name, probes[i].kernel);
		return 0;
	}
	int first = 1;
	if (strcmp(argv[1], "--direct") == 0 && argc == 3) {
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			if (strcmp(argv[2], probes[i].name) == 0) {
				errno = 0;
				long r = probes[i].fn();
				return r < 0 ? (errno > 0 && errno < 256 ? errno : 255) : 0;
			}
		fprintf(stderr, "try-syscall: unknown probe '%s'\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "--in-userns") == 0) {
		first = 2;
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
			printf("in-userns %s\n", strerrorname_np(errno));
			return 3;
		}
	}
	int rc = 0;
	for (int a = first; a < argc; a++) {
		bool all = strcmp(argv[a], "all") == 0;
		bool found = false;
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			if (all || strcmp(argv[a], probes[i].name) == 0) {
				run(&probes[i]);
				found = true;
			}
		if (!found) {
			fprintf(stderr, "try-syscall: unknown probe '%s' (see --list)\n", argv[a]);
			rc = 2;
		}
	}
	return rc;
}
