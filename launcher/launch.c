#include "launch.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "apparmor.h"
#include "bpf.h"
#include "caps.h"
#include "cgroup.h"
#include "discarded.h"
#include "env.h"
#include "init.h"
#include "landlock.h"
#include "mdwe.h"
#include "memfd_guard.h"
#include "plan.h"
#include "rlimits.h"
#include "net.h"
#include "outcome.h"
#include "seccomp.h"
#include "tty.h"
#include "writeback.h"
#include "x11.h"

#define TIMEOUT_GRACE_MS 5000

extern char **environ;

/* The sync socket carries, from sbx: the sandbox's network namespace (net.h), its X cookie (x11.h)
 * and one byte that starts the sandbox (root's pid 1 waits for that byte first; a user's takes the
 * namespace and the cookie after its mounts and the byte last). From pid 1, in order: the roots of
 * the places whose writes are discarded (discarded.c); and, when the setup fails in pid 1 or in
 * COMMAND's process before exec, that error, whole, as the last message (crun's
 * send_error_to_sync_socket). sbx reports it once, in text and in --json, so a setup failure is
 * told apart from COMMAND exiting 125. A discard message starts with a step index, far below the
 * magic. */
#define SYNC_ERROR_MAGIC 0x45584253u /* "SBXE" */
struct sync_error {
	uint32_t magic;
	uint32_t pad;
	struct sbx_error err;
};

/* ---- child side ---- */

/* Sends err to sbx and exits 125. Should the socket be gone (sbx died, or a syscall rule denies
 * sending), says it here: an error is never lost. */
