/* tty-probe: what a sandboxed command can do with its terminal (tests/escape/terminal.bats).
 *
 *   tty-probe attack
 *       On fds 0, 1, 2 and /dev/tty: TIOCSETD (to N_NULL), TIOCEXCL, and TCSETS (no echo, no line
 *       editing, no signals, 50 baud), the changes that would outlive the sandbox on a terminal it
 *       shared with the user. Prints "TARGET REQUEST OK|ERRNO" for each.
 *   tty-probe session [MARKER]
 *       Prints "TTY_NR n", "SID n", "PGRP n" (from /proc/self/stat) and "DEVTTY ok|ERRNO" (opening
 *       /dev/tty); with MARKER, writes a title escape sequence holding MARKER to /dev/tty and prints
 *       "WRITE ok|ERRNO".
 *   tty-probe interactive LINES
 *       Prints "TTY <ttyname(0)>", "SIZE rows cols", "READY"; reads a line and prints "GOT <line>";
 *       prints "WAITWINCH" and waits (at most 20 s) for SIGWINCH, then "SIZE2 rows cols"; prints
 *       "WAITEOF", reads to end of input, prints "EOF"; then writes LINES numbered lines (the last
 *       one "L<LINES-1> last") and exits 7 at once. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *result(int r)
{
	return r < 0 ? strerrorname_np(errno) : "OK";
}

static void attack(const char *name, int fd)
{
	int ldisc = 27;  /* N_NULL: the terminal then neither reads nor shows anything */
	printf("%s TIOCSETD %s\n", name, result(ioctl(fd, TIOCSETD, &ldisc)));
	printf("%s TIOCEXCL %s\n", name, result(ioctl(fd, TIOCEXCL)));
	struct termios t;
	int r = tcgetattr(fd, &t);
	if (r == 0) {
		t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG);
		t.c_lflag ^= TOSTOP;
		cfsetspeed(&t, B50);
		r = tcsetattr(fd, TCSANOW, &t);
	}
	printf("%s TCSETS %s\n", name, result(r));
}

static void print_size(const char *label)
{
	struct winsize ws = { 0 };
	ioctl(0, TIOCGWINSZ, &ws);
	printf("%s %u %u\n", label, ws.ws_row, ws.ws_col);
}

static int interactive(long lines)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *name = ttyname(0);
	printf("TTY %s\n", name ? name : "none");
	print_size("SIZE");
	sigset_t winch;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	printf("READY\n");
	char line[256];
	if (!fgets(line, sizeof(line), stdin))
		return 3;
	line[strcspn(line, "\r\n")] = '\0';
	printf("GOT %s\n", line);
	printf("WAITWINCH\n");
	struct timespec limit = { .tv_sec = 20 };
	if (sigtimedwait(&winch, NULL, &limit) == SIGWINCH)
		print_size("SIZE2");
	else
		printf("NOWINCH\n");
	printf("WAITEOF\n");
	while (fgets(line, sizeof(line), stdin))
		;
	printf("EOF\n");
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (long i = 0; i < lines; i++)
		printf("L%ld%s\n", i, i == lines - 1 ? " last" : "");
	fflush(stdout);
	_exit(7);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "attack") == 0) {
		setvbuf(stdout, NULL, _IONBF, 0);
		attack("fd0", 0);
		attack("fd1", 1);
		attack("fd2", 2);
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (tty < 0)
			printf("devtty open %s\n", strerrorname_np(errno));
		else
			attack("devtty", tty);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "session") == 0) {
		FILE *f = fopen("/proc/self/stat", "re");
		int pgrp = -1, sid = -1, tty_nr = -1;
		if (!f || fscanf(f, "%*d (%*[^)]) %*c %*d %d %d %d", &pgrp, &sid, &tty_nr) != 3)
			return 2;
		fclose(f);
		printf("TTY_NR %d\nSID %d\nPGRP %d\n", tty_nr, sid, pgrp);
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		printf("DEVTTY %s\n", tty >= 0 ? "ok" : strerrorname_np(errno));
		if (argc >= 3) {
			char seq[256];
			int n = snprintf(seq, sizeof(seq), "\033]0;%s\007%s\n", argv[2], argv[2]);
			printf("WRITE %s\n", tty >= 0 && write(tty, seq, (size_t)n) == n ? "ok"
									 : strerrorname_np(tty >= 0 ? errno : EBADF));
		}
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "interactive") == 0)
		return interactive(strtol(argv[2], NULL, 10));
	fprintf(stderr, "usage: tty-probe attack | session [MARKER] | interactive LINES\n");
	return 2;
}
