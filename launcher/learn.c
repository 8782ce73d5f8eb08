/* sbx learn: records what a command does in the sandbox and writes a profile fragment.
 *
 * The learner forks a child that installs a seccomp filter with SECCOMP_FILTER_FLAG_NEW_LISTENER
 * and execs sbx itself with the base options; the learner answers each notification with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE after recording it. sbx's own filters are stacked later; the
 * kernel runs all of them and the most restrictive answer wins, so a call the base profile denies
 * is never recorded: a learned profile never allows what the base forbids. CONTINUE is
 * TOCTOU-unsafe for enforcement, which this is not: it only records.
 *
 * Two recorders for the syscall set. As root, the eBPF recorder (learn_bpf.c, bpf/learn.bpf.c):
 * raw tracepoints mark the numbers the tracked tasks call, and the filter notifies only the calls
 * whose arguments are recorded (record_args: paths, addresses) and allows the rest. Otherwise (not
 * root, no BTF, programs refused: as root a note says why) the filter notifies every call and the
 * learner marks them itself. Both run after seccomp, so both see the same calls.
 *
 * Only the command's calls are recorded, not sbx's setup: a process starts counting at its execve
 * once it is not the launcher itself (the learner's child, whose only exec is sbx), and processes
 * inherit the state of their parent (or thread group). The eBPF programs track that from fork to
 * exit; the notifier classifies a task at its first call.
 *
 * Paths: the program is untrusted, and the fragment grants host paths, so a path only becomes a
 * grant when the run really reached that host file through its view (check_in_view): while the
 * task is stopped in the call, its path is resolved in the task's own root (/proc/PID/root,
 * RESOLVE_IN_ROOT) and must name the very inode the host path names (same device and inode: the
 * sandbox's tmpfs root, home, /tmp, /dev/shm and /run/user are other filesystems, so they never
 * count), with mode bits that let the task's uid do what the call asks, on a mount that is not
 * read-only for a write. A created file needs its directory to pass the same test for writing.
 * This predicts the call's result from the state the call will see; the notifier cannot see the
 * result itself (the call runs after our CONTINUE). It can err only towards a comment: a call
 * that would fail for another reason (ACLs, Landlock) is still granted only what the view already
 * showed the program. Calls that fail are comments, sensitive paths (shell start-up files,
 * autostart, keys, sbx's profiles) are comments whatever happened: never grants. */
#include "learn.h"
#include "workdir.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "learn_bpf.h"
#include "learn_profile.h"
#include "profile.h"
#include "syscall_groups.h"
#include "userns.h"
#include "util.h"

enum proc_state { PROC_LAUNCHER, PROC_APP };

struct proc {
	pid_t pid;
	enum proc_state state;
};

struct learner {
	pid_t launcher;  /* the child that execs sbx */
	struct proc *procs;
	size_t n_procs;
	struct learned_run run;  /* what the command did: the fragment is written from it */
	struct learn_bpf *bpf;   /* the eBPF recorder, or NULL: the notifier marks the calls */
};

/* ---- the supervisor ---- */

