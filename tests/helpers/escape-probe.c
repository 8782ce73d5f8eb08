/* escape-probe: tries one class of sandbox escape from inside a sandbox and says whether it worked.
 * It is sandbox-agnostic: the escape suite (tests/escape) runs it inside sbx, tests/escape/compare-peers.sh
 * runs the same binary inside bubblewrap and firejail and with no sandbox at all (the baseline that
 * shows what the kernel refuses by itself).
 *
 *   escape-probe CLASS [ARG...]
 *
 * Output: one line per attempt, "<OUTCOME> <attempt> <detail>", then "VERDICT <outcome>", where
 * OUTCOME is one of
 *   BLOCKED  the attempt failed
 *   EXPOSED  the attack surface was reachable (a syscall reached the kernel, a device node exists)
 *            but the escape itself could not be shown on this machine (e.g. TIOCLINUX needs a VT)
 *   ESCAPED  the attempt worked
 *   INFO     context only
 * and the verdict is the worst of them. Exit status: 0 BLOCKED, 1 ESCAPED, 3 EXPOSED, 2 usage or
 * setup error. Classes that need the host's cooperation (a listener, a victim process) take its
 * name or number as an argument; classes whose effect is only visible on the host (writes,
 * detaching) print what they did and leave the verdict to the caller.
 *
 * Nothing here harms the host when it succeeds: files opened for writing are never written, a
 * ptrace attach is detached at once, a namespace created by clone() belongs to a child that exits
 * immediately, and the mount class refuses to run as root in the initial user namespace. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/perf_event.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#define X32_BIT 0x40000000L
#define I386_CLONE 120
#define I386_UNSHARE 310
#define I386_CLONE3 435
#define X32_CLONE 56
#define X32_UNSHARE 272

enum outcome { BLOCKED = 0, INFO_ONLY = 1, EXPOSED = 2, ESCAPED = 3 };

static enum outcome worst = BLOCKED;

static const char *outcome_name(enum outcome o)
{
	switch (o) {
	case ESCAPED: return "ESCAPED";
	case EXPOSED: return "EXPOSED";
	case INFO_ONLY: return "INFO";
	default: return "BLOCKED";
	}
}

static void report(enum outcome o, const char *attempt, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("%s %s %s\n", outcome_name(o), attempt, detail);
	fflush(stdout);
	if (o != INFO_ONLY && o > worst)
		worst = o;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "EUNKNOWN";
}

/* "OK" when r >= 0, else the errno name. */
static const char *res(long r)
{
	return r >= 0 ? "OK" : errname(errno);
}

static bool in_initial_userns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (!f)
		return false;
	unsigned long a, b, c;
	bool initial = fscanf(f, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295UL;
	fclose(f);
	return initial;
}

/* ---- running an attempt in a child, so that a seccomp kill (SIGSYS) stays contained ---- */

typedef long (*attempt_fn)(const void *arg);

/* Returns "OK", an errno name, or "SIG<NAME>" when the child was killed. */
static const char *contained(attempt_fn fn, const void *arg, char *buf, size_t len)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(buf, len, "pipe:%s", errname(errno));
		return buf;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(buf, len, "fork:%s", errname(errno));
		return buf;
	}
	if (pid == 0) {
		close(pipefd[0]);
		errno = 0;
		long r = fn(arg);
		const char *s = r >= 0 ? "OK" : errname(errno);
		ssize_t unused = write(pipefd[1], s, strlen(s));
		(void)unused;
		_exit(0);
	}
	close(pipefd[1]);
	ssize_t n = 0, got;
	while ((got = read(pipefd[0], buf + n, len - 1 - (size_t)n)) > 0)
		n += got;
	close(pipefd[0]);
	buf[n > 0 ? n : 0] = '\0';
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		snprintf(buf, len, "SIG%s", sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
	else if (n <= 0)
		snprintf(buf, len, "no-result");
	return buf;
}

/* For attempts that must fail: OK means escaped, anything else blocked. */
static void must_fail(const char *attempt, attempt_fn fn, const void *arg)
{
	char buf[64];
	const char *r = contained(fn, arg, buf, sizeof(buf));
	report(strcmp(r, "OK") == 0 ? ESCAPED : BLOCKED, attempt, "%s", r);
}

/* ---- tty: TIOCSTI and TIOCLINUX, plain and with bits above 32 set (CVE-2017-5226, -2019-10063,
 * -2023-28100). Run with stdin on a terminal (tests/helpers/escape-pty.c) to see a real injection. */

static long ioctl64(int fd, unsigned long req, const void *arg)
{
	return syscall(SYS_ioctl, fd, req, arg);
}

static void probe_tty(const char *marker)
{
	int fd = isatty(0) ? 0 : -1;
	report(INFO_ONLY, "stdin", "%s", fd == 0 ? "a terminal" : "not a terminal (probing fd -1)");
	const unsigned long high = 0x123UL << 32;
	struct {
		const char *name;
		unsigned long req;
	} sti[] = { { "TIOCSTI", TIOCSTI }, { "TIOCSTI-high-bits", high | TIOCSTI } };
	for (size_t i = 0; i < 2; i++) {
		long r = 0;
		int e = 0;
		/* One byte at a time, as a typist would; the marker ends with a newline. */
		for (const char *c = marker; *c && r == 0; c++)
			if ((r = ioctl64(fd, sti[i].req, c)) < 0)
				e = errno;
		if (r == 0 && fd == 0)
			report(ESCAPED, sti[i].name, "OK: input injected into the terminal");
		else if (r == 0)
			report(ESCAPED, sti[i].name, "OK");
		else if (e == EBADF && fd < 0)
			report(EXPOSED, sti[i].name, "EBADF: the call reached the kernel (no terminal to inject into)");
		else
			report(BLOCKED, sti[i].name, "%s", errname(e));
	}
	/* TIOCLINUX only acts on virtual consoles; on a pty the kernel answers ENOTTY/EINVAL, which
	 * still means the sandbox let the call through. The subcode asked for is harmless. */
	char sub[2] = { 6 /* TIOCL_GETSHIFTSTATE */, 0 };
	struct {
		const char *name;
		unsigned long req;
	} lin[] = { { "TIOCLINUX", TIOCLINUX }, { "TIOCLINUX-high-bits", high | TIOCLINUX } };
	for (size_t i = 0; i < 2; i++) {
		long r = ioctl64(fd, lin[i].req, sub);
		int e = errno;
		if (r == 0)
			report(ESCAPED, lin[i].name, "OK");
		else if (e == EPERM)
			report(BLOCKED, lin[i].name, "EPERM");
		else
			report(EXPOSED, lin[i].name, "%s: reached the kernel, would act on a virtual console", errname(e));
	}
}

