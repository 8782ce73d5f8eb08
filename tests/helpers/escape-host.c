/* escape-host: host-side helpers for the escape suite (they run outside any sandbox).
 *
 *   escape-host hold-fds FILE DIR -- COMMAND [ARG...]
 *       opens, without O_CLOEXEC, fd 5 = FILE read-write, fd 6 = DIR (O_RDONLY), fd 7 = DIR
 *       (O_PATH), fd 8 = "/" (O_PATH), fd 9 and 10 = a socketpair, fd 11 and 12 = a pipe, then
 *       execs COMMAND: the sandbox launcher must not let any of them into the sandbox.
 *   escape-host flip PATH OTHER SECONDS
 *       swaps PATH and OTHER atomically (renameat2 RENAME_EXCHANGE) as fast as it can for SECONDS,
 *       then leaves them as they were; prints the number of swaps. Used to turn a bind source into
 *       a symlink and back while sbx opens it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int place(int fd, int want)
{
	if (fd < 0)
		return -1;
	if (fd != want) {
		if (dup2(fd, want) < 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int hold_fds(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[4], "--") != 0 || argc < 6) {
		fprintf(stderr, "usage: escape-host hold-fds FILE DIR -- COMMAND [ARG...]\n");
		return 2;
	}
	int sp[2], pp[2];
	if (place(open(argv[2], O_RDWR), 5) < 0 || place(open(argv[3], O_RDONLY | O_DIRECTORY), 6) < 0 ||
	    place(open(argv[3], O_PATH | O_DIRECTORY), 7) < 0 || place(open("/", O_PATH | O_DIRECTORY), 8) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0 || pipe(pp) < 0) {
		perror("escape-host: hold-fds");
		return 2;
	}
	/* move the pair and the pipe above the fixed numbers, then into place */
	int a = fcntl(sp[0], F_DUPFD, 20), b = fcntl(sp[1], F_DUPFD, 20);
	int c = fcntl(pp[0], F_DUPFD, 20), d = fcntl(pp[1], F_DUPFD, 20);
	close(sp[0]), close(sp[1]), close(pp[0]), close(pp[1]);
	if (place(a, 9) < 0 || place(b, 10) < 0 || place(c, 11) < 0 || place(d, 12) < 0) {
		perror("escape-host: hold-fds");
		return 2;
	}
	execvp(argv[5], argv + 5);
	perror("escape-host: exec");
	return 127;
}

static int flip(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: escape-host flip PATH OTHER SECONDS\n");
		return 2;
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	double limit = atof(argv[4]);
	unsigned long swaps = 0;
	do {
		if (renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], RENAME_EXCHANGE) < 0) {
			perror("escape-host: renameat2");
			return 2;
		}
		swaps++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 < limit);
	if (swaps % 2 && renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], RENAME_EXCHANGE) == 0)
		swaps++;
	printf("%lu swaps\n", swaps);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "hold-fds"))
		return hold_fds(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "flip"))
		return flip(argc, argv);
	fprintf(stderr, "usage: escape-host hold-fds FILE DIR -- COMMAND... | flip PATH OTHER SECONDS\n");
	return 2;
}
