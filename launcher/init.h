/* The sandbox's pid 1: reaps every orphan, forwards the signals sbx passes on to COMMAND, and exits
 * with COMMAND's status (which ends the whole pid namespace). */
#ifndef SBX_INIT_H
#define SBX_INIT_H

#include <signal.h>
#include <sys/types.h>

/* The signals forwarded from sbx to init and from init to COMMAND. */
void init_forwarded_signals(sigset_t *set);

/* Turns a wait status into sbx's exit code: the exit status, or 128+N for signal N. */
int init_exit_code(int status);

/* main's first step: where sbx's arguments lie, before anything replaces an argv pointer. */
void init_remember_arguments(int argc, char **argv);

/* Overwrites this process's argument area with "sbx-init": /proc/1/cmdline is readable by COMMAND
 * and would show sbx's whole command line, host paths and all. */
void init_hide_arguments(void);

/* Before COMMAND is forked: blocks the forwarded signals, SIGCHLD (and SIGCONT with stop_fd >= 0)
 * and returns a signalfd for them, or -errno with err filled. */
struct sbx_error;
int init_signals(int stop_fd, struct sbx_error *err);

/* Runs the init loop on sigfd (init_signals); never returns. With stop_fd >= 0 (the
 * sandbox has a pty), writes a byte there whenever COMMAND is stopped (Ctrl-Z), so that sbx can
 * stop too, and continues COMMAND's process group when sbx sends SIGCONT. With listener >= 0
 * (the memfd guard), also answers its notifications: one poll() over a signalfd and listener. */
_Noreturn void init_run(int sigfd, pid_t command, int stop_fd, int listener);

#endif