/* ---- fds: nothing but 0, 1, 2 may be open in the command (CVE-2016-9016-style leaks, runc
 * CVE-2024-21626: a leaked directory fd is a way out of the mount namespace). */

/* Whether fd N of /proc/PID/fd is the very object this process holds as 0, 1 or 2. */
static int same_as_std(const char *path)
{
	struct stat st, mine;
	if (stat(path, &st) < 0)
		return -1;
	for (int fd = 0; fd <= 2; fd++)
		if (fstat(fd, &mine) == 0 && mine.st_dev == st.st_dev && mine.st_ino == st.st_ino)
			return fd;
	return -1;
}

static void list_fds(const char *dir, int *count, bool init)
{
	DIR *d = opendir(dir);
	if (!d) {
		report(init ? BLOCKED : INFO_ONLY, init ? "init-fds" : "fds", "cannot list %s: %s", dir, errname(errno));
		return;
	}
	struct dirent *e;
	int listing = dirfd(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int n = atoi(e->d_name);
		if (!init && (n <= 2 || n == listing))
			continue;
		char path[300], target[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		if (init) {
			/* init's stdio is the command's stdio (the terminal or the caller's pipes);
			 * anything else it holds would be reachable from the sandbox. */
			int std = same_as_std(path);
			if (std >= 0)
				report(INFO_ONLY, "init-fd", "%d -> %s (the command's own fd %d)", n, target, std);
			else
				report(ESCAPED, "init-fd", "%d -> %s is held by the sandbox's init", n, target);
		} else {
			report(ESCAPED, "fd", "%d -> %s is open in the sandboxed command", n, target);
		}
		(*count)++;
	}
	closedir(d);
}

static void probe_fds(void)
{
	int count = 0;
	list_fds("/proc/self/fd", &count, false);
	/* O_PATH and CLOEXEC-less fds show up above; also try the first 1024 numbers directly, in
	 * case /proc is hidden. */
	for (int fd = 3; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) >= 0) {
			char path[64], target[4096];
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			ssize_t len = readlink(path, target, sizeof(target) - 1);
			target[len > 0 ? len : 0] = '\0';
			/* the listing above already reported every fd except those we hold ourselves */
			if (count == 0)
				report(ESCAPED, "fd-scan", "%d is open (%s)", fd, len > 0 ? target : "?");
		}
	}
	if (count == 0)
		report(BLOCKED, "fds", "only 0, 1 and 2 are open");
}

/* ---- init: the sandbox's pid 1 must hold no privileges and no host descriptors ---- */

static void probe_init(void)
{
	FILE *f = fopen("/proc/1/status", "re");
	if (!f) {
		report(BLOCKED, "init-status", "cannot read /proc/1/status: %s", errname(errno));
	} else {
		char line[256];
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			char *v = strchr(line, ':');
			if (!v)
				continue;
			*v++ = '\0';
			v += strspn(v, " \t");
			if (!strcmp(line, "Name") || !strcmp(line, "Uid") || !strcmp(line, "Seccomp") ||
			    !strcmp(line, "CapBnd") || !strcmp(line, "CapInh"))
				report(INFO_ONLY, "init-status", "%s: %s", line, v);
			else if (!strcmp(line, "CapEff") || !strcmp(line, "CapPrm") || !strcmp(line, "CapAmb"))
				report(strtoull(v, NULL, 16) ? ESCAPED : BLOCKED, "init-status", "%s: %s", line, v);
			else if (!strcmp(line, "NoNewPrivs"))
				report(strcmp(v, "1") ? ESCAPED : BLOCKED, "init-status", "NoNewPrivs: %s", v);
		}
		fclose(f);
	}
	int count = 0;
	list_fds("/proc/1/fd", &count, true);
	/* pidfd_getfd would copy init's descriptors into this process (ptrace-mode access check). */
	int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);
	if (pidfd < 0) {
		report(BLOCKED, "pidfd_open(1)", "%s", errname(errno));
		return;
	}
	int stolen = 0, last = 0;
	for (int fd = 0; fd < 64; fd++) {
		int got = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (got >= 0) {
			char path[64], target[4096];
			snprintf(path, sizeof(path), "/proc/self/fd/%d", got);
			ssize_t len = readlink(path, target, sizeof(target) - 1);
			target[len > 0 ? len : 0] = '\0';
			int std = same_as_std(path);
			if (std >= 0)
				report(INFO_ONLY, "pidfd_getfd", "copied init's fd %d (%s), the command's own fd %d", fd, target, std);
			else
				report(ESCAPED, "pidfd_getfd", "copied init's fd %d (%s)", fd, target);
			close(got);
			stolen++;
		} else if (errno != EBADF) {
			last = errno;
		}
	}
	if (!stolen)
		report(BLOCKED, "pidfd_getfd", "%s", last ? errname(last) : "EBADF (no fds)");
	close(pidfd);
}

/* ---- exe: CVE-2019-5736 (runc), CVE-2019-12499 (firejail): overwrite the binary that runs the
 * sandbox through /proc/PID/exe. Opened for writing only, never written. */

static void try_write_open(const char *attempt, const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		report(ESCAPED, attempt, "%s opened for writing", path);
		close(fd);
	} else {
		report(BLOCKED, attempt, "%s: %s", path, errname(errno));
	}
}

static void probe_exe(void)
{
	char target[4096];
	ssize_t len = readlink("/proc/1/exe", target, sizeof(target) - 1);
	target[len > 0 ? len : 0] = '\0';
	report(INFO_ONLY, "init-exe", "/proc/1/exe -> %s", len > 0 ? target : errname(errno));
	try_write_open("self-exe", "/proc/self/exe");
	try_write_open("init-exe", "/proc/1/exe");
	try_write_open("parent-exe", "/proc/self/../1/exe");
	/* The runc exploit's second step: keep an O_PATH handle and reopen it for writing. */
	int opath = open("/proc/1/exe", O_PATH | O_CLOEXEC);
	if (opath < 0) {
		report(BLOCKED, "init-exe-reopen", "O_PATH: %s", errname(errno));
		return;
	}
	char fdpath[64];
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", opath);
	try_write_open("init-exe-reopen", fdpath);
	close(opath);
}

/* ---- ptrace: of the sandbox's init, and of whatever else is visible ---- */

