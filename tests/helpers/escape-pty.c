/* escape-pty: runs a command on a fresh pseudo-terminal that is its controlling terminal (as a
 * shell in a terminal emulator would), then reports whether anything was pushed into that
 * terminal's input queue, i.e. whether a TIOCSTI injection from inside a sandbox would have been
 * read and executed by the shell that started it (CVE-2017-5226).
 *
 *   escape-pty MARKER COMMAND [ARG...]
 *
 * The command's terminal output is copied to stdout. The last line is "INJECTED yes" when MARKER
 * was found in the input queue after the command ended, else "INJECTED no". Exit status: the
 * command's (128+N if killed by signal N), 2 on a setup error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void copy_output(int master)
{
	char buf[4096];
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0 || !(p.revents & POLLIN))
			return;
		ssize_t n = read(master, buf, sizeof(buf));
		if (n <= 0)
			return;
		fwrite(buf, 1, (size_t)n, stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: escape-pty MARKER COMMAND [ARG...]\n");
		return 2;
	}
	const char *marker = argv[1];
	int master, slave;
	struct termios raw;
	if (openpty(&master, &slave, NULL, NULL, NULL) < 0) {
		perror("escape-pty: openpty");
		return 2;
	}
	/* raw mode: injected bytes are readable at once and are not echoed back */
	tcgetattr(slave, &raw);
	cfmakeraw(&raw);
	tcsetattr(slave, TCSANOW, &raw);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("escape-pty: fork");
		return 2;
	}
	if (pid == 0) {
		setsid();
		if (ioctl(slave, TIOCSCTTY, 0) < 0) {
			perror("escape-pty: TIOCSCTTY");
			_exit(2);
		}
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		close(master);
		execvp(argv[2], argv + 2);
		perror("escape-pty: exec");
		_exit(127);
	}
	int status;
	for (;;) {
		copy_output(master);
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("escape-pty: waitpid");
			return 2;
		}
	}
	copy_output(master);
	/* Whatever is now queued on the terminal's input side would be the shell's next command. */
	fcntl(slave, F_SETFL, O_NONBLOCK);
	char queued[4096];
	ssize_t n = read(slave, queued, sizeof(queued) - 1);
	queued[n > 0 ? n : 0] = '\0';
	printf("\nINJECTED %s\n", n > 0 && strstr(queued, marker) ? "yes" : "no");
	if (n > 0)
		printf("QUEUED %zd bytes\n", n);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
