/* Small helpers shared by every module: cleanup attributes, the error object, growable arrays. */
#ifndef SBX_UTIL_H
#define SBX_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exit codes, as env(1) and bubblewrap use them. */
enum {
	SBX_EXIT_FAILURE = 125,  /* sbx itself failed */
	SBX_EXIT_CANNOT_EXEC = 126,
	SBX_EXIT_NOT_FOUND = 127,
};

/* An error carries one human-readable message; modules fill it and return -errno, and the top
 * level prints it once ("sbx: <msg>: <strerror>"), followed by an optional hint line. It is plain
 * data, so the sandbox's pid 1 can send it to sbx over the sync socket (launch.c). */
struct sbx_error {
	int code;        /* positive errno, or 0 when the message says it all */
	bool refused;    /* a protection this host cannot give and the policy requires (not a failure
			  * of sbx): --explain shows it instead of stopping */
	char msg[512];
	char hint[512];  /* optional second line, e.g. what to check */
};

/* Fills err and returns -code (or -EINVAL when code is 0), so callers can `return sbx_fail(...)`. */
int sbx_fail(struct sbx_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fills err as a refusal (err->refused, no errno) and returns -EPERM. */
int sbx_refuse(struct sbx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds context in front of the message: "CONTEXT: msg" (code, refusal and hint stay), as crun's
 * crun_error_wrap. Returns what the error stands for: -code, -EPERM for a refusal, else -EINVAL. */
int sbx_error_prefix(struct sbx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The one line the user sees, without "sbx: ": "msg" or "msg: strerror". */
void sbx_error_text(const struct sbx_error *err, char *buf, size_t size);
void sbx_hint(struct sbx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "sbx: msg[: strerror]" and the hint to stderr. */
void sbx_report(const struct sbx_error *err);
/* The same to any stream. */
void sbx_report_to(const struct sbx_error *err, FILE *out);
/* Prints "sbx: warning: ..." unless quiet. */
void sbx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Queues "sbx: note: ..." (something the caller should know; callers check --quiet) until the run
 * is planned, so that a note never comes before the error that stops the run; sbx_notes_flush
 * prints (or, after an error, drops) the queue. */
void sbx_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sbx_notes_flush(bool print);

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Takes ownership: returns the value and leaves the variable empty, so cleanup skips it. */
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Grows a heap array of `elem` bytes by one zeroed element; returns it, aborts on OOM. */
void *array_push(void *arrayp, size_t *count, size_t elem);
#define ARRAY_PUSH(arr, count) ((__typeof__(*(arr)) *)array_push(&(arr), &(count), sizeof(*(arr))))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Validates an absolute sandbox path: starts with '/', no "." or ".." components, no empty
 * components except a trailing slash. */
bool path_is_clean_absolute(const char *path);
/* PATH made absolute against BASE (when relative) with ".", ".." and repeated slashes resolved by
 * name, as a shell resolves "cd -L": "/a/b" + "../c" is "/a/c". */
char *path_join_clean(const char *base, const char *path);

/* True when path is outer itself or lies below it ("/a/b" is within "/a" and "/a/", not "/ab"). */
bool path_within(const char *path, const char *outer);
/* The last component of path (after its last slash; all of it without one). Points into path. */
const char *path_base_name(const char *path);
bool ends_with(const char *s, const char *suffix);

/* A growable string, always NUL-terminated once something was added; free(b.s) when done. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_add(struct buf *b, const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of buf to a file path (e.g. /proc/PID/uid_map). Returns 0 or -errno. */
int write_file(const char *path, const char *buf);
/* Reads a whole small file into a NUL-terminated heap buffer. Returns 0 or -errno. */
int read_file(const char *path, char **out, size_t *len);
/* Reads this process's cgroup v2 path ("0::" line of /proc/self/cgroup) into *out (heap). 0, or
 * -ENOENT without a cgroup v2 hierarchy, or -errno. (cgroup.c and systemd_scope.c both need it, and
 * cgroup.c includes systemd_scope.h, so it lives below both.) */
int own_cgroup_path(char **out);

/* Runs fn(arg) in a child that shares this process's memory (and, with CLONE_FILES in `flags`, its
 * descriptors) while this process is suspended, until the child execs or exits: vfork without a
 * copy of the page tables. The child runs on a stack of `stack_size` bytes with a guard page below,
 * so that a miscount ends in its SIGSEGV, never in this process's memory. Under AddressSanitizer,
 * whose bookkeeping does not expect a second stack in the same memory, the child gets a copy of the
 * memory instead. The child's pid (exit signal SIGCHLD), or -1 with errno. */
pid_t vfork_call(int (*fn)(void *), void *arg, size_t stack_size, int flags);

/* Sends len bytes of data with n descriptors (SCM_RIGHTS, at most 16) over a Unix socket, with
 * MSG_NOSIGNAL: sendmsg's result (-1 with errno on failure). */
ssize_t send_fds(int sock, const void *data, size_t len, const int *fds, size_t n);

/* Prints s as a JSON string literal (quoted, escaped). */
void json_string(FILE *out, const char *s);

/* A desktop grant's state as JSON members: ,"optional":B,"granted":B and, when not granted,
 * ,"refused":WHY or ,"skipped":WHY (the same shape for sockets and devices in --explain --json). */
void json_grant_state(FILE *out, bool optional, const char *refused, const char *skipped);

/* Parses a decimal int in [min, max]; false on garbage or overflow. */
bool parse_int(const char *s, long long min, long long max, long long *out);

#endif