/* After a successful attach the tracee must be seen in its stop before it can be detached;
 * otherwise the pending SIGSTOP would stop it (and the whole sandbox) after this probe exits. */
static void detach_cleanly(pid_t pid, bool seized)
{
	if (seized)
		ptrace(PTRACE_INTERRUPT, pid, NULL, NULL);
	int st;
	waitpid(pid, &st, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	if (!seized)
		kill(pid, SIGCONT);
}

static long do_ptrace_attach(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	if (r == 0)
		detach_cleanly(pid, false);
	return r;
}

static long do_ptrace_seize(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	long r = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	if (r == 0)
		detach_cleanly(pid, true);
	return r;
}

static long do_vm_readv(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	char buf[8];
	/* our own address: any mapped one will do, the point is the permission check */
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)&probe_exe, sizeof(buf) };
	long r = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	/* EFAULT: the access check passed and only our address was not mapped over there */
	return r < 0 && errno == EFAULT ? 0 : r;
}

/* pidfd_getfd needs the same ptrace-mode access as PTRACE_ATTACH: copy the target's fd 0. */
static long do_pidfd_getfd(const void *arg)
{
	pid_t pid = *(const pid_t *)arg;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -1;
	long r = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
	int e = errno;
	close(pidfd);
	errno = e;
	return r;
}

static void probe_ptrace(void)
{
	pid_t targets[2] = { 1, getppid() };
	size_t n = targets[1] > 1 ? 2 : 1;
	for (size_t i = 0; i < n; i++) {
		char attempt[64];
		pid_t *pid = &targets[i];
		snprintf(attempt, sizeof(attempt), "ptrace-attach(%d)", *pid);
		must_fail(attempt, do_ptrace_attach, pid);
		snprintf(attempt, sizeof(attempt), "ptrace-seize(%d)", *pid);
		must_fail(attempt, do_ptrace_seize, pid);
		snprintf(attempt, sizeof(attempt), "process_vm_readv(%d)", *pid);
		must_fail(attempt, do_vm_readv, pid);
		char mem[64];
		snprintf(mem, sizeof(mem), "/proc/%d/mem", *pid);
		snprintf(attempt, sizeof(attempt), "proc-mem(%d)", *pid);
		try_write_open(attempt, mem);
		snprintf(attempt, sizeof(attempt), "pidfd_getfd(%d)", *pid);
		must_fail(attempt, do_pidfd_getfd, pid);
	}
}

/* ---- procsys: the kernel's global knobs must not be writable ---- */

static void probe_procsys(void)
{
	static const char *const knobs[] = {
		"/proc/sysrq-trigger",		  "/proc/sys/kernel/core_pattern",
		"/proc/sys/kernel/modprobe",	  "/proc/sys/vm/drop_caches",
		"/proc/sys/user/max_user_namespaces", "/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/kernel/hostname",
	};
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		try_write_open("write-open", knobs[i]);
}

/* ---- proc-host: host processes must be invisible; HEAD+TAIL is in a host process's argv (given in
 * two halves so that the launcher's own command line, visible as pid 1, does not contain it) ---- */

static bool cmdline_has(const char *pid, const char *marker)
{
	char path[300], buf[8192];
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, marker) != NULL;
}

static void probe_proc_host(const char *head, const char *tail)
{
	char marker[256];
	snprintf(marker, sizeof(marker), "%s%s", head, tail);
	DIR *d = opendir("/proc");
	if (!d) {
		report(BLOCKED, "proc", "no /proc: %s", errname(errno));
		return;
	}
	int pids = 0, found = 0;
	struct dirent *e;
	pid_t self = getpid();
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		pids++;
		if (atoi(e->d_name) != self && cmdline_has(e->d_name, marker)) {
			report(ESCAPED, "host-process", "/proc/%s is the host process marked %s", e->d_name, marker);
			found++;
		}
	}
	closedir(d);
	report(INFO_ONLY, "proc", "%d processes visible", pids);
	if (!found)
		report(BLOCKED, "host-process", "no process marked %s is visible", marker);
}

/* ---- signal: kill a host pid by number, and everything with kill(-1); the caller checks that
 * its victim survived ---- */

static void probe_signal(const char *pid, bool all)
{
	long victim = strtol(pid, NULL, 10);
	long r = kill((pid_t)victim, SIGTERM);
	report(INFO_ONLY, "kill(host-pid)", "kill(%ld, SIGTERM): %s (the caller checks the victim)", victim, res(r));
	if (all) {
		r = kill(-1, SIGTERM);
		report(INFO_ONLY, "kill(-1)", "kill(-1, SIGTERM): %s (the caller checks the victim)", res(r));
	}
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* ---- abstract / tcp: connect to a listener on the host ---- */

static void probe_abstract(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	if (len + 1 > sizeof(sa.sun_path))
		len = sizeof(sa.sun_path) - 1;
	memcpy(sa.sun_path + 1, name, len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(BLOCKED, "socket(AF_UNIX)", "%s", errname(errno));
		return;
	}
	long r = connect(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
	report(r == 0 ? ESCAPED : BLOCKED, "connect-abstract", "@%s: %s", name, res(r));
	close(fd);
}

static void probe_unix_path(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(BLOCKED, "socket(AF_UNIX)", "%s", errname(errno));
		return;
	}
	long r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	report(r == 0 ? ESCAPED : BLOCKED, "connect-unix", "%s: %s", path, res(r));
	close(fd);
}

static void probe_tcp(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(BLOCKED, "socket(AF_INET)", "%s", errname(errno));
		return;
	}
	long r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	report(r == 0 ? ESCAPED : BLOCKED, "connect-tcp", "127.0.0.1:%s: %s", port, res(r));
	close(fd);
}

/* ---- userns: nested user namespaces, for real, through every entry point ---- */

#if defined(__x86_64__)
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	if (ret < 0 && ret > -4096) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}
#else
static long int80(long nr, long a, long b, long c, long d, long e)
{
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e;
	errno = ENOSYS;
	return -1;
}
#endif

/* A fork-like clone's child returns 0 here and leaves at once; the parent reaps it. */
static long reap_clone(long r)
{
	if (r == 0)
		syscall(SYS_exit_group, 0);
	if (r > 0)
		waitpid((pid_t)r, NULL, __WALL);
	return r;
}

static long userns_unshare(const void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWUSER);
}

static long userns_clone(const void *arg)
{
	(void)arg;
	return reap_clone(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0));
}