_Noreturn static void setup_failed(int sync_fd, const struct sbx_error *err)
{
	struct sync_error m = { .magic = SYNC_ERROR_MAGIC, .err = *err };
	if (sync_fd < 0 || send(sync_fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		sbx_report(err);
	_exit(SBX_EXIT_FAILURE);
}

/* Closes every descriptor above 2 except those passed with --pass-fd and init's own (`keep`, -1
 * for none), which stay close-on-exec. */
static int close_inherited_fds(const struct policy *p, const int keep[2], struct sbx_error *err)
{
	unsigned from = 3;
	for (;;) {
		unsigned next = ~0u;  /* the next fd to keep at or after `from` */
		bool passed = false;
		for (size_t i = 0; i < p->n_pass_fds; i++)
			if ((unsigned)p->pass_fds[i] >= from && (unsigned)p->pass_fds[i] < next)
				next = (unsigned)p->pass_fds[i], passed = true;
		for (size_t i = 0; i < 2; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i], passed = false;
		if (next > from && syscall(SYS_close_range, from, next == ~0u ? ~0u : next - 1, 0) < 0)
			return sbx_fail(err, errno, "cannot close inherited file descriptors");
		if (next == ~0u)
			return 0;
		/* A passed fd must survive exec. */
		int flags = passed ? fcntl((int)next, F_GETFD) : -1;
		if (flags >= 0)
			fcntl((int)next, F_SETFD, flags & ~FD_CLOEXEC);
		from = next + 1;
	}
}

/* Keeps the caller's directory when the sandbox shows it, else the home directory, else /. */
static int enter_workdir(const struct identity *id, struct sandbox_env *env, struct sbx_error *err)
{
	const char *dir = "/";
	if (id->cwd && chdir(id->cwd) == 0)
		dir = id->cwd;
	else if (chdir(id->home) == 0)
		dir = id->home;
	else if (chdir("/") < 0)
		return sbx_fail(err, errno, "cannot enter a working directory (not even /)");
	env_set(env, "PWD", dir);
	return 0;
}

_Noreturn static void exec_command(const struct policy *p, struct sandbox_env *env, int sync_fd)
{
	/* Limits bind COMMAND and what it starts, not sbx's init (whose allocator they would starve:
	 * an address-space limit leaves an ASan build of init no room). prlimit64 is always allowed. */
	struct sbx_error err = { 0 };
	if (rlimits_apply(p, &err) < 0)
		setup_failed(sync_fd, &err);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	environ = env->vars;
	execvp(p->argv[0], p->argv);
	int e = errno;
	fprintf(stderr, "sbx: %s: %s\n", p->argv[0], e == ENOENT ? "command not found in the sandbox" : strerror(e));
	_exit(e == ENOENT ? SBX_EXIT_NOT_FOUND : SBX_EXIT_CANNOT_EXEC);
}

struct command_start {
	const struct policy *policy;
	struct sandbox_env *env;
	const struct sbx_tty *tty;
	int sync_fd, sigfd, listener;
};

/* COMMAND's process from its start to its exec. It runs in pid 1's memory (see start_command), so
 * it only makes system calls and writes its own stack: nothing pid 1 reads afterwards changes,
 * except environ, which pid 1 no longer uses. */
static int command_main(void *arg)
{
	const struct command_start *s = arg;
	if (s->listener >= 0)
		close(s->listener);  /* close-on-exec already; COMMAND never holds it */
	close(s->sigfd);
	tty_foreground(s->tty);
	exec_command(s->policy, s->env, s->sync_fd);
}

/* Starts COMMAND's process as posix_spawn does: sharing pid 1's memory until its exec (vfork_call)
 * instead of copying pid 1's page tables for a process that replaces them at once. pid 1 is
 * single-threaded and handles no signal, so nothing else runs in that memory meanwhile. */
static pid_t start_command(struct command_start *s)
{
	/* The child's stack holds execvp's buffers: one path (PATH's length plus the name) and, for a
	 * script, argv again. */
	const char *path = env_get(s->env, "PATH");
	size_t size = 256 * 1024 + (path ? strlen(path) : 0) + strlen(s->policy->argv[0]) +
		      (s->policy->argc + 2) * sizeof(char *);
	return vfork_call(command_main, s, size, 0);
}

/* Everything the sandbox's pid 1 does before it forks COMMAND, in the fixed order. */
static int child_setup(struct sandbox_plan *pl, struct sandbox_env *env, int sync_fd, int keep_fd,
		       int *listener, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	struct mount_plan *plan = &pl->view;
	int r = userns_become(id, err);
	if (r < 0)
		return r;
	/* Changing uid (root runs) clears the parent-death signal: arm it again, then make sure sbx
	 * did not die in between (it holds the other end of the sync socket until the sandbox ends). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return sbx_fail(err, errno, "cannot set the parent-death signal");
	struct pollfd alive = { .fd = sync_fd, .events = POLLIN };
	if (poll(&alive, 1, 0) > 0 && (alive.revents & (POLLHUP | POLLERR)))
		_exit(SBX_EXIT_FAILURE);
	struct view view = { 0 };
	r = mount_plan_apply(plan, id, &view, err);
	/* Before Landlock, seccomp and COMMAND: the private home and /tmp, for the report at exit. */
	if (r == 0)
		r = discard_send(sync_fd, plan, err);
	/* Made by sbx meanwhile (net.h, and the X cookie: x11.h); before anything else depends on them. */
	if (r == 0 && p->net == NET_NONE)
		r = net_join(sync_fd, err);
	if (r == 0 && pl->x11.late)
		r = x11_take_cookie(sync_fd, pl, err);
	const char *hostname = p->hostname ? p->hostname : "sbx";
	if (r == 0 && sethostname(hostname, strlen(hostname)) < 0)
		r = sbx_fail(err, errno, "cannot set the hostname");
	if (r == 0 && plan->limit_nesting)
		r = userns_lock_nesting(id, err);
	if (r == 0)
		r = apparmor_apply(pl, err);
	if (r == 0)
		r = enter_workdir(id, env, err);
	if (r == 0)
		r = close_inherited_fds(p, (const int[2]){ keep_fd, sync_fd }, err);
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r = sbx_fail(err, errno, "cannot set no_new_privs");
	if (r == 0)
		r = landlock_apply(pl, &view, err);
	view_free(&view);
	if (r == 0)
		r = caps_drop_all(err);
	if (r == 0 && pl->memfd_guard == MEMFD_GUARD_ON)
		r = memfd_guard_prepare(err);
	/* seccomp comes last, in pid 1 so that init runs under it too: after it only fork, the init
	 * loop and the exec of COMMAND remain. */
	if (r == 0)
		r = mdwe_apply(p, err);
	if (r == 0)
		r = seccomp_apply(pl, listener, err);
	return r;
}

/* One byte from sbx: the maps are written (root's runs), or go: the terminal is ready, the eBPF
 * programs are attached and the network namespace handed over. */
static void wait_for_sbx(int sync_fd)
{
	char byte;
	if (read(sync_fd, &byte, 1) != 1)
		_exit(SBX_EXIT_FAILURE);  /* the parent failed (and said why) or died */
}

_Noreturn static void child_main(struct sandbox_plan *pl, struct sandbox_env *env, const struct sbx_tty *tty,
				 int sync_fd)
{
	struct sbx_error err = { 0 };
	/* sbx's death, even by SIGKILL, takes pid 1 and so the whole pid namespace with it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(SBX_EXIT_FAILURE);
	/* A user's run maps itself; root's waits for the maps sbx writes. Either way pid 1 sets up
	 * while sbx readies the terminal and attaches the eBPF programs, and COMMAND starts only once
	 * sbx said go. */
	bool self_mapped = userns_maps_itself(pl->id);
	if (!self_mapped)
		wait_for_sbx(sync_fd);
	init_hide_arguments();

	int listener = -1;
	if ((self_mapped && userns_map_self(pl->id, &err) < 0) || tty_attach(tty, &err) < 0 ||
	    child_setup(pl, env, sync_fd, tty->stop_peer, &listener, &err) < 0)
		setup_failed(sync_fd, &err);
	wait_for_sbx(sync_fd);
	/* sync_fd stays open (close-on-exec) for COMMAND's process to report a failure before its exec;
	 * pid 1 never writes to it again. */
	/* COMMAND must not be able to open /proc/1/mem or take init's descriptors; exec makes it
	 * dumpable again for itself. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		setup_failed(sync_fd, (sbx_fail(&err, errno, "cannot make the sandbox's init undumpable"), &err));
	/* Before the fork, so that init misses no signal and a failure is still the setup's. */
	int sigfd = init_signals(tty->stop_peer, &err);
	if (sigfd < 0)
		setup_failed(sync_fd, &err);
	struct command_start start = { pl->policy, env, tty, sync_fd, sigfd, listener };
	pid_t command = start_command(&start);
	if (command < 0)
		setup_failed(sync_fd, (sbx_fail(&err, errno, "cannot start the command (fork)"), &err));
	close(sync_fd);
	/* pid 1 lives as long as the sandbox and needs none of the setup's memory: hand back the freed
	 * pages (about a third of its heap; see the scale run of make bench). */
	malloc_trim(0);
	init_run(sigfd, command, tty->stop_peer, listener);
}

/* ---- parent side ---- */

static int clone_error(int e, struct sbx_error *err)
{
	sbx_fail(err, e, "cannot create the sandbox's namespaces");
	if (e == EPERM)
		sbx_hint(err, "unprivileged user namespaces are disabled: check user.max_user_namespaces, "
			      "kernel.unprivileged_userns_clone (Debian) and, on Ubuntu, "
			      "kernel.apparmor_restrict_unprivileged_userns with sbx's AppArmor profile");
	else if (e == ENOSPC || e == EUSERS)
		sbx_hint(err, "the user namespace limit is reached: user.max_user_namespaces is too low, or sbx "
			      "runs inside a sandbox that forbids nested namespaces");
	return -e;
}

/* Whether the next message on the sync socket is pid 1's setup error (left there). */
static bool next_is_setup_error(int sock)
{
	struct sync_error m;
	ssize_t n = recv(sock, &m, sizeof(m), MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	/* pid 1 failed before it read what sbx sent: closing with it unread makes the socket report
	 * ECONNRESET once, ahead of the messages that are still there. */
	if (n < 0 && errno == ECONNRESET)
		n = recv(sock, &m, sizeof(m), MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC);
	return n == (ssize_t)sizeof(m) && m.magic == SYNC_ERROR_MAGIC;
}

/* Takes the setup error from the sync socket when it is the next message there. */
static bool take_setup_error(int sock, struct sbx_error *err)
{
	struct sync_error m;
	if (!next_is_setup_error(sock) || recv(sock, &m, sizeof(m), MSG_DONTWAIT) != (ssize_t)sizeof(m))
		return false;
	*err = m.err;
	err->msg[sizeof(err->msg) - 1] = err->hint[sizeof(err->hint) - 1] = '\0';
	sbx_error_prefix(err, "setup");
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void send_signal(int pidfd, int sig)
{
	syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Waits for pid 1, forwarding signals sent to sbx and enforcing the timeout; with a pty, relays
 * it meanwhile (sigfd then delivers the signals). */
static int wait_sandbox(const struct policy *p, pid_t child, int pidfd, struct sbx_tty *tty, int sigfd,
			struct sandbox_outcome *out)
{
	sigset_t set;
	init_forwarded_signals(&set);
	sigaddset(&set, SIGCHLD);
	long long deadline = p->timeout_ms ? now_ms() + (long long)p->timeout_ms : 0;
	for (;;) {
		int status;
		pid_t r = waitpid(child, &status, WNOHANG);
		if (r == child) {
			out->exit_code = init_exit_code(status);
			if (out->exit_code > 128 && out->exit_code < 128 + 65)
				out->signal = out->exit_code - 128;
			return out->exit_code;
		}
		long long left = deadline ? deadline - now_ms() : 3600 * 1000;
		if (left < 0)
			left = 0;
		int sig = -1;
		if (tty->master >= 0) {
			struct signalfd_siginfo si;
			int ready = tty_relay(tty, sigfd, (int)left);
			if (ready & TTY_STOPPED) {
				tty_suspend(tty);
				send_signal(pidfd, SIGCONT);
			}
			if (ready & TTY_SIGNAL && read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				sig = (int)si.ssi_signo;
		} else {
			siginfo_t si;
			struct timespec ts = { .tv_sec = left / 1000, .tv_nsec = (left % 1000) * 1000000 };
			sig = sigtimedwait(&set, &si, &ts);
		}
		if (sig < 0 && deadline && now_ms() >= deadline) {
			if (!out->timed_out) {
				out->timed_out = true;
				send_signal(pidfd, SIGTERM);
				deadline = now_ms() + TIMEOUT_GRACE_MS;
			} else {
				send_signal(pidfd, SIGKILL);
				deadline = 0;
			}
			continue;
		}
		/* The sandbox is in a session of its own: signals from the caller's terminal (Ctrl-C
		 * when it is not in raw mode, a hangup) reach only sbx, which passes them on. A resize
		 * goes to the pty, whose kernel side signals the sandbox's foreground. */
		if (sig == SIGWINCH && tty->master >= 0)
			tty_resize(tty);
		else if (sig > 0 && sig != SIGCHLD)
			send_signal(pidfd, sig);
	}
}

/* How the sandbox ended, on stderr, then what it discarded; with --json the sbx-status line, last. */
static void report(const struct policy *p, const struct identity *id, const struct sandbox_outcome *o)
{
	outcome_report(p, o, stderr);
	if (o->discarded)
		discarded_report(o->discarded, id, p->argv[0], p->quiet, stderr);
	if (p->json_status) {
		fputs("sbx-status: ", stderr);
		outcome_report_json(p, o, stderr);
		fputc('\n', stderr);
	}
}

/* One byte to pid 1 (wait_for_sbx). pid 1 may have failed already: then the wait collects its
 * error. */
static int send_to_sandbox(int sock, char byte, struct sbx_error *err)
{
	if (send(sock, &byte, 1, MSG_NOSIGNAL) != 1 && errno != EPIPE && errno != ECONNRESET)
		return sbx_fail(err, errno, "cannot start the sandbox");
	return 0;
}

/* Readies the terminal and sends the go byte. */
static int start_sandbox(int sock, struct sbx_tty *tty, struct sbx_error *err)
{
	int r = tty_start(tty, err);
	return r == 0 ? send_to_sandbox(sock, 'x', err) : r;
}

static int hand_over_network(int sock, int pidfd, struct sbx_error *err)
{
	int netns;
	int r = net_create(pidfd, &netns, err);
	if (r == -ESRCH)
		return 0;  /* pid 1 failed already: the wait collects its error, as for the go byte */
	if (r == 0) {
		r = net_send(sock, netns, err);
		close(netns);
	}
	return r;
}

/* pid 1 sends the fds of its private home and /tmp once its mounts are done, and needs the go byte
 * only later: sbx takes them in between rather than at the end (discard_receive says why). A setup
 * error stays for the report. Meanwhile signals go on to pid 1 as wait_sandbox passes them; with
 * --timeout, a pid 1 still in its setup at the deadline leaves them to the end. */
static void take_discard_roots(int sock, int pidfd, const struct policy *p, const sigset_t *forwarded,
			       struct discard_roots *roots)
{
	_cleanup_close_ int sigfd = signalfd(-1, forwarded, SFD_CLOEXEC | SFD_NONBLOCK);
	struct pollfd ready[2] = { { .fd = sock, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
	int timeout = p->timeout_ms && p->timeout_ms < INT_MAX ? (int)p->timeout_ms : -1;
	while (poll(ready, sigfd >= 0 ? 2 : 1, timeout) > 0 && !ready[0].revents) {
		struct signalfd_siginfo si;
		if (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && si.ssi_signo != SIGCHLD &&
		    si.ssi_signo != SIGWINCH)
			send_signal(pidfd, (int)si.ssi_signo);
	}
	if (ready[0].revents && !next_is_setup_error(sock))
		discard_receive(sock, roots);
}

/* Makes the sandbox, waits for it and reports how it ended; -errno when sbx could not make it. */
static int create_and_wait(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	struct mount_plan *plan = &pl->view;
	/* Root's supplementary groups would follow the command into the sandbox. */
	if (id->outer_uid == 0 && setgroups(0, NULL) < 0)
		return sbx_fail(err, errno, "cannot drop supplementary groups");

	struct sandbox_cgroup *cg = &pl->cgroup;  /* made by cgroup_plan; emptied and removed here */
	struct bpf_state *bpf = NULL;  /* attached while pid 1 sets up, before the go */

	/* Opened before the sandbox exists, so that nothing it does can redirect it. */
	struct discarded discarded = { 0 };
	_cleanup_close_ int keep_fd = -1;
	int r = 0;
	if (p->keep_discarded) {
		r = discard_keep_open(p->keep_discarded, id->cwd ? id->cwd : "/", plan, &discarded, &keep_fd, err);
		if (r < 0)
			return r;
	}

	struct sandbox_env env = { 0 };
	env_build(&env, environ, p, pl->env, pl->n_env, id->home, id->runtime_dir);

	sigset_t blocked, saved;
	init_forwarded_signals(&blocked);
	sigaddset(&blocked, SIGCHLD);
	sigprocmask(SIG_BLOCK, &blocked, &saved);

	/* A terminal on a standard fd: the sandbox gets a pty of its own, which /dev/console shows. */
	struct sbx_tty tty;
	_cleanup_close_ int sigfd = -1;
	r = tty_setup(&tty, err);
	if (r == 0 && tty.master >= 0) {
		mount_plan_set_console(plan, tty.slave_path);
		sigfd = signalfd(-1, &blocked, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sigfd < 0)
			r = sbx_fail(err, errno, "signalfd");
	}
	if (r < 0)
		goto out;

	/* A Unix socket rather than a pipe: sbx starts the sandbox with one byte, and pid 1 answers with
	 * the fds of its private home and /tmp (discarded.h), which sbx reads once the sandbox ended. */
	int sync[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0) {
		r = sbx_fail(err, errno, "socketpair");
		goto out;
	}
	int pidfd = -1;
	struct clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
			 CLONE_NEWCGROUP | CLONE_PIDFD |
			 (cg->dirfd >= 0 ? CLONE_INTO_CGROUP : 0),
		.pidfd = (unsigned long long)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = cg->dirfd >= 0 ? (unsigned long long)cg->dirfd : 0,
	};
	pid_t child = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (child < 0) {
		r = clone_error(errno, err);
		close(sync[0]);
		close(sync[1]);
		goto out;
	}
	if (child == 0) {
		close(sync[1]);
		child_main(pl, &env, &tty, sync[0]);
	}
	close(sync[0]);
	/* Root's pid 1 waits for the maps sbx writes (one byte says they are there); a user's maps
	 * itself. Then pid 1 sets up its mounts while sbx attaches the eBPF programs to the sandbox's
	 * cgroup and makes the network namespace and the X cookie, which pid 1 takes after its mounts;
	 * the go byte comes last, so COMMAND runs under the programs from its first instruction. */
	if (!userns_maps_itself(id)) {
		r = userns_write_maps(child, id, err);
		if (r == 0)
			r = send_to_sandbox(sync[1], 'm', err);
	}
	if (r == 0)
		r = bpf_policy_attach(pl, cg->dirfd, &bpf, err);
	if (r == 0 && p->net == NET_NONE)
		r = hand_over_network(sync[1], pidfd, err);
	if (r == 0 && pl->x11.late)
		r = x11_send_cookie(sync[1], pl, err);
	struct discard_roots roots = { 0 };
	if (r == 0)
		take_discard_roots(sync[1], pidfd, p, &blocked, &roots);
	if (r == 0)
		r = start_sandbox(sync[1], &tty, err);
	if (r < 0) {
		send_signal(pidfd, SIGKILL);
		waitpid(child, NULL, 0);
	} else {
		struct sandbox_outcome outcome = { 0 };
		r = wait_sandbox(p, child, pidfd, &tty, sigfd, &outcome);
		/* Everything the sandbox wrote is out before sbx's own report, on a restored terminal. */
		tty_finish(&tty);
		cgroup_collect(cg, &outcome);
		/* The error, when there is one, is the last message: after the discard message or alone. */
		struct sbx_error setup_err;
		bool failed = take_setup_error(sync[1], &setup_err);
		if (!failed) {
			discard_collect(sync[1], plan, &roots, &discarded);
			writeback_finish(plan, &discarded, id, p->quiet, stderr);
			failed = take_setup_error(sync[1], &setup_err);
		}
		if (failed)
			outcome.setup_error = &setup_err;
		if (keep_fd >= 0)
			discard_keep(&discarded, keep_fd);
		outcome.discarded = &discarded;
		report(p, id, &outcome);
	}
	close(pidfd);
	close(sync[1]);
out:
	tty_finish(&tty);
	bpf_policy_detach(bpf);
	/* Now, not at plan_free: what is left in it dies with the sandbox, before sbx goes on. */
	cgroup_teardown(cg);
	env_free(&env);
	discarded_free(&discarded);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return r;
}

int sandbox_run(struct sandbox_plan *pl, struct sbx_error *err)
{
	int r = create_and_wait(pl, err);
	if (r >= 0)
		return r;
	/* sbx itself could not make the sandbox: reported as pid 1's failures are, stage "setup". */
	report(pl->policy, pl->id, &(struct sandbox_outcome){ .exit_code = SBX_EXIT_FAILURE, .setup_error = err });
	return SBX_EXIT_FAILURE;
}
