/* firstmap [-e] COMMAND [ARG...]: the time from starting COMMAND to the first window mapped on the
 * display's root (a toplevel, with no window manager), in milliseconds on stdout; then SIGTERM to
 * COMMAND (sbx and firejail forward it), waits for it and exits 0. Exit 1 when COMMAND ends, or
 * 60 s pass, without a window. For `make bench` (tests/bench/first_window.sh): the X server tells
 * the moment of the map exactly, where polling with xdotool would add its own interval.
 *
 * -e: COMMAND starts the app through `benchrun stamp`, whose line on stderr tells when the app's
 * exec began; the output is then "TOTAL START": START the milliseconds from the fork to that exec
 * (a sandbox's own start), TOTAL - START the app's, from its exec to its window. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xcb/xcb.h>

#define STAMP "benchrun-exec "

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* COMMAND's output with -e: passed on to stderr line by line, the stamp line kept. */
struct output {
	int fd;
	char line[4096];
	size_t len;
	double exec_ms;  /* < 0 until the stamp came */
};

static void take_line(struct output *o)
{
	o->line[o->len] = '\0';
	if (strncmp(o->line, STAMP, strlen(STAMP)) == 0)
		o->exec_ms = (double)strtoull(o->line + strlen(STAMP), NULL, 10) / 1e6;
	else
		fprintf(stderr, "%s\n", o->line);
	o->len = 0;
}

/* Reads what is there without blocking. */
static void drain(struct output *o)
{
	char buf[4096];
	ssize_t n;
	while (o->fd >= 0 && (n = read(o->fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || o->len == sizeof(o->line) - 1)
				take_line(o);
			if (buf[i] != '\n')
				o->line[o->len++] = buf[i];
		}
}

int main(int argc, char **argv)
{
	int first = 1;
	bool split = argc > 1 && strcmp(argv[1], "-e") == 0;
	if (split)
		first = 2;
	if (argc <= first) {
		fprintf(stderr, "usage: firstmap [-e] COMMAND [ARG...]\n");
		return 2;
	}
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "firstmap: cannot open the display\n");
		return 2;
	}
	xcb_window_t root = xcb_setup_roots_iterator(xcb_get_setup(c)).data->root;
	uint32_t mask = XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY;
	xcb_request_check(c, xcb_change_window_attributes_checked(c, root, XCB_CW_EVENT_MASK, &mask));
	struct output out = { .fd = -1, .exec_ms = -1 };
	int pipefd[2] = { -1, -1 };
	if (split && pipe2(pipefd, O_CLOEXEC) < 0)
		return 2;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(xcb_get_file_descriptor(c));
		/* stdout carries the time alone: what the app prints there goes to stderr (or, with
		 * -e, through firstmap, which takes the stamp out). */
		if (split)
			dup2(pipefd[1], STDERR_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[first], argv + first);
		_exit(127);
	}
	if (split) {
		close(pipefd[1]);
		out.fd = pipefd[0];
		fcntl(out.fd, F_SETFL, O_NONBLOCK);
	}
	double mapped = -1;
	struct pollfd pfd[2] = { { .fd = xcb_get_file_descriptor(c), .events = POLLIN },
				 { .fd = out.fd, .events = POLLIN } };
	while (mapped < 0 && now_ms() - t0 < 60000) {
		xcb_generic_event_t *ev;
		while (mapped < 0 && (ev = xcb_poll_for_event(c))) {
			if ((ev->response_type & 0x7f) == XCB_MAP_NOTIFY)
				mapped = now_ms() - t0;
			free(ev);
		}
		drain(&out);
		if (mapped >= 0 || xcb_connection_has_error(c))
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "firstmap: %s ended without a window\n", argv[first]);
			xcb_disconnect(c);
			return 1;
		}
		if (poll(pfd, split ? 2 : 1, 100) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLHUP)
			pfd[1].fd = -1;  /* the app closed its stderr: stop polling it */
	}
	/* The stamp was written before the exec, so before the map: it is in the pipe by now. */
	drain(&out);
	if (mapped >= 0 && !split)
		printf("%.1f\n", mapped);
	else if (mapped >= 0 && out.exec_ms >= 0)
		printf("%.1f %.2f\n", mapped, out.exec_ms - t0);
	else if (mapped >= 0)
		fprintf(stderr, "firstmap: -e, but %s did not run `benchrun stamp`\n", argv[first]);
	kill(pid, SIGTERM);
	/* Still reading COMMAND's output meanwhile: a full pipe must not hold up its exit. */
	while (waitpid(pid, NULL, out.fd >= 0 ? WNOHANG : 0) == 0) {
		poll(&pfd[1], 1, 20);
		drain(&out);
	}
	if (out.len)
		take_line(&out);
	xcb_disconnect(c);
	return mapped >= 0 && (!split || out.exec_ms >= 0) ? 0 : 1;
}