static long userns_clone3(const void *arg)
{
	(void)arg;
	struct clone_args ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
	return reap_clone(syscall(SYS_clone3, &ca, sizeof(ca)));
}

static long userns_i386_clone(const void *arg)
{
	(void)arg;
	return reap_clone(int80(I386_CLONE, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
}

static long userns_i386_unshare(const void *arg)
{
	(void)arg;
	return int80(I386_UNSHARE, CLONE_NEWUSER, 0, 0, 0, 0);
}

/* A page below 4 GiB, where a 32-bit syscall can point. */
static void *mmap_low(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static long userns_i386_clone3(const void *arg)
{
	(void)arg;
	struct clone_args *ca = mmap_low();
	if (!ca)
		return -1;
	memset(ca, 0, sizeof(*ca));
	ca->flags = CLONE_NEWUSER;
	ca->exit_signal = SIGCHLD;
	return reap_clone(int80(I386_CLONE3, (long)(uintptr_t)ca, sizeof(*ca), 0, 0, 0));
}

static long userns_x32_clone(const void *arg)
{
	(void)arg;
	return reap_clone(syscall(X32_BIT | X32_CLONE, CLONE_NEWUSER | SIGCHLD, 0, NULL, NULL, 0));
}

static long userns_x32_unshare(const void *arg)
{
	(void)arg;
	return syscall(X32_BIT | X32_UNSHARE, CLONE_NEWUSER);
}

static void probe_userns(void)
{
	char buf[32];
	int fd = open("/proc/sys/user/max_user_namespaces", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n - 1 : 0] = '\0';
	report(INFO_ONLY, "max_user_namespaces", "%s", n > 0 ? buf : "unreadable");
	struct {
		const char *name;
		attempt_fn fn;
	} attempts[] = {
		{ "unshare(CLONE_NEWUSER)", userns_unshare },
		{ "clone(CLONE_NEWUSER)", userns_clone },
		{ "clone3(CLONE_NEWUSER)", userns_clone3 },
		{ "i386-clone(CLONE_NEWUSER)", userns_i386_clone },
		{ "i386-unshare(CLONE_NEWUSER)", userns_i386_unshare },
		{ "i386-clone3(CLONE_NEWUSER)", userns_i386_clone3 },
		{ "x32-clone(CLONE_NEWUSER)", userns_x32_clone },
		{ "x32-unshare(CLONE_NEWUSER)", userns_x32_unshare },
	};
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		char r[64];
		contained(attempts[i].fn, NULL, r, sizeof(r));
		report(strcmp(r, "OK") == 0 ? EXPOSED : BLOCKED, attempts[i].name, "%s%s", r,
		       strcmp(r, "OK") == 0 ? ": a nested user namespace was created" : "");
	}
}

/* ---- mount: rearranging the view, old and new mount API ---- */

static long m_tmpfs(const void *a) { (void)a; return mount("none", "/tmp", "tmpfs", 0, NULL); }
static long m_umount_etc(const void *a) { (void)a; return umount2("/etc", MNT_DETACH); }
static long m_umount_proc(const void *a) { (void)a; return umount2("/proc", MNT_DETACH); }
static long m_remount_rw(const void *a) { (void)a; return mount(NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL); }
static long m_fsopen(const void *a) { (void)a; return syscall(SYS_fsopen, "tmpfs", 0); }
static long m_fspick(const void *a) { (void)a; return syscall(SYS_fspick, AT_FDCWD, "/", 0); }
static long m_open_tree(const void *a)
{
	(void)a;
	return syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | AT_RECURSIVE);
}
static long m_setattr(const void *a)
{
	(void)a;
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID };
	return syscall(SYS_mount_setattr, AT_FDCWD, "/usr", AT_RECURSIVE, &attr, sizeof(attr));
}
static long m_pivot_root(const void *a) { (void)a; return syscall(SYS_pivot_root, "/tmp", "/tmp"); }
static long m_chroot(const void *a) { (void)a; return chroot("/tmp"); }

static void probe_mount(void)
{
	if (geteuid() == 0 && in_initial_userns()) {
		fprintf(stderr, "escape-probe: refusing to try mounts as root on the host itself\n");
		exit(2);
	}
	struct {
		const char *name;
		attempt_fn fn;
	} attempts[] = {
		{ "mount(tmpfs)", m_tmpfs },       { "umount(/etc)", m_umount_etc },
		{ "umount(/proc)", m_umount_proc }, { "remount-rw(/usr)", m_remount_rw },
		{ "fsopen", m_fsopen },             { "fspick", m_fspick },
		{ "open_tree(clone)", m_open_tree }, { "mount_setattr(clear ro)", m_setattr },
		{ "pivot_root", m_pivot_root },     { "chroot", m_chroot },
	};
	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++)
		must_fail(attempts[i].name, attempts[i].fn, NULL);
}

/* ---- keyring: kernel keyrings are not namespaced; the session and user keyrings are the host's ---- */

static long k_describe_session(const void *a)
{
	(void)a;
	char buf[256];
	return syscall(SYS_keyctl, KEYCTL_DESCRIBE, KEY_SPEC_SESSION_KEYRING, buf, sizeof(buf));
}
static long k_user_id(const void *a)
{
	(void)a;
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);
}
static long k_add_process(const void *a)
{
	(void)a;
	return syscall(SYS_add_key, "user", "sbx-escape-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
}
static long k_request(const void *a)
{
	(void)a;
	return syscall(SYS_request_key, "user", "sbx-escape-probe-absent", NULL, 0);
}

static void probe_keyring(void)
{
	must_fail("keyctl(describe @s)", k_describe_session, NULL);
	must_fail("keyctl(get @u)", k_user_id, NULL);
	must_fail("add_key(@p)", k_add_process, NULL);
	char r[64];
	contained(k_request, NULL, r, sizeof(r));
	/* ENOKEY: the kernel looked the key up, i.e. the keyring was searched */
	report(strcmp(r, "EPERM") == 0 || strcmp(r, "ENOSYS") == 0 ? BLOCKED : EXPOSED, "request_key", "%s", r);
}

/* ---- kernel attack surface: perf, io_uring, bpf ---- */

static long k_perf(const void *a)
{
	(void)a;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr), .config = PERF_COUNT_SW_CPU_CLOCK,
		.disabled = 1, .exclude_kernel = 1, .exclude_hv = 1,
	};
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}
static long k_io_uring(const void *a)
{
	(void)a;
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 4, &p);
}
static long k_bpf_map(const void *a)
{
	(void)a;
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}
static long k_bpf_prog(const void *a)
{
	(void)a;
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t) "GPL";
	return syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static void surface(const char *name, attempt_fn fn)
{
	char r[64];
	contained(fn, NULL, r, sizeof(r));
	report(strcmp(r, "OK") == 0 ? EXPOSED : BLOCKED, name, "%s", r);
}

