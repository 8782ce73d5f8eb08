#include "init.h"

#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

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

_Noreturn void init_run(pid_t command)
{
	sigset_t set;
	init_forwarded_signals(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig != SIGCHLD) {
			/* Terminal-generated signals (SI_KERNEL) already reached COMMAND, which shares the
			 * foreground process group; only those sent by a process are passed on. */
			if (si.si_code != SI_KERNEL)
				kill(command, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t pid = waitpid(-1, &status, WNOHANG);
			if (pid <= 0)
				break;
			if (pid == command)
				_exit(init_exit_code(status));
		}
	}
}
