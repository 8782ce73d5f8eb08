/* escape-pty: runs a command on a fresh pseudo-terminal that is its controlling terminal (as a
 * shell in a terminal emulator would), then reports whether anything was pushed into that
 * terminal's input queue, i.e. whether a TIOCSTI injection from inside a sandbox would have been
 * read and executed by the shell that started it (CVE-2017-5226), and whether the command left
 * the terminal changed for the shell (line discipline, exclusive mode, termios).
 *
 *   escape-pty [-c] [-w ROWSxCOLS] [STEP...] MARKER COMMAND [ARG...]
 *
 *   -c             cooked: the terminal keeps the kernel's default modes (line editing, echo,
 *                  Ctrl-C/Ctrl-Z signals) instead of raw mode
 *   -w ROWSxCOLS   the terminal's window size at the start
 *   STEP, run in order once the command has started, as a person at the terminal would:
 *   -e TEXT        wait (at most 20 s) until the output so far holds TEXT
 *   -s TEXT        type TEXT (C escapes: \n \r \t \\ \xHH)
 *   -r ROWSxCOLS   resize the terminal (the kernel sends SIGWINCH to its foreground)
 *
 * The command's terminal output is copied to stdout. Then come, each on a line of its own:
 * "INJECTED yes|no" (MARKER found in the input queue after the command ended), "QUEUED N bytes"
 * when something was queued, "TERMIOS same|changed", "LDISC N" (TIOCGETD), "EXCL 0|1"
 * (TIOCGEXCL), "REOPEN ok|ERRNO" (opening the terminal again by its path), "STEP-TIMEOUT TEXT" for
 * a -e that timed out. Exit status: the command's (128+N if killed by signal N), 2 on a setup
 * error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char *seen;  /* everything the command wrote, for -e */
static size_t seen_len;

static void copy_output(int master, int quiet_ms)
{
	char buf[4096];
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, quiet_ms) <= 0 || !(p.revents & POLLIN))
			return;
		ssize_t n = read(master, buf, sizeof(buf));
		if (n <= 0)
			return;
		fwrite(buf, 1, (size_t)n, stdout);
		seen = realloc(seen, seen_len + (size_t)n + 1);
		if (!seen)
			abort();
		memcpy(seen + seen_len, buf, (size_t)n);
		seen_len += (size_t)n;
		seen[seen_len] = '\0';
	}
}

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;
	for (const char *c = in; *c; c++) {
		if (*c != '\\' || !c[1]) {
			out[n++] = *c;
			continue;
		}
		c++;
		switch (*c) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'x': {
			char hex[3] = { c[1], c[1] ? c[2] : 0, 0 };
			out[n++] = (char)strtoul(hex, NULL, 16);
			c += strlen(hex);
			break;
		}
		default: out[n++] = *c;
		}
	}
	return n;
}

static int parse_size(const char *s, struct winsize *ws)
{
	unsigned rows, cols;
	if (sscanf(s, "%ux%u", &rows, &cols) != 2)
		return -1;
	*ws = (struct winsize){ .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
	       a->c_lflag == b->c_lflag && memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0 &&
	       cfgetispeed(a) == cfgetispeed(b) && cfgetospeed(a) == cfgetospeed(b);
}

static bool running(pid_t pid)
{
	siginfo_t si = { 0 };
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == 0;
}

/* Runs the steps among the options argv[1, last) against the running command. */
static void run_steps(int master, pid_t pid, char **argv, int last)
{
	for (int i = 1; i < last; i++) {
		const char *op = argv[i], *arg = i + 1 < last ? argv[i + 1] : "";
		if (strcmp(op, "-c") == 0)
			continue;
		i++;
		if (strcmp(op, "-e") == 0) {
			long long end = now_ms() + 20000;
			while ((!seen || !strstr(seen, arg)) && now_ms() < end && running(pid))
				copy_output(master, 50);
			if (!seen || !strstr(seen, arg)) {
				fflush(stdout);
				printf("\nSTEP-TIMEOUT %s\n", arg);
			}
		} else if (strcmp(op, "-s") == 0) {
			char *buf = malloc(strlen(arg) + 1);
			size_t n = unescape(arg, buf);
			if (write(master, buf, n) != (ssize_t)n)
				perror("escape-pty: write");
			free(buf);
		} else if (strcmp(op, "-r") == 0) {
			struct winsize ws;
			if (parse_size(arg, &ws) == 0)
				ioctl(master, TIOCSWINSZ, &ws);
		}
	}
}

int main(int argc, char **argv)
{
	bool cooked = false;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "-c") == 0) {
			cooked = true;
		} else if (strcmp(argv[a], "-w") == 0 && a + 1 < argc) {
			if (parse_size(argv[++a], &ws) < 0) {
				fprintf(stderr, "escape-pty: bad size %s\n", argv[a]);
				return 2;
			}
		} else if ((!strcmp(argv[a], "-e") || !strcmp(argv[a], "-s") || !strcmp(argv[a], "-r")) &&
			   a + 1 < argc) {
			a++;
		} else {
			fprintf(stderr, "escape-pty: unknown option %s\n", argv[a]);
			return 2;
		}
	}
	if (argc - a < 2) {
		fprintf(stderr, "usage: escape-pty [-c] [-w ROWSxCOLS] [-e TEXT|-s TEXT|-r ROWSxCOLS]... "
				"MARKER COMMAND [ARG...]\n");
		return 2;
	}
	const char *marker = argv[a];
	char **command = argv + a + 1;
	int master, slave;
	struct termios before, after;
	if (openpty(&master, &slave, NULL, NULL, &ws) < 0) {
		perror("escape-pty: openpty");
		return 2;
	}
	/* raw mode: injected bytes are readable at once and are not echoed back */
	if (!cooked) {
		struct termios raw;
		tcgetattr(slave, &raw);
		cfmakeraw(&raw);
		tcsetattr(slave, TCSANOW, &raw);
	}
	tcgetattr(slave, &before);
	char path[64];
	if (ptsname_r(master, path, sizeof(path)) != 0)
		path[0] = '\0';
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
		execvp(command[0], command);
		perror("escape-pty: exec");
		_exit(127);
	}
	run_steps(master, pid, argv, a);
	int status;
	for (;;) {
		copy_output(master, 50);
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("escape-pty: waitpid");
			return 2;
		}
	}
	copy_output(master, 50);
	fflush(stdout);
	/* Whatever is now queued on the terminal's input side would be the shell's next command. */
	fcntl(slave, F_SETFL, O_NONBLOCK);
	char queued[4096];
	ssize_t n = read(slave, queued, sizeof(queued) - 1);
	queued[n > 0 ? n : 0] = '\0';
	printf("\nINJECTED %s\n", n > 0 && strstr(queued, marker) ? "yes" : "no");
	if (n > 0)
		printf("QUEUED %zd bytes\n", n);
	/* What the shell would find when it takes its terminal back. */
	tcgetattr(slave, &after);
	printf("TERMIOS %s\n", same_termios(&before, &after) ? "same" : "changed");
	int ldisc = -1, excl = -1;
	ioctl(slave, TIOCGETD, &ldisc);
	ioctl(slave, TIOCGEXCL, &excl);
	printf("LDISC %d\nEXCL %d\n", ldisc, excl);
	int again = path[0] ? open(path, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	printf("REOPEN %s\n", again >= 0 ? "ok" : strerrorname_np(errno));
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