/* ---- handle: open_by_handle_at bypasses path resolution (the 2014 Docker "shocker" escape) ---- */

static long k_name_to_handle(const void *a)
{
	(void)a;
	struct {
		struct file_handle fh;
		unsigned char data[MAX_HANDLE_SZ];
	} h;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	int mnt;
	return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h.fh, &mnt, 0);
}
static long k_open_by_handle(const void *a)
{
	(void)a;
	struct {
		struct file_handle fh;
		unsigned char data[MAX_HANDLE_SZ];
	} h;
	h.fh.handle_bytes = MAX_HANDLE_SZ;
	int mnt;
	/* a real handle when name_to_handle_at works; otherwise a made-up one (the inode of the
	 * filesystem root on ext4 is 2), which still shows whether the call is reachable */
	if (syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h.fh, &mnt, 0) < 0) {
		h.fh.handle_bytes = 8;
		h.fh.handle_type = 1;
		memset(h.data, 0, 8);
		h.data[0] = 2;
	}
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return syscall(SYS_open_by_handle_at, root, &h.fh, O_RDONLY | O_DIRECTORY);
}

static void probe_handle(void)
{
	surface("name_to_handle_at", k_name_to_handle);
	must_fail("open_by_handle_at", k_open_by_handle, NULL);
}

/* ---- sockets: AF_PACKET (raw frames), AF_VSOCK (the hypervisor), AF_ALG (kernel crypto) ---- */

static long s_packet(const void *a) { (void)a; return socket(AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */)); }
static long s_vsock(const void *a) { (void)a; return socket(AF_VSOCK, SOCK_STREAM, 0); }
static long s_alg(const void *a)
{
	(void)a;
	int fd = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "hash", .salg_name = "sha256" };
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

static void probe_sockets(void)
{
	must_fail("socket(AF_PACKET)", s_packet, NULL);
	surface("socket(AF_VSOCK)", s_vsock);
	surface("socket(AF_ALG)+bind", s_alg);
}

/* ---- memfd: running code that was never a file in the view (memfd_create, O_TMPFILE, an unlinked
 * file) through execveat(fd, "", AT_EMPTY_PATH) (glibc's fexecve) or the /proc/self/fd magic link.
 * Landlock does not check internal mounts such as memfd's, so only seccomp stands in the way. The
 * payload is a copy of this (static) probe, run as "escape-probe exec-marker", which exits 42. */

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#define EXEC_MARKER_CODE 42

static bool copy_self(int fd)
{
	int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return false;
	char buf[65536];
	ssize_t n;
	bool ok = true;
	while (ok && (n = read(self, buf, sizeof(buf))) > 0)
		ok = write(fd, buf, (size_t)n) == n;
	close(self);
	return ok && n == 0;
}

/* How the payload is made and how it is run. */
struct exec_way {
	const char *made;  /* memfd, memfd-exec, tmpfile:DIR, unlinked:DIR */
	const char *run;   /* execveat-empty, proc-fd, execveat-proc-fd */
};

static int make_payload(const char *made)
{
	int fd = -1;
	if (!strcmp(made, "memfd")) {
		fd = (int)syscall(SYS_memfd_create, "payload", 0U);
	} else if (!strcmp(made, "memfd-exec")) {
		fd = (int)syscall(SYS_memfd_create, "payload", MFD_EXEC);
	} else if (!strncmp(made, "tmpfile:", 8)) {
		fd = open(made + 8, O_TMPFILE | O_RDWR, 0700);
	} else if (!strncmp(made, "unlinked:", 9)) {
		char path[256];
		snprintf(path, sizeof(path), "%s/escape-probe-payload-%d", made + 9, (int)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0700);
		if (fd >= 0)
			unlink(path);
	}
	if (fd < 0)
		return -1;
	if (!copy_self(fd)) {
		int e = errno;
		close(fd);
		errno = e ? e : EIO;
		return -1;
	}
	if (!strncmp(made, "memfd", 5))
		return fd;
	/* A file open for writing cannot be executed (ETXTBSY): keep only a read-only descriptor,
	 * reopened through the magic link as an attacker would. */
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	int ro = open(link, O_RDONLY);
	int e = errno;
	close(fd);
	errno = e;
	return ro;
}

/* Forks a child that runs the payload; 0 when the payload ran (exit 42), else -1 and errno. */
static long exec_payload(const void *arg)
{
	const struct exec_way *w = arg;
	int fd = make_payload(w->made);
	if (fd < 0)
		return -1;
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	char *argv[] = { "escape-probe", "exec-marker", NULL };
	char *envp[] = { NULL };
	pid_t pid = fork();
	if (pid == 0) {
		if (!strcmp(w->run, "execveat-empty"))
			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		else if (!strcmp(w->run, "proc-fd"))
			execve(link, argv, envp);
		else
			syscall(SYS_execveat, AT_FDCWD, link, argv, envp, 0);
		_exit(errno > 0 && errno < 100 ? 100 + errno : 99);
	}
	int e = errno;
	close(fd);
	if (pid < 0) {
		errno = e;
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXEC_MARKER_CODE)
		return 0;
	errno = WIFEXITED(st) && WEXITSTATUS(st) > 100 ? WEXITSTATUS(st) - 100 : ECHILD;
	return -1;
}

static long memfd_exec_create(const void *a)
{
	(void)a;
	return syscall(SYS_memfd_create, "payload", MFD_EXEC);
}

static void try_exec_ways(const char *const *made, size_t n_made, const char *const *runs, size_t n_runs)
{
	for (size_t i = 0; i < n_made; i++)
		for (size_t j = 0; j < n_runs; j++) {
			struct exec_way w = { made[i], runs[j] };
			char attempt[96];
			snprintf(attempt, sizeof(attempt), "%s+%s", made[i], runs[j]);
			must_fail(attempt, exec_payload, &w);
		}
}

static const char *const all_runs[] = { "execveat-empty", "proc-fd", "execveat-proc-fd" };

