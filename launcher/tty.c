#include "tty.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

bool tty_std_is_terminal(void)
{
	return isatty(0) || isatty(1) || isatty(2);
}

/* ---- parent side ---- */

/* Keeps sbx's own descriptors off 0-2, which pid 1 fills with the slave. */
static int above_stdio(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int e = errno;
	close(fd);
	errno = e;
	return moved;
}

int tty_setup(struct sbx_tty *t, struct sbx_error *err)
{
	*t = (struct sbx_tty){ .master = -1, .slave = -1, .term = -1, .in = -1, .out = -1, .stop_fd = -1,
			       .stop_peer = -1 };
	for (int fd = 2; fd >= 0; fd--) {
		t->is_tty[fd] = isatty(fd);
		if (t->is_tty[fd])
			t->term = fd;
	}
	if (t->term < 0)
		return 0;
	t->in = t->is_tty[0] ? 0 : -1;
	t->out = t->is_tty[1] ? 1 : t->is_tty[2] ? 2 : 0;
	if (tcgetattr(t->term, &t->saved) < 0)
		return sbx_fail(err, errno, "cannot read the terminal's modes");

	/* The host's /dev/ptmx: a pty of the caller's own devpts, which sbx relays. */
	_cleanup_close_ int master = above_stdio(open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
	if (master < 0)
		return sbx_fail(err, errno, "cannot open a pseudo-terminal for the sandbox (/dev/ptmx)");
	if (unlockpt(master) < 0 || ptsname_r(master, t->slave_path, sizeof(t->slave_path)) != 0)
		return sbx_fail(err, errno, "cannot unlock the sandbox's pseudo-terminal");
	/* By the master, not by path: no other pty can be swapped in. */
	_cleanup_close_ int slave = above_stdio(ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
	if (slave < 0)
		return sbx_fail(err, errno, "cannot open the sandbox's pseudo-terminal");
	/* The app starts with the modes and size of the terminal it was started from. */
	if (tcsetattr(slave, TCSANOW, &t->saved) < 0)
		return sbx_fail(err, errno, "cannot set the sandbox's terminal modes");
	struct winsize ws;
	if (ioctl(t->term, TIOCGWINSZ, &ws) == 0)
		ioctl(slave, TIOCSWINSZ, &ws);
	int fl = fcntl(master, F_GETFL);
	if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) < 0)
		return sbx_fail(err, errno, "cannot set up the sandbox's pseudo-terminal");
	/* With the keyboard relayed, Ctrl-Z stops COMMAND inside; sbx must then stop too. */
	int stop[2] = { -1, -1 };
	if (t->in >= 0 && pipe2(stop, O_CLOEXEC | O_NONBLOCK) < 0)
		return sbx_fail(err, errno, "pipe");
	t->stop_fd = above_stdio(stop[0]);
	t->stop_peer = above_stdio(stop[1]);
	t->to_master = xcalloc(1, sizeof(*t->to_master));
	t->to_term = xcalloc(1, sizeof(*t->to_term));
	t->master = TAKE_FD(master);
	t->slave = TAKE_FD(slave);
	return 0;
}

int tty_start(struct sbx_tty *t, struct sbx_error *err)
{
	if (t->master < 0)
		return 0;
	close(t->slave);
	t->slave = -1;
	if (t->stop_peer >= 0)
		close(t->stop_peer);
	t->stop_peer = -1;
	/* Raw only when sbx relays the keyboard: with input from elsewhere, Ctrl-C on the real
	 * terminal must still signal sbx (which forwards it). */
	if (t->in < 0)
		return 0;
	struct termios raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(t->term, TCSADRAIN, &raw) < 0)
		return sbx_fail(err, errno, "cannot put the terminal in raw mode");
	t->raw = true;
	return 0;
}

static size_t buf_room(const struct tty_buf *b)
{
	return sizeof(b->data) - b->end;
}

static size_t buf_len(const struct tty_buf *b)
{
	return b->end - b->start;
}

