/* Signal probe for the Landlock tests: sends one signal and prints "OK" or the errno name on
 * stdout. Exit 0 when the probe ran, 1 on a setup failure, 2 on a usage error.
 *   probe-signal kill PID SIG               kill(PID, SIG)
 *   probe-signal kill-file PATH SIG [TAG]   wait (up to 20 s) for PATH to hold a pid, then kill it;
 *                                           TAG is ignored (lets a test find this process)
 *   probe-signal pidfd FD SIG               pidfd_send_signal(FD, SIG)
 *   probe-signal child SIG                  fork a child here and signal it (same domain) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int report(int r)
{
	if (r == 0)
		puts("OK");
	else
		puts(strerrorname_np(errno) ? strerrorname_np(errno) : "EUNKNOWN");
	fflush(stdout);
	return 0;
}

static pid_t wait_for_pid(const char *path)
{
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		long pid = 0;
		if (f) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0)
			return (pid_t)pid;
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: probe-signal kill PID SIG | kill-file PATH SIG [TAG] | "
				"pidfd FD SIG | child SIG\n");
		return 2;
	}
	const char *op = argv[1];
	if (strcmp(op, "kill") == 0 && argc == 4)
		return report(kill((pid_t)atoi(argv[2]), atoi(argv[3])));
	if (strcmp(op, "kill-file") == 0 && argc >= 4) {
		pid_t pid = wait_for_pid(argv[2]);
		if (pid < 0) {
			fprintf(stderr, "probe-signal: no pid in %s\n", argv[2]);
			return 1;
		}
		return report(kill(pid, atoi(argv[3])));
	}
	if (strcmp(op, "pidfd") == 0 && argc == 4)
		return report((int)syscall(SYS_pidfd_send_signal, atoi(argv[2]), atoi(argv[3]), NULL, 0));
	if (strcmp(op, "child") == 0 && argc == 3) {
		pid_t kid = fork();
		if (kid < 0)
			return 1;
		if (kid == 0) {
			pause();
			_exit(0);
		}
		int r = report(kill(kid, atoi(argv[2])));
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
		return r;
	}
	fprintf(stderr, "probe-signal: bad arguments\n");
	return 2;
}