/* Everything but the /proc/self/fd magic link to a memfd made without MFD_EXEC (memfd-procfd). */
static void probe_memfd_exec(void)
{
	must_fail("memfd_create(MFD_EXEC)", memfd_exec_create, NULL);
	static const char *const made[] = { "memfd-exec", "tmpfile:/tmp", "tmpfile:/dev/shm",
					    "unlinked:/tmp", "unlinked:/dev/shm" };
	try_exec_ways(made, sizeof(made) / sizeof(made[0]), all_runs, 3);
	static const char *const plain[] = { "memfd" };
	try_exec_ways(plain, 1, all_runs, 1);  /* execveat-empty: glibc's fexecve */
}

static long memfd_fchmod(const void *a)
{
	(void)a;
	int fd = (int)syscall(SYS_memfd_create, "payload", 0U);
	return fd < 0 ? -1 : fchmod(fd, 0755);
}

/* A memfd made without MFD_EXEC or MFD_NOEXEC_SEAL is executable while vm.memfd_noexec is 0, and
 * exec of its /proc/self/fd link passes only a path pointer to seccomp; making it executable
 * again with fchmod must fail too (F_SEAL_EXEC). */
static void probe_memfd_procfd(void)
{
	static const char *const plain[] = { "memfd" };
	try_exec_ways(plain, 1, all_runs + 1, 2);
	must_fail("memfd+fchmod(0755)", memfd_fchmod, NULL);
}

/* ---- memfd-plain: what a memfd made without flags must still do under the memfd guard (its pid 1
 * makes the memfd): its name, shared memory, close-on-exec exactly as asked, MFD_NOEXEC_SEAL as
 * before, the kernel's errors, and many threads creating memfds at once. */

static long plain_shm(const void *a)
{
	(void)a;
	int fd = (int)syscall(SYS_memfd_create, "plain", 0U);
	if (fd < 0 || write(fd, "written", 8) != 8 || ftruncate(fd, 8192) < 0)
		return -1;
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	strcpy(m + 4096, "mapped");
	char buf[8] = "";
	char link[64], target[64] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (strcmp(m, "written") != 0 || pread(fd, buf, 7, 4096) != 7 || strcmp(buf, "mapped") != 0 ||
	    readlink(link, target, sizeof(target) - 1) < 0 || strcmp(target, "/memfd:plain (deleted)") != 0) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* MFD_CLOEXEC gives FD_CLOEXEC; without it the memfd survives exec (checked by memfd-inherit). */
static long plain_cloexec(const void *a)
{
	(void)a;
	int with = (int)syscall(SYS_memfd_create, "cloexec", 1U /* MFD_CLOEXEC */);
	int without = (int)syscall(SYS_memfd_create, "inherit", 0U);
	if (with < 0 || without < 0 || write(without, "inherited", 9) != 9)
		return -1;
	if (!(fcntl(with, F_GETFD) & FD_CLOEXEC) || (fcntl(without, F_GETFD) & FD_CLOEXEC)) {
		errno = EBADFD;
		return -1;
	}
	char arg[16];
	snprintf(arg, sizeof(arg), "%d", without);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", "escape-probe", "memfd-inherit", arg, (char *)NULL);
		_exit(99);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		errno = ECHILD;
		return -1;
	}
	return 0;
}

/* In the exec'd probe: fd is open and holds what plain_cloexec wrote. */
static int memfd_inherit(const char *fd_text)
{
	char buf[16] = "";
	return pread(atoi(fd_text), buf, 9, 0) == 9 && strcmp(buf, "inherited") == 0 ? 0 : 1;
}

static long plain_noexec_seal(const void *a)
{
	(void)a;
	int fd = (int)syscall(SYS_memfd_create, "sealed", MFD_NOEXEC_SEAL);
	if (fd < 0)
		return -1;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & 0x0020 /* F_SEAL_EXEC */)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* The kernel's own answers stay: a 249-byte name works, 250 bytes is EINVAL, a bad pointer EFAULT. */
static long plain_names(const void *a)
{
	(void)a;
	char name[251];
	memset(name, 'n', 250);
	name[249] = '\0';
	if (syscall(SYS_memfd_create, name, 0U) < 0)
		return -1;
	name[249] = 'n';
	name[250] = '\0';
	if (syscall(SYS_memfd_create, name, 0U) >= 0 || errno != EINVAL)
		return errno = ENOTRECOVERABLE, -1;
	if (syscall(SYS_memfd_create, (const char *)8, 0U) >= 0 || errno != EFAULT)
		return errno = ENOTRECOVERABLE, -1;
	return 0;
}

#define PLAIN_THREADS 8
#define PLAIN_PER_THREAD 50

static void *plain_thread(void *arg)
{
	int *fds = arg;
	for (int i = 0; i < PLAIN_PER_THREAD; i++)
		fds[i] = (int)syscall(SYS_memfd_create, "thread", 1U /* MFD_CLOEXEC */);
	return NULL;
}

/* Concurrent calls from several threads each get a memfd of their own. */
static long plain_threads(const void *a)
{
	(void)a;
	static int fds[PLAIN_THREADS][PLAIN_PER_THREAD];
	pthread_t t[PLAIN_THREADS];
	for (int i = 0; i < PLAIN_THREADS; i++)
		if (pthread_create(&t[i], NULL, plain_thread, fds[i]) != 0)
			return -1;
	for (int i = 0; i < PLAIN_THREADS; i++)
		pthread_join(t[i], NULL);
	static ino_t inos[PLAIN_THREADS * PLAIN_PER_THREAD];
	struct stat st;
	for (int k = 0; k < PLAIN_THREADS * PLAIN_PER_THREAD; k++) {
		int fd = fds[k / PLAIN_PER_THREAD][k % PLAIN_PER_THREAD];
		if (fd < 0 || fstat(fd, &st) < 0) {
			errno = fd < 0 ? ENOSPC : errno;
			return -1;
		}
		inos[k] = st.st_ino;
		for (int o = 0; o < k; o++)
			if (inos[o] == inos[k]) {
				errno = EEXIST;  /* two callers got the same memfd */
				return -1;
			}
	}
	return 0;
}

