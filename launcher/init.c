#include "init.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memfd_guard.h"
#include "util.h"

void init_forwarded_signals(sigset_t *set)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

int init_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}

static char *args_start, *args_end;

void init_remember_arguments(int argc, char **argv)
{
	/* The kernel lays the arguments out back to back from argv[0]: the area /proc/PID/cmdline
	 * shows. Taken here, so that pid 1 need not read /proc/self/stat for it. */
	if (argc < 1)
		return;
	args_start = argv[0];
	args_end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
}

void init_hide_arguments(void)
{
	static const char name[] = "sbx-init";
	if (!args_start || args_end <= args_start)
		return;
	memset(args_start, 0, (size_t)(args_end - args_start));
	if ((size_t)(args_end - args_start) >= sizeof(name))
		memcpy(args_start, name, sizeof(name));
}

/* One signal from the signalfd: SIGCONT, a forwarded one, or SIGCHLD (then reaps). */
static void handle_signal(const struct signalfd_siginfo *si, pid_t command, int stop_fd)
{
	int sig = (int)si->ssi_signo;
	if (sig == SIGCONT) {
		/* From sbx (outside the namespace, so no pid here), back in the foreground: the
		 * process group Ctrl-Z stopped. */
		pid_t group = getpgid(command);
		if (si->ssi_code == SI_USER && si->ssi_pid == 0 && group > 0)
			kill(-group, SIGCONT);
		return;
	}
	if (sig != SIGCHLD) {
		/* Terminal-generated signals (SI_KERNEL) already reached COMMAND, which is in the
		 * foreground process group; only those sent by a process are passed on. */
		if (si->ssi_code != SI_KERNEL)
			kill(command, sig);
		return;
	}
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG | (stop_fd >= 0 ? WUNTRACED : 0));
		if (pid <= 0)
			break;
		if (pid == command && WIFSTOPPED(status)) {
			if (write(stop_fd, "z", 1) < 0)
				kill(command, SIGCONT);  /* sbx cannot stop with it: do not hang */
		} else if (pid == command) {
			_exit(init_exit_code(status));
		}
	}
}

int init_signals(int stop_fd, struct sbx_error *err)
{
	sigset_t set;
	init_forwarded_signals(&set);
	sigaddset(&set, SIGCHLD);
	if (stop_fd >= 0)
		sigaddset(&set, SIGCONT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sigfd < 0)
		return sbx_fail(err, errno, "init: cannot receive signals (signalfd)");
	return sigfd;
}

_Noreturn void init_run(int sigfd, pid_t command, int stop_fd, int listener)
{
	struct pollfd fds[2] = { { .fd = sigfd, .events = POLLIN }, { .fd = listener, .events = POLLIN } };
	for (;;) {
		if (poll(fds, listener >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (fds[1].revents & POLLIN)
			memfd_guard_serve(listener);
		else if (fds[1].revents & (POLLHUP | POLLERR | POLLNVAL))
			fds[1].fd = -1;  /* nothing can notify any more: stop polling it */
		struct signalfd_siginfo si;
		if ((fds[0].revents & POLLIN) && read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			handle_signal(&si, command, stop_fd);
	}
}
