/* ptyrun: runs a command on a fresh pty (its controlling terminal, default modes, as in a terminal
 * emulator) and times what a person at that terminal would see (make bench, tests/bench/run.sh).
 *
 *   ptyrun drain -- COMMAND...
 *       Reads the terminal's output as fast as it comes until COMMAND exits and its output
 *       ends; prints "drain BYTES SECONDS".
 *   ptyrun echo ROUNDS -- COMMAND...
 *       Waits until a typed byte is echoed back (COMMAND is up), then ROUNDS times types one byte
 *       and waits for its echo; prints "echo ROUNDS MEAN_US MEDIAN_US P99_US". COMMAND should
 *       leave the echo to the terminal (e.g. `cat >/dev/null`); it is killed at the end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t start(int *master, char **cmd)
{
	int slave;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	if (openpty(master, &slave, NULL, NULL, &ws) < 0) {
		perror("ptyrun: openpty");
		exit(2);
	}
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(slave);
		close(*master);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(slave);
	return pid;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Waits up to ms for one byte from the master; false on timeout or end. */
static int read_one(int master, int ms)
{
	struct pollfd p = { master, POLLIN, 0 };
	char c;
	return poll(&p, 1, ms) == 1 && read(master, &c, 1) == 1;
}

int main(int argc, char **argv)
{
	int dash = 1;
	while (dash < argc && strcmp(argv[dash], "--") != 0)
		dash++;
	if (argc < 3 || dash + 1 >= argc) {
		fprintf(stderr, "usage: ptyrun drain -- COMMAND... | ptyrun echo ROUNDS -- COMMAND...\n");
		return 2;
	}
	int master;
	if (strcmp(argv[1], "drain") == 0) {
		double t0 = now();
		pid_t pid = start(&master, argv + dash + 1);
		static char buf[1 << 16];
		long long total = 0;
		for (;;) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n > 0) {
				total += n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			break;  /* EIO: every holder of the slave is gone */
		}
		int status;
		waitpid(pid, &status, 0);
		printf("drain %lld %.6f\n", total, now() - t0);
		return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "echo") == 0 && dash == 3) {
		long rounds = strtol(argv[2], NULL, 10);
		pid_t pid = start(&master, argv + dash + 1);
		/* Until the command is up and the terminal echoes (sbx's start-up, once). */
		int up = 0;
		for (int i = 0; i < 100 && !up; i++) {
			if (write(master, "x", 1) != 1)
				break;
			up = read_one(master, 100);
		}
		while (read_one(master, 200))
			;  /* echoes of the retries */
		double *t = calloc((size_t)rounds, sizeof(double));
		int ok = up && t;
		for (long i = 0; ok && i < rounds; i++) {
			double t0 = now();
			ok = write(master, "x", 1) == 1 && read_one(master, 5000);
			if (ok)
				t[i] = (now() - t0) * 1e6;
		}
		kill(pid, SIGTERM);  /* sbx passes it on and restores the terminal */
		waitpid(pid, NULL, 0);
		if (!ok) {
			fprintf(stderr, "ptyrun: no echo from the terminal\n");
			return 1;
		}
		double sum = 0;
		for (long i = 0; i < rounds; i++)
			sum += t[i];
		qsort(t, (size_t)rounds, sizeof(double), cmp_double);
		printf("echo %ld %.1f %.1f %.1f\n", rounds, sum / (double)rounds, t[rounds / 2],
		       t[rounds * 99 / 100]);
		free(t);
		return 0;
	}
	fprintf(stderr, "ptyrun: unknown mode %s\n", argv[1]);
	return 2;
}
