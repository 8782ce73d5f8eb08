/* firstmap COMMAND [ARG...]: the time from starting COMMAND to the first window mapped on the
 * display's root (a toplevel, with no window manager), in milliseconds on stdout; then SIGTERM to
 * COMMAND (sbx and firejail forward it), waits for it and exits 0. Exit 1 when COMMAND ends, or
 * 60 s pass, without a window. For `make bench` (tests/bench/first_window.sh): the X server tells
 * the moment of the map exactly, where polling with xdotool would add its own interval. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xcb/xcb.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: firstmap COMMAND [ARG...]\n");
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
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(xcb_get_file_descriptor(c));
		/* stdout carries the time alone: what the app prints there goes to stderr. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int found = 0;
	struct pollfd pfd = { .fd = xcb_get_file_descriptor(c), .events = POLLIN };
	while (!found && now_ms() - t0 < 60000) {
		xcb_generic_event_t *ev;
		while (!found && (ev = xcb_poll_for_event(c))) {
			if ((ev->response_type & 0x7f) == XCB_MAP_NOTIFY) {
				printf("%.1f\n", now_ms() - t0);
				found = 1;
			}
			free(ev);
		}
		if (found || xcb_connection_has_error(c))
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "firstmap: %s ended without a window\n", argv[1]);
			xcb_disconnect(c);
			return 1;
		}
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			break;
	}
	kill(pid, SIGTERM);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
	}
	xcb_disconnect(c);
	return found ? 0 : 1;
}