bool learn_path_worth_granting(const char *path)
{
	static const char *const shown[] = { "/usr", "/etc", "/proc", "/dev", "/tmp", "/var/tmp", "/sys",
					     "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
	if (!path || path[0] != '/' || strcmp(path, "/") == 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(shown); i++) {
		size_t n = strlen(shown[i]);
		if (strncmp(path, shown[i], n) == 0 && (path[n] == '/' || path[n] == '\0'))
			return false;
	}
	/* /run/user/UID is private in the sandbox; /run itself is not shown. */
	return strncmp(path, "/run/user/", 10) != 0;
}

static int read_status_field(pid_t pid, const char *field, pid_t *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if (read_file(path, &buf, &len) < 0)
		return -ESRCH;
	size_t fl = strlen(field);
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			*out = (pid_t)strtol(line + fl + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

static struct proc *find_proc(struct learner *l, pid_t pid)
{
	for (size_t i = 0; i < l->n_procs; i++)
		if (l->procs[i].pid == pid)
			return &l->procs[i];
	return NULL;
}

/* A thread or process seen for the first time takes its thread group's or parent's state. */
static struct proc *classify(struct learner *l, pid_t pid)
{
	struct proc *p = find_proc(l, pid);
	if (p)
		return p;
	enum proc_state state = PROC_LAUNCHER;
	pid_t tgid = 0, ppid = 0;
	struct proc *rel = NULL;
	if (read_status_field(pid, "Tgid", &tgid) == 0 && tgid != pid)
		rel = find_proc(l, tgid);
	if (!rel && read_status_field(tgid && tgid != pid ? tgid : pid, "PPid", &ppid) == 0)
		rel = find_proc(l, ppid);
	if (rel)
		state = rel->state;
	p = ARRAY_PUSH(l->procs, l->n_procs);
	p->pid = pid;
	p->state = state;
	return p;
}

/* Reads memory of the stopped task; the caller checks the notification is still valid after. */
static bool read_mem(int memfd, unsigned long long addr, void *buf, size_t len)
{
	return addr && pread(memfd, buf, len, (off_t)addr) == (ssize_t)len;
}

static bool read_string(int memfd, unsigned long long addr, char *buf, size_t size)
{
	size_t got = 0;
	while (addr && got + 1 < size) {
		/* Page by page: a string may end right before an unmapped page. */
		size_t chunk = 4096 - ((addr + got) & 4095);
		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		ssize_t r = pread(memfd, buf + got, chunk, (off_t)(addr + got));
		if (r <= 0)
			return false;
		void *nul = memchr(buf + got, '\0', (size_t)r);
		if (nul)
			return true;
		got += (size_t)r;
	}
	buf[got] = '\0';
	return false;
}

bool learn_may_access(mode_t mode, uid_t owner, gid_t group, uid_t uid, gid_t gid, int want)
{
	if (uid == 0)
		return true;  /* not the case of a sandboxed command (root runs it as 65534) */
	unsigned bits = owner == uid ? (mode >> 6) & 7 : group == gid ? (mode >> 3) & 7 : mode & 7;
	return ((unsigned)want & ~bits & 7) == 0;
}

/* The task's effective uid and gid as the host sees them. */
static void task_ids(pid_t pid, uid_t *uid, gid_t *gid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (read_file(path, &buf, &len) < 0)
		return;
	unsigned long real, eff;
	const char *u = strstr(buf, "\nUid:"), *g = strstr(buf, "\nGid:");
	if (u && sscanf(u, "\nUid: %lu %lu", &real, &eff) == 2)
		*uid = (uid_t)eff;
	if (g && sscanf(g, "\nGid: %lu %lu", &real, &eff) == 2)
		*gid = (gid_t)eff;
}

enum view_verdict { VIEW_PRIVATE, VIEW_REACHED, VIEW_FAILED };

/* Whether path, absolute as the task sees it, names in the task's view the host file of the same
 * path, and whether the task may do want (R_OK, W_OK, X_OK) with it. *err is the errno of a
 * refusal for VIEW_FAILED; *on_host whether the host has the path. */
static enum view_verdict view_check(int rootfd, const char *path, bool nofollow, int want, uid_t uid,
				    gid_t gid, int *err, bool *on_host)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	struct stat in, host;
	*err = fd < 0 ? errno : 0;
	*on_host = (nofollow ? lstat(path, &host) : stat(path, &host)) == 0;
	if (fd < 0 || fstat(fd, &in) < 0) {
		*err = *err ? *err : errno;
		return VIEW_FAILED;
	}
	if (!*on_host || in.st_dev != host.st_dev || in.st_ino != host.st_ino)
		return VIEW_PRIVATE;  /* the sandbox's own file (tmpfs home, /tmp...) or another file */
	struct statvfs vfs;
	if ((want & W_OK) && fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		*err = EROFS;
		return VIEW_FAILED;
	}
	if (!learn_may_access(in.st_mode, in.st_uid, in.st_gid, uid, gid, want)) {
		*err = EACCES;
		return VIEW_FAILED;
	}
	return VIEW_REACHED;
}

static struct learned_path *path_entry(struct learner *l, const char *path)
{
	for (size_t i = 0; i < l->run.n_paths; i++)
		if (strcmp(l->run.paths[i].path, path) == 0)
			return &l->run.paths[i];
	struct learned_path *p = ARRAY_PUSH(l->run.paths, l->run.n_paths);
	*p = (struct learned_path){ .path = xstrdup(path) };
	return p;
}

/* Records an open (flags as given to open) or an exec of path, relative to dirfd of task pid. */
static void add_path(struct learner *l, pid_t pid, int dirfd, const char *path, unsigned long long flags,
		     bool exec)
{
	char full[8192 + 2];
	if (path[0] == '/') {
		snprintf(full, sizeof(full), "%s", path);
	} else {
		/* Relative to the cwd or dirfd, as the task sees it (readlink names it in its view). */
		char link[64], dir[4096];
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
		ssize_t n = readlink(link, dir, sizeof(dir) - 1);
		if (n <= 0)
			return;
		dir[n] = '\0';
		if (dir[0] != '/')
			return;
		snprintf(full, sizeof(full), "%s/%s", strcmp(dir, "/") ? dir : "", path);
	}
	if (!learn_path_worth_granting(full))
		return;
	char root[64];
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	_cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	uid_t uid;
	gid_t gid;
	task_ids(pid, &uid, &gid);
	bool write = !exec && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)));
	bool read = !exec && (flags & O_ACCMODE) != O_WRONLY;
	int want = exec ? X_OK : (read ? R_OK : 0) | (write ? W_OK : 0);
	int err = 0;
	bool on_host = false;
	enum view_verdict v = view_check(rootfd, full, (flags & O_NOFOLLOW) != 0, want, uid, gid, &err, &on_host);
	if (v == VIEW_FAILED && err == ENOENT && (flags & O_CREAT)) {
		/* A new file: what must be reached is its directory, for writing. */
		_cleanup_free_ char *parent = xstrdup(full);
		char *slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			return;
		*slash = '\0';
		if (!learn_path_worth_granting(parent))
			return;
		v = view_check(rootfd, parent, false, W_OK | X_OK, uid, gid, &err, &on_host);
		if (v == VIEW_PRIVATE || (v == VIEW_FAILED && !on_host))
			return;
		struct learned_path *p = path_entry(l, v == VIEW_REACHED ? parent : full);
		if (v == VIEW_REACHED) {
			p->write = true;
		} else if (!p->failed) {
			p->failed = err;
			p->failed_write = true;
		}
		return;
	}
	if (v == VIEW_PRIVATE || (v == VIEW_FAILED && !on_host))
		return;  /* not a host path, or tried and absent on the host too: nothing to say */
	struct learned_path *p = path_entry(l, full);
	if (v == VIEW_REACHED) {
		p->read |= read;
		p->write |= write;
		p->exec |= exec;
	} else if (!p->failed) {
		p->failed = err;
		p->failed_write = write;
	}
}