static void probe_memfd_plain(void)
{
	static const struct {
		const char *name;
		attempt_fn fn;
	} checks[] = {
		{ "memfd-plain-shm", plain_shm },           { "memfd-plain-cloexec", plain_cloexec },
		{ "memfd-plain-noexec-seal", plain_noexec_seal }, { "memfd-plain-names", plain_names },
		{ "memfd-plain-threads", plain_threads },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		report(INFO_ONLY, checks[i].name, "%s", contained(checks[i].fn, NULL, buf, sizeof(buf)));
}

/* ---- memfd-shm: ordinary memfd use (shared memory, Wayland and PulseAudio buffers) must keep
 * working: memfd_create, ftruncate, a shared mapping seen through a second mapping, sealing. */

static long memfd_shm(const void *a)
{
	(void)a;
	int fd = (int)syscall(SYS_memfd_create, "shm", 1U /* MFD_CLOEXEC */ | 2U /* MFD_ALLOW_SEALING */);
	if (fd < 0 || ftruncate(fd, 8192) < 0)
		return -1;
	char *w = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *r = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED || r == MAP_FAILED)
		return -1;
	strcpy(w + 4096, "shared");
	if (strcmp(r + 4096, "shared") != 0) {
		errno = EIO;
		return -1;
	}
	return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
}

static void probe_memfd_shm(void)
{
	char buf[64];
	/* Not an escape: this must work, and the caller checks that it says OK. */
	report(INFO_ONLY, "memfd-shared-memory", "%s", contained(memfd_shm, NULL, buf, sizeof(buf)));
}

/* ---- setuid: executing a setuid-root binary must not raise the effective uid ---- */

static void read_status_field(pid_t pid, const char *field, char *out, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	out[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	size_t flen = strlen(field);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			char *v = line + flen + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	fclose(f);
}

static void try_setuid_binary(const char *path, char *const argv[])
{
	struct stat st;
	if (stat(path, &st) < 0) {
		report(INFO_ONLY, "setuid", "%s: %s", path, errname(errno));
		return;
	}
	if (!(st.st_mode & S_ISUID)) {
		report(INFO_ONLY, "setuid", "%s has no setuid bit here", path);
		return;
	}
	struct statvfs vfs;
	if (statvfs(path, &vfs) == 0)
		report(INFO_ONLY, "setuid", "%s: setuid bit set, owner uid %u, mount %s", path,
		       (unsigned)st.st_uid, (vfs.f_flag & ST_NOSUID) ? "nosuid" : "allows setuid");
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(in[0], 0);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char name[64] = "", uid[128] = "";
	/* wait until the exec happened (the name changes; it stays readable as a zombie) */
	for (int i = 0; i < 200; i++) {
		read_status_field(pid, "Name", name, sizeof(name));
		if (!strcmp(name, base))
			break;
		siginfo_t si = { 0 };
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			break;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	read_status_field(pid, "Name", name, sizeof(name));
	read_status_field(pid, "Uid", uid, sizeof(uid));
	kill(pid, SIGKILL);
	close(in[1]);
	waitpid(pid, NULL, 0);
	if (strcmp(name, base) != 0) {
		report(BLOCKED, "setuid-exec", "%s did not run", path);
		return;
	}
	unsigned r = 0, e = 0, s = 0, fs = 0;
	sscanf(uid, "%u %u %u %u", &r, &e, &s, &fs);
	report(e != getuid() || s != getuid() ? ESCAPED : BLOCKED, "setuid-exec",
	       "%s ran with uid real/effective/saved/fs %u/%u/%u/%u (we are %u)", path, r, e, s, fs,
	       (unsigned)getuid());
}

static void probe_setuid(void)
{
	char nnp[16];
	read_status_field(getpid(), "NoNewPrivs", nnp, sizeof(nnp));
	report(INFO_ONLY, "NoNewPrivs", "%s", nnp);
	char *su[] = { "su", "root", "-c", "true", NULL };
	char *passwd[] = { "passwd", NULL };
	char *mountv[] = { "mount", "--version", NULL };
	try_setuid_binary("/usr/bin/su", su);
	try_setuid_binary("/usr/bin/passwd", passwd);
	try_setuid_binary("/usr/bin/mount", mountv);
}

/* ---- devices: no host hardware or kernel memory; no mknod ---- */

static bool harmless_device(dev_t rdev, bool is_char)
{
	unsigned ma = major(rdev), mi = minor(rdev);
	if (!is_char)
		return false;
	if (ma == 1 && (mi == 3 || mi == 5 || mi == 7 || mi == 8 || mi == 9))
		return true;  /* null zero full random urandom */
	if (ma == 5 && (mi == 0 || mi == 1 || mi == 2))
		return true;  /* tty console ptmx */
	return ma >= 136 && ma <= 143;  /* pty slaves */
}

/* Nodes that give kernel memory, raw disks, the kernel log or a hypervisor when opened. */
static bool sensitive_device(dev_t rdev, bool is_char)
{
	unsigned ma = major(rdev), mi = minor(rdev);
	if (!is_char)
		return true;
	return (ma == 1 && (mi == 1 || mi == 2 || mi == 4 || mi == 11)) || (ma == 10 && mi == 232) ||
	       ma == 13 /* input */ || ma == 226 /* dri */;
}

static void scan_dev(const char *dir, int depth, int *found)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 4) {
			scan_dev(path, depth + 1, found);
			continue;
		}
		bool is_char = S_ISCHR(st.st_mode);
		if ((!is_char && !S_ISBLK(st.st_mode)) || harmless_device(st.st_rdev, is_char))
			continue;
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		bool bad = fd >= 0 && sensitive_device(st.st_rdev, is_char);
		/* a long /dev (tty1..63, loop0..7) is summarised after the first few */
		if (bad || *found < 8)
			report(bad ? ESCAPED : EXPOSED, "device", "%s (%s %u:%u) %s", path,
			       is_char ? "char" : "block", major(st.st_rdev), minor(st.st_rdev),
			       fd >= 0 ? "opened" : errname(errno));
		else
			worst = worst > EXPOSED ? worst : EXPOSED;
		if (fd >= 0)
			close(fd);
		(*found)++;
	}
	closedir(d);
}

static void probe_devices(void)
{
	static const char *const named[] = { "/dev/kmsg", "/dev/mem", "/dev/kmem", "/dev/port", "/dev/kvm",
					     "/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/loop-control",
					     "/dev/uinput", "/dev/net/tun", "/dev/fuse" };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		struct stat st;
		if (stat(named[i], &st) == 0)
			report(INFO_ONLY, "named-device", "%s is present", named[i]);
	}
	int found = 0;
	scan_dev("/dev", 0, &found);
	if (found > 8)
		report(EXPOSED, "device", "%d device nodes beyond the minimal set in all", found);
	if (!found)
		report(BLOCKED, "device", "/dev holds only null zero full random urandom tty ptmx pts");
	static const char *const dirs[] = { "/tmp", "/dev/shm", "/var/tmp" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/escape-probe-mem.%d", dirs[i], getpid());
		if (mknod(path, S_IFCHR | 0600, makedev(1, 1)) == 0) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			report(ESCAPED, "mknod", "%s (1:1, /dev/mem) created%s", path, fd >= 0 ? " and opened" : "");
			if (fd >= 0)
				close(fd);
			unlink(path);
		} else {
			report(BLOCKED, "mknod", "%s: %s", path, errname(errno));
		}
		snprintf(path, sizeof(path), "%s/escape-probe-blk.%d", dirs[i], getpid());
		if (mknod(path, S_IFBLK | 0600, makedev(8, 0)) == 0) {
			report(ESCAPED, "mknod", "%s (8:0, a disk) created", path);
			unlink(path);
		} else {
			report(BLOCKED, "mknod", "%s: %s", path, errname(errno));
		}
	}
}