static void buf_read(struct tty_buf *b, int fd, bool *done)
{
	ssize_t n = read(fd, b->data + b->end, buf_room(b));
	if (n > 0)
		b->end += (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		*done = true;  /* EOF; EIO on the master: no slave is left open */
}

/* Returns false when fd cannot be written any more. */
static bool buf_write(struct tty_buf *b, int fd)
{
	ssize_t n = write(fd, b->data + b->start, buf_len(b));
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		return false;
	if (n > 0)
		b->start += (size_t)n;
	if (b->start == b->end)
		b->start = b->end = 0;
	return true;
}

/* Output nobody can see any more is dropped, so the app never blocks on it. */
static void flush_term(struct sbx_tty *t)
{
	if (t->out_dead || !buf_write(t->to_term, t->out)) {
		t->out_dead = true;
		t->to_term->start = t->to_term->end = 0;
	}
}

int tty_relay(struct sbx_tty *t, int sigfd, int timeout_ms)
{
	enum { SIG, STOP, MASTER, IN, OUT };
	struct pollfd p[5] = {
		[SIG] = { .fd = sigfd, .events = POLLIN },
		[STOP] = { .fd = t->stop_fd, .events = POLLIN },
		[MASTER] = { .fd = -1 },
		[IN] = { .fd = -1 },
		[OUT] = { .fd = -1 },
	};
	if (!t->master_done) {
		p[MASTER].events = (short)((buf_room(t->to_term) ? POLLIN : 0) | (buf_len(t->to_master) ? POLLOUT : 0));
		p[MASTER].fd = p[MASTER].events ? t->master : -1;
	}
	if (t->in >= 0 && !t->in_done && buf_room(t->to_master))
		p[IN] = (struct pollfd){ .fd = t->in, .events = POLLIN };
	if (buf_len(t->to_term))
		p[OUT] = (struct pollfd){ .fd = t->out, .events = POLLOUT };
	if (poll(p, 5, timeout_ms) <= 0)
		return 0;
	if (p[MASTER].revents & (POLLIN | POLLHUP | POLLERR)) {
		if (!buf_room(t->to_term))
			flush_term(t);  /* the master may still hold output: make room for it */
		if (buf_room(t->to_term))
			buf_read(t->to_term, t->master, &t->master_done);
	}
	if (p[IN].revents)
		buf_read(t->to_master, t->in, &t->in_done);
	/* What was just read is written at once: a poll less per chunk. The master does not block;
	 * the real terminal does, which holds the app back as a slow terminal would. */
	if (buf_len(t->to_master) && !t->master_done && !buf_write(t->to_master, t->master))
		t->master_done = true;
	if (buf_len(t->to_term) || t->out_dead)
		flush_term(t);
	if (t->master_done)
		t->to_master->start = t->to_master->end = 0;
	int r = p[SIG].revents & POLLIN ? TTY_SIGNAL : 0;
	char z[16];
	if (p[STOP].revents & POLLIN && read(t->stop_fd, z, sizeof(z)) > 0)
		r |= TTY_STOPPED;
	else if (p[STOP].revents) {  /* pid 1 is gone */
		close(t->stop_fd);
		t->stop_fd = -1;
	}
	return r;
}

void tty_suspend(struct sbx_tty *t)
{
	while (buf_len(t->to_term) && !t->out_dead)
		flush_term(t);
	if (t->raw)
		tcsetattr(t->term, TCSADRAIN, &t->saved);
	kill(getpid(), SIGTSTP);
	/* Continued: the shell may have changed the modes while the job was stopped. */
	if (t->raw && tcgetattr(t->term, &t->saved) == 0) {
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		tcsetattr(t->term, TCSADRAIN, &raw);
	}
	tty_resize(t);
}

void tty_resize(struct sbx_tty *t)
{
	struct winsize ws;
	if (t->master >= 0 && ioctl(t->term, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

void tty_finish(struct sbx_tty *t)
{
	if (t->master < 0) {
		if (t->slave >= 0)
			close(t->slave);
		t->slave = -1;
		return;
	}
	/* Every process of the sandbox is gone, so the master reads what they wrote and then EIO (the
	 * kernel flushes its pending buffer first). A copy of the slave smuggled out of the sandbox
	 * would keep it open: stop after a quiet moment then. */
	while (!t->out_dead) {
		while (buf_len(t->to_term) && !t->out_dead)
			flush_term(t);
		if (t->master_done)
			break;
		struct pollfd p = { .fd = t->master, .events = POLLIN };
		if (poll(&p, 1, 200) <= 0)
			break;
		buf_read(t->to_term, t->master, &t->master_done);
	}
	if (t->raw)
		tcsetattr(t->term, TCSADRAIN, &t->saved);
	t->raw = false;
	if (t->slave >= 0)
		close(t->slave);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	if (t->stop_peer >= 0)
		close(t->stop_peer);
	close(t->master);
	t->master = t->slave = t->stop_fd = t->stop_peer = -1;
	free(t->to_master);
	free(t->to_term);
	t->to_master = t->to_term = NULL;
}

/* ---- child side ---- */

int tty_attach(const struct sbx_tty *t, struct sbx_error *err)
{
	/* Out of the caller's session: its terminal can never become the sandbox's, and signals
	 * from it no longer reach the sandbox unless sbx passes them on. */
	if (setsid() < 0)
		return sbx_fail(err, errno, "cannot start a new session");
	if (t->master < 0)
		return 0;
	if (ioctl(t->slave, TIOCSCTTY, 0) < 0)
		return sbx_fail(err, errno, "cannot make the sandbox's pseudo-terminal its terminal");
	for (int fd = 0; fd <= 2; fd++)
		if (t->is_tty[fd] && dup2(t->slave, fd) < 0)
			return sbx_fail(err, errno, "cannot give the sandbox its terminal");
	close(t->slave);
	close(t->master);
	if (t->stop_fd >= 0)
		close(t->stop_fd);
	return 0;
}

void tty_foreground(const struct sbx_tty *t)
{
	if (t->master < 0)
		return;
	/* Not pid 1's group: that one is orphaned (pid 1's parent is in another session), and the
	 * kernel does not stop an orphaned group on Ctrl-Z. */
	setpgid(0, 0);
	sigset_t ttou;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	tcsetpgrp(t->term, getpid());
}