static void add_sockaddr(struct learner *l, int memfd, unsigned long long addr, unsigned long long len,
			 bool bind)
{
	struct sockaddr_storage ss = { 0 };
	if (len > sizeof(ss))
		len = sizeof(ss);
	if (len < sizeof(sa_family_t) || !read_mem(memfd, addr, &ss, (size_t)len))
		return;
	struct learned_net n = { .bind = bind };
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
		n.family = AF_INET;
		memcpy(n.addr, &in->sin_addr, 4);
		n.port = ntohs(in->sin_port);
	} else if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
		n.family = AF_INET6;
		memcpy(n.addr, &in6->sin6_addr, 16);
		n.port = ntohs(in6->sin6_port);
	} else {
		return;  /* unix sockets are files; netlink needs no rule */
	}
	if (n.port == 0)
		return;  /* ephemeral bind, or a probe connect (getaddrinfo's AI_ADDRCONFIG) */
	for (size_t i = 0; i < l->run.n_nets; i++)
		if (l->run.nets[i].bind == n.bind && l->run.nets[i].family == n.family && l->run.nets[i].port == n.port &&
		    (bind || memcmp(l->run.nets[i].addr, n.addr, 16) == 0))
			return;
	*ARRAY_PUSH(l->run.nets, l->run.n_nets) = n;
}

/* The calls record_args reads: with the eBPF recorder, the only ones the filter notifies. */
static const long arg_syscalls[] = {
#ifdef SYS_open
	SYS_open, SYS_creat,
#endif
	SYS_openat, SYS_openat2, SYS_execve, SYS_connect, SYS_sendto, SYS_sendmsg, SYS_bind,
};

