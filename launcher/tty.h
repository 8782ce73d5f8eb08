/* The terminal: a sandbox never shares the caller's terminal session. When a standard stream is a
 * terminal, the sandbox gets its own pseudo-terminal, which sbx relays to the real one (kept in raw
 * mode meanwhile, restored on every exit); whatever the app does to its terminal (line discipline,
 * termios, exclusive mode, ioctls) lands on that pty. Either way the sandbox's pid 1 starts a new
 * session, so the caller's terminal is never its controlling terminal. */
#ifndef SBX_TTY_H
#define SBX_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "util.h"

#define TTY_BUF_SIZE 65536

struct tty_buf {
	char data[TTY_BUF_SIZE];
	size_t start, end;  /* bytes [start, end) are waiting to be written */
};

struct sbx_tty {
	int master;     /* the sandbox's pty, sbx's side; -1 when no standard stream is a terminal */
	int slave;      /* its other side: given to pid 1, closed in sbx once pid 1 has it */
	char slave_path[64];  /* on the host's devpts, bound at /dev/console inside */
	bool is_tty[3]; /* which standard fds were terminals: these become the slave inside */
	int term;       /* the real terminal whose modes and size are copied (first of 0, 1, 2) */
	int in;         /* where keyboard input comes from (0, when it is a terminal), or -1 */
	int out;        /* where the sandbox's terminal output goes (1, else 2, else 0) */
	int stop_fd;    /* read by sbx: pid 1 writes a byte when COMMAND stopped (Ctrl-Z), or -1 */
	int stop_peer;  /* its write end, kept by pid 1 */
	struct termios saved;
	bool raw;       /* term is in raw mode and `saved` must be put back */
	bool master_done, in_done, out_dead;
	struct tty_buf *to_master, *to_term;  /* allocated only when there is a pty */
};

/* Whether any of fds 0, 1, 2 is a terminal (the sandbox then gets a pty, /dev/tty and /dev/console). */
bool tty_std_is_terminal(void);

/* Parent, before the sandbox exists. When a standard fd is a terminal, opens a pty on the host's
 * /dev/ptmx with the real terminal's modes and window size; else leaves t->master at -1 and does
 * nothing else. 0 or -errno. */
int tty_setup(struct sbx_tty *t, struct sbx_error *err);

/* Parent, once pid 1 holds the slave: closes sbx's copy and puts the real terminal in raw mode, so
 * that every key (Ctrl-C too) reaches the pty, whose line discipline acts on it. */
int tty_start(struct sbx_tty *t, struct sbx_error *err);

enum { TTY_SIGNAL = 1, TTY_STOPPED = 2 };

/* Parent: waits up to timeout_ms (-1: no limit) for the relay, sigfd or a stop of COMMAND, moves
 * what is ready between the two terminals, and returns TTY_SIGNAL when sigfd is readable, ORed
 * with TTY_STOPPED when COMMAND was stopped (then call tty_suspend). */
int tty_relay(struct sbx_tty *t, int sigfd, int timeout_ms);

/* Parent, when COMMAND was stopped: restores the real terminal and stops sbx (SIGTSTP), as the
 * shell expects of its foreground job; once continued (fg), raw mode again. The caller then sends
 * SIGCONT to pid 1, which continues COMMAND. */
void tty_suspend(struct sbx_tty *t);

/* Parent, on SIGWINCH: copies the real terminal's size to the pty (the kernel then signals the
 * sandbox's foreground process group). */
void tty_resize(struct sbx_tty *t);

/* Parent, after pid 1 ended: writes out what the sandbox's terminal still holds, then restores the
 * real terminal and closes the pty. Safe to call on every path, more than once. */
void tty_finish(struct sbx_tty *t);

/* Child, in pid 1 before anything else: starts a new session; with a pty, makes its slave the
 * controlling terminal and puts it in place of each standard fd that was a terminal. 0 or -errno. */
int tty_attach(const struct sbx_tty *t, struct sbx_error *err);

/* Child, in COMMAND's process before exec: with a pty, COMMAND leads a process group of its own
 * in the pty's foreground, as a shell starts a job. */
void tty_foreground(const struct sbx_tty *t);

#endif