/* ---- sys: /sys exposes the host's hardware, kernel and cgroup tree ---- */

static void probe_sys(void)
{
	static const char *const paths[] = { "/sys/kernel", "/sys/class", "/sys/fs/cgroup", "/sys/firmware",
					     "/sys/block", "/sys/devices" };
	int seen = 0;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0) {
			report(EXPOSED, "sys", "%s is visible", paths[i]);
			seen++;
		}
	}
	static const char *const writable[] = { "/sys/kernel/uevent_helper", "/sys/fs/cgroup/cgroup.procs",
						"/sys/power/state" };
	for (size_t i = 0; i < sizeof(writable) / sizeof(writable[0]); i++) {
		int fd = open(writable[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			report(ESCAPED, "sys-write", "%s opened for writing", writable[i]);
			close(fd);
		}
	}
	if (!seen)
		report(BLOCKED, "sys", "/sys shows none of kernel class fs/cgroup firmware block devices");
}

/* ---- create: try to create files; the caller checks the host ---- */

static int mkdir_parents(char *path)
{
	for (char *p = path + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		int r = mkdir(path, 0755);
		int e = errno;
		*p = '/';
		if (r < 0 && e != EEXIST) {
			errno = e;
			return -1;
		}
	}
	return 0;
}

static void probe_create(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char *path = strdup(argv[i]);
		long r = path ? mkdir_parents(path) : -1;
		if (r == 0) {
			int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			r = fd;
			if (fd >= 0) {
				ssize_t unused = write(fd, "escape-probe\n", 13);
				(void)unused;
				close(fd);
			}
		}
		report(INFO_ONLY, "create", "%s: %s", argv[i], res(r));
		free(path);
	}
}

/* ---- detach: a daemon that tries to outlive the sandbox; the caller looks for MARKER ---- */

static void probe_detach(const char *marker, const char *seconds)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		int null = open("/dev/null", O_RDWR);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd);
		prctl(PR_SET_NAME, "escape-daemon");
		sleep((unsigned)atoi(seconds));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	report(INFO_ONLY, "detach", "a setsid double-forked daemon marked %s sleeps %s s", marker, seconds);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: escape-probe CLASS [ARG...]\n"
		"  tty MARKER | fds | init | exe | ptrace | procsys | proc-host HEAD TAIL | signal PID [all]\n"
		"  abstract NAME | unix PATH | tcp PORT | userns | mount | keyring | perf | io_uring | bpf | handle\n"
		"  sockets | setuid | devices | sys | create PATH... | detach MARKER SECONDS\n"
		"  memfd-exec | memfd-procfd | memfd-shm | memfd-plain\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *c = argv[1];
	bool host_check = false;
	if (!strcmp(c, "exec-marker"))
		return EXEC_MARKER_CODE;  /* the payload of memfd-exec ran */
	if (!strcmp(c, "memfd-inherit") && argc == 3)
		return memfd_inherit(argv[2]);
	if (!strcmp(c, "tty") && argc == 3)
		probe_tty(argv[2]);
	else if (!strcmp(c, "fds"))
		probe_fds();
	else if (!strcmp(c, "init"))
		probe_init();
	else if (!strcmp(c, "exe"))
		probe_exe();
	else if (!strcmp(c, "ptrace"))
		probe_ptrace();
	else if (!strcmp(c, "procsys"))
		probe_procsys();
	else if (!strcmp(c, "proc-host") && argc == 4)
		probe_proc_host(argv[2], argv[3]);
	else if (!strcmp(c, "signal") && argc >= 3)
		probe_signal(argv[2], argc > 3 && !strcmp(argv[3], "all")), host_check = true;
	else if (!strcmp(c, "abstract") && argc == 3)
		probe_abstract(argv[2]);
	else if (!strcmp(c, "tcp") && argc == 3)
		probe_tcp(argv[2]);
	else if (!strcmp(c, "unix") && argc == 3)
		probe_unix_path(argv[2]);
	else if (!strcmp(c, "userns"))
		probe_userns();
	else if (!strcmp(c, "mount"))
		probe_mount();
	else if (!strcmp(c, "keyring"))
		probe_keyring();
	else if (!strcmp(c, "perf"))
		surface("perf_event_open", k_perf);
	else if (!strcmp(c, "io_uring"))
		surface("io_uring_setup", k_io_uring);
	else if (!strcmp(c, "bpf"))
		surface("bpf(MAP_CREATE)", k_bpf_map), surface("bpf(PROG_LOAD)", k_bpf_prog);
	else if (!strcmp(c, "handle"))
		probe_handle();
	else if (!strcmp(c, "sockets"))
		probe_sockets();
	else if (!strcmp(c, "memfd-exec"))
		probe_memfd_exec();
	else if (!strcmp(c, "memfd-procfd"))
		probe_memfd_procfd();
	else if (!strcmp(c, "memfd-shm"))
		probe_memfd_shm();
	else if (!strcmp(c, "memfd-plain"))
		probe_memfd_plain();
	else if (!strcmp(c, "setuid"))
		probe_setuid();
	else if (!strcmp(c, "devices"))
		probe_devices();
	else if (!strcmp(c, "sys"))
		probe_sys();
	else if (!strcmp(c, "create") && argc >= 3)
		probe_create(argc - 2, argv + 2), host_check = true;
	else if (!strcmp(c, "detach") && argc == 4)
		probe_detach(argv[2], argv[3]), host_check = true;
	else
		return usage();
	if (host_check) {
		printf("VERDICT HOST-CHECK\n");
		return 0;
	}
	printf("VERDICT %s\n", outcome_name(worst));
	return worst == ESCAPED ? 1 : worst == EXPOSED ? 3 : 0;
}