/* Records the arguments worth a profile rule: opened paths and inet addresses. */
static void record_args(struct learner *l, const struct seccomp_notif *req, int memfd)
{
	const unsigned long long *a = req->data.args;
	char path[4096];
	switch (req->data.nr) {
#ifdef SYS_open
	case SYS_open:
		if (read_string(memfd, a[0], path, sizeof(path)))
			add_path(l, req->pid, AT_FDCWD, path, a[1], false);
		break;
	case SYS_creat:
		if (read_string(memfd, a[0], path, sizeof(path)))
			add_path(l, req->pid, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, false);
		break;
#endif
	case SYS_openat:
		if (read_string(memfd, a[1], path, sizeof(path)))
			add_path(l, req->pid, (int)a[0], path, a[2], false);
		break;
	case SYS_openat2: {
		unsigned long long how_flags = 0;
		if (read_string(memfd, a[1], path, sizeof(path)) && read_mem(memfd, a[2], &how_flags, 8))
			add_path(l, req->pid, (int)a[0], path, how_flags, false);
		break;
	}
	case SYS_execve:
		if (read_string(memfd, a[0], path, sizeof(path)))
			add_path(l, req->pid, AT_FDCWD, path, 0, true);
		break;
	case SYS_connect:
		add_sockaddr(l, memfd, a[1], a[2], false);
		break;
	case SYS_sendto:
		if (a[4])
			add_sockaddr(l, memfd, a[4], a[5], false);
		break;
	case SYS_sendmsg: {
		struct msghdr mh;
		if (read_mem(memfd, a[1], &mh, sizeof(mh)) && mh.msg_name)
			add_sockaddr(l, memfd, (unsigned long long)(uintptr_t)mh.msg_name, mh.msg_namelen, false);
		break;
	}
	case SYS_bind:
		add_sockaddr(l, memfd, a[1], a[2], true);
		break;
	default:
		break;
	}
}

static void handle(struct learner *l, int listener, struct seccomp_notif *req,
		   struct seccomp_notif_resp *resp, size_t resp_size)
{
	bool is_exec = req->data.nr == SYS_execve || req->data.nr == SYS_execveat;
	bool counts = false;
	if (l->bpf) {
		/* The programs keep the states and count; they run after seccomp, so a SETUP task is
		 * marked the app at this very execve only after we answer: same rule as below. */
		enum learn_task_state st = learn_bpf_state(l->bpf, req->pid);
		counts = req->data.arch == seccomp_arch_native() &&
			 (st == LEARN_APP || (st == LEARN_SETUP && is_exec));
	} else if (req->data.arch != seccomp_arch_native()) {
		l->run.foreign_arch = true;
	} else {
		struct proc *p = classify(l, req->pid);
		if (p->pid != l->launcher && (p->state == PROC_APP || is_exec)) {
			/* The launcher's only exec is sbx's: any other exec is COMMAND's, and from it on,
			 * this process is the app. */
			p->state = PROC_APP;
			if (req->data.nr >= 0 && req->data.nr < LEARN_MAX_NR)
				l->run.used[req->data.nr] = true;
			l->run.calls++;
			counts = true;
		}
	}
	if (counts) {
		char mem[64];
		snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)req->pid);
		int memfd = open(mem, O_RDONLY | O_CLOEXEC);
		if (memfd >= 0) {
			/* What was read is trusted only if the task is still stopped in this call. */
			size_t n_paths = l->run.n_paths, n_nets = l->run.n_nets;
			record_args(l, req, memfd);
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
				/* The pid may have been reused: drop what was just read. */
				while (l->run.n_paths > n_paths)
					free(l->run.paths[--l->run.n_paths].path);
				l->run.n_nets = n_nets;
			}
			close(memfd);
		}
	}
	memset(resp, 0, resp_size);
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the call was interrupted (a signal) or the task died; nothing to do. */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

/* The recording filter: every call goes to the learner, or (eBPF recorder) only arg_syscalls of
 * the native ABI, the rest being allowed. Returns its length. */
#define FILTER_MAX (ARRAY_SIZE(arg_syscalls) + 5)
static size_t recording_filter(struct sock_filter insns[FILTER_MAX], bool notify_all)
{
	size_t n = 0;
	if (notify_all) {
		insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
		return n;
	}
	const unsigned n_args = ARRAY_SIZE(arg_syscalls);
	insns[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	insns[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native(), 0,
						  (unsigned char)(n_args + 1));
	insns[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < n_args; i++)
		insns[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)arg_syscalls[i],
							  (unsigned char)(n_args - i), 0);
	insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	return n;
}

/* The child: waits for the learner's go (a byte: 'A' notify every call, 'E' the eBPF recorder
 * tracks us), installs the recording filter, then execs sbx. */
_Noreturn static void learn_child(char **sbx_argv, int go_fd, int report_fd)
{
	char go = 0;
	if (read(go_fd, &go, 1) != 1 || (go != 'A' && go != 'E'))
		_exit(SBX_EXIT_FAILURE);
	close(go_fd);
	/* The listener fd will be the lowest free one: tell the parent which, before any filter. */
	int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (probe < 0)
		_exit(SBX_EXIT_FAILURE);
	close(probe);
	if (write(report_fd, &probe, sizeof(probe)) != sizeof(probe))
		_exit(SBX_EXIT_FAILURE);
	close(report_fd);
	struct sock_filter insns[FILTER_MAX];
	struct sock_fprog prog = { .len = (unsigned short)recording_filter(insns, go == 'A'), .filter = insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) != probe)
		_exit(SBX_EXIT_FAILURE);
	execv("/proc/self/exe", sbx_argv);
	_exit(SBX_EXIT_CANNOT_EXEC);
}

static int get_listener(pid_t child, int pidfd, int fdnum, struct sbx_error *err)
{
	for (int attempt = 0; attempt < 5000; attempt++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, fdnum, 0);
		if (fd >= 0) {
			char link[64], target[64] = "";
			snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
			ssize_t n = readlink(link, target, sizeof(target) - 1);
			if (n > 0 && strstr(target, "seccomp notify"))
				return fd;
			close(fd);
		} else if (errno != EBADF) {
			return sbx_fail(err, errno, "learn: cannot take the seccomp listener from pid %d",
					(int)child);
		}
		if (waitpid(child, NULL, WNOHANG) == child)
			return sbx_fail(err, 0, "learn: the recording child failed before exec");
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return sbx_fail(err, ETIMEDOUT, "learn: the seccomp listener did not appear");
}

static int supervise(struct learner *l, int listener, int pidfd, struct sbx_error *err)
{
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return sbx_fail(err, errno, "learn: SECCOMP_GET_NOTIF_SIZES");
	_cleanup_free_ struct seccomp_notif *req = xcalloc(1, sizes.seccomp_notif > sizeof(*req)
								 ? sizes.seccomp_notif : sizeof(*req));
	size_t resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
				   ? sizes.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	_cleanup_free_ struct seccomp_notif_resp *resp = xcalloc(1, resp_size);
	for (;;) {
		struct pollfd fds[2] = { { .fd = listener, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return sbx_fail(err, errno, "learn: poll");
		}
		if (fds[0].revents & POLLIN) {
			memset(req, 0, sizes.seccomp_notif);
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
				handle(l, listener, req, resp, resp_size);
			continue;  /* drain before looking at the exit */
		}
		if ((fds[0].revents & (POLLHUP | POLLERR)) || (fds[1].revents & POLLIN))
			return 0;
	}
}

static void learner_free(struct learner *l)
{
	learned_run_free(&l->run);
	free(l->procs);
	learn_bpf_close(l->bpf);
}

static void learn_usage(FILE *out)
{
	fputs("usage: sbx learn [-o FILE] [SBX-OPTIONS...] -- COMMAND [ARG...]\n"
	      "Runs COMMAND in the sandbox SBX-OPTIONS describe (e.g. --profile BASE --net host), records\n"
	      "the syscalls it makes, the host paths it opens and the addresses it connects to, and\n"
	      "writes a profile fragment to FILE (default: standard output).\n", out);
}

int learn_main(int argc, char **argv)
{
	struct sbx_error err = { 0 };
	const char *output = NULL;
	int dashdash = -1;
	char **base = xcalloc((size_t)argc + 1, sizeof(*base));
	size_t n_base = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			learn_usage(stdout);
			free(base);
			return 0;
		}
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
			if (i + 1 >= argc) {
				learn_usage(stderr);
				free(base);
				return SBX_EXIT_FAILURE;
			}
			output = argv[++i];
			continue;
		}
		base[n_base++] = argv[i];
	}
	if (dashdash < 0 || dashdash + 1 >= argc) {
		learn_usage(stderr);
		free(base);
		return SBX_EXIT_FAILURE;
	}
	char **cmd = argv + dashdash + 1;
	/* sbx [base options] -- COMMAND ARGS */
	size_t n_cmd = (size_t)(argc - dashdash - 1);
	char **sbx_argv = xcalloc(n_base + n_cmd + 3, sizeof(*sbx_argv));
	size_t k = 0;
	sbx_argv[k++] = "sbx";
	for (size_t i = 0; i < n_base; i++)
		sbx_argv[k++] = base[i];
	sbx_argv[k++] = "--";
	for (size_t i = 0; i < n_cmd; i++)
		sbx_argv[k++] = cmd[i];

	struct learn_output dest = { .dirfd = -1 };
	if (output && learn_output_open(&dest, output, &err) < 0) {
		sbx_report(&err);
		free(sbx_argv);
		free(base);
		return SBX_EXIT_FAILURE;
	}
	/* The fragment is kept in memory until the sandbox is gone (see learn_output_commit). */
	char *text = NULL;
	size_t text_len = 0;
	FILE *out = output ? open_memstream(&text, &text_len) : stdout;
	if (!out) {
		sbx_fail(&err, errno, "learn: cannot hold the fragment in memory");
		sbx_report(&err);
		learn_output_close(&dest);
		free(sbx_argv);
		free(base);
		return SBX_EXIT_FAILURE;
	}

	struct learner l = { 0 };
	int code = SBX_EXIT_FAILURE;
	_cleanup_close_ int pidfd = -1, listener = -1;
	/* The eBPF recorder is attached before the child exists, so that it sees every fork. */
	char why[256] = "";
	if (learn_bpf_open(&l.bpf, why, sizeof(why)) < 0 && geteuid() == 0)
		fprintf(stderr, "sbx learn: note: the eBPF recorder is not used (%s); the seccomp notifier "
				"records every call instead\n", why);
	int report[2], go[2];
	if (pipe2(report, O_CLOEXEC) < 0) {
		sbx_fail(&err, errno, "learn: pipe");
		goto fail;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		sbx_fail(&err, errno, "learn: pipe");
		close(report[0]);
		close(report[1]);
		goto fail;
	}
	pid_t child = fork();
	if (child < 0) {
		sbx_fail(&err, errno, "learn: fork");
		close(report[0]);
		close(report[1]);
		close(go[0]);
		close(go[1]);
		goto fail;
	}
	if (child == 0) {
		close(report[0]);
		close(go[1]);
		learn_child(sbx_argv, go[0], report[1]);
	}
	close(report[1]);
	close(go[0]);
	l.launcher = child;
	/* The child waits for its go until the recorder tracks it. */
	int track = l.bpf ? learn_bpf_track(l.bpf, child) : 0;
	if (track < 0) {
		fprintf(stderr, "sbx learn: note: the eBPF recorder is not used (cannot track pid %d: %s); the "
				"seccomp notifier records every call instead\n", (int)child, strerror(-track));
		learn_bpf_close(l.bpf);
		l.bpf = NULL;
	}
	char mode = l.bpf ? 'E' : 'A';
	bool started = write(go[1], &mode, 1) == 1;
	close(go[1]);
	int fdnum = -1;
	ssize_t got = started ? read(report[0], &fdnum, sizeof(fdnum)) : -1;
	close(report[0]);
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	int r = got == sizeof(fdnum) && pidfd >= 0 ? 0 : sbx_fail(&err, errno, "learn: cannot start the child");
	if (r == 0)
		r = listener = get_listener(child, pidfd, fdnum, &err);
	if (r >= 0) {
		struct proc *p = ARRAY_PUSH(l.procs, l.n_procs);
		p->pid = child;
		p->state = PROC_LAUNCHER;
		r = supervise(&l, listener, pidfd, &err);
	}
	if (r < 0)
		kill(child, SIGKILL);
	int status = 0;
	waitpid(child, &status, 0);
	if (r < 0)
		goto fail;
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (l.bpf)
		learn_bpf_collect(l.bpf, l.run.used, LEARN_MAX_NR, &l.run.foreign_arch, &l.run.calls, &l.run.lost);
	learn_write_fragment(&l.run, l.bpf != NULL, cmd, base, n_base, out);
	if (fflush(out) != 0) {
		sbx_fail(&err, errno, "learn: writing %s", output ? output : "standard output");
		goto fail;
	}
	if (output && learn_output_commit(&dest, text, text_len, output, &err) < 0)
		goto fail;
	{
		size_t n_used = 0;
		for (int nr = 0; nr < LEARN_MAX_NR; nr++)
			n_used += l.run.used[nr];
		fprintf(stderr, "sbx learn: %zu distinct syscalls, %zu paths, %zu network endpoints recorded "
				"by the %s (COMMAND exited with %d)%s%s\n",
			n_used, l.run.n_paths, l.run.n_nets, learn_recorder_name(l.bpf != NULL), code,
			output ? "; wrote " : "", output ? output : "");
	}
	goto done;
fail:
	sbx_report(&err);
	code = SBX_EXIT_FAILURE;
done:
	if (out != stdout)
		fclose(out);
	free(text);
	learn_output_close(&dest);
	learner_free(&l);
	free(sbx_argv);
	free(base);
	return code;
}
