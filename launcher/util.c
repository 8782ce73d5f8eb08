#include "util.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>

int sbx_fail(struct sbx_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = code;
	err->refused = false;
	err->hint[0] = '\0';
	return code > 0 ? -code : -EINVAL;
}

int sbx_refuse(struct sbx_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = 0;
	err->refused = true;
	err->hint[0] = '\0';
	return -EPERM;
}

int sbx_error_prefix(struct sbx_error *err, const char *fmt, ...)
{
	char context[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	char joined[2 * sizeof(err->msg) + 2];
	snprintf(joined, sizeof(joined), "%s: %.*s", context, (int)sizeof(err->msg) - 1, err->msg);
	memcpy(err->msg, joined, sizeof(err->msg) - 1);  /* a long message loses its end, not its context */
	err->msg[sizeof(err->msg) - 1] = '\0';
	return err->code > 0 ? -err->code : err->refused ? -EPERM : -EINVAL;
}

void sbx_error_text(const struct sbx_error *err, char *buf, size_t size)
{
	if (err->code > 0)
		snprintf(buf, size, "%s: %s", err->msg, strerror(err->code));
	else
		snprintf(buf, size, "%s", err->msg);
}

void sbx_hint(struct sbx_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
}

void sbx_report_to(const struct sbx_error *err, FILE *out)
{
	char text[sizeof(err->msg) + 128];
	sbx_error_text(err, text, sizeof(text));
	fprintf(out, "sbx: %s\n", text);
	if (err->hint[0])
		fprintf(out, "sbx: hint: %s\n", err->hint);
}

void sbx_report(const struct sbx_error *err) { sbx_report_to(err, stderr); }

void sbx_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("sbx: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static char **pending_notes;
static size_t n_pending_notes;

void sbx_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text;
	if (vasprintf(&text, fmt, ap) < 0)
		abort();
	va_end(ap);
	*ARRAY_PUSH(pending_notes, n_pending_notes) = text;
}

void sbx_notes_flush(bool print)
{
	for (size_t i = 0; i < n_pending_notes; i++) {
		if (print)
			fprintf(stderr, "sbx: note: %s\n", pending_notes[i]);
		free(pending_notes[i]);
	}
	free(pending_notes);
	pending_notes = NULL;
	n_pending_notes = 0;
}

static void oom(void)
{
	fputs("sbx: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *grown = realloc(p, n ? n : 1);
	if (!grown)
		oom();
	return grown;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

bool path_is_clean_absolute(const char *path)
{
	if (!path || path[0] != '/')
		return false;
	const char *p = path;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (*end == '/' && end[1] == '/')
			return false;
		p = end;
	}
	return strlen(path) < 4096;
}

char *path_join_clean(const char *base, const char *path)
{
	char *joined = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", base, path);
	char *out = xmalloc(strlen(joined) + 2);
	size_t o = 0;
	for (const char *p = joined; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[--o] != '/')
				;
		} else if (len && !(len == 1 && p[0] == '.')) {
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p = end;
	}
	free(joined);
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

bool path_within(const char *path, const char *outer)
{
	size_t n = strlen(outer);
	while (n > 1 && outer[n - 1] == '/')
		n--;
	if (n == 1 && outer[0] == '/')
		return true;
	return strncmp(path, outer, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

const char *path_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);
	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	int r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

void *array_push(void *arrayp, size_t *count, size_t elem)
{
	char **array = arrayp;
	if (*count >= SIZE_MAX / elem - 1)
		oom();
	char *grown = realloc(*array, (*count + 1) * elem);
	if (!grown)
		oom();
	*array = grown;
	memset(grown + *count * elem, 0, elem);
	return grown + (*count)++ * elem;
}

int write_file(const char *path, const char *buf)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(buf);
	ssize_t n = write(fd, buf, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int read_file(const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, used = 0;
	_cleanup_free_ char *buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used == cap) {
			if (cap > (1u << 24))
				return -EFBIG;
			cap *= 2;
			char *grown = realloc(buf, cap + 1);
			if (!grown)
				oom();
			buf = grown;
		}
	}
	buf[used] = '\0';
	if (len)
		*len = used;
	*out = TAKE_PTR(buf);
	return 0;
}

int own_cgroup_path(char **out)
{
	_cleanup_free_ char *text = NULL;
	int r = read_file("/proc/self/cgroup", &text, NULL);
	if (r < 0)
		return r;
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			*out = xstrdup(line + 3);
			return 0;
		}
		line = next;
	}
	return -ENOENT;  /* no cgroup v2 hierarchy */
}

bool parse_int(const char *s, long long min, long long max, long long *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; c && *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

void json_grant_state(FILE *out, bool optional, const char *refused, const char *skipped)
{
	fprintf(out, ",\"optional\":%s,\"granted\":%s", optional ? "true" : "false",
		refused || skipped ? "false" : "true");
	if (refused || skipped) {
		fputs(refused ? ",\"refused\":" : ",\"skipped\":", out);
		json_string(out, refused ? refused : skipped);
	}
}

bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (!grown)
			abort();
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

pid_t vfork_call(int (*fn)(void *), void *arg, size_t stack_size, int flags)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)stack_size;
	/* A raw clone with no new stack: the child runs on its copy of this one, as after fork. */
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(flags | CLONE_VFORK | SIGCHLD), NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(fn(arg));
	return pid;
#else
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = (stack_size + page - 1) / page * page;
	/* Only the pages the child touches are ever made. */
	char *stack = mmap(NULL, size + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = -1;
	if (mprotect(stack + page, size, PROT_READ | PROT_WRITE) == 0)
		pid = clone(fn, stack + page + size, flags | CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
	int e = errno;
	munmap(stack, size + page);  /* the child exec'd or exited: the stack is ours alone again */
	errno = e;
	return pid;
#endif
}

ssize_t send_fds(int sock, const void *data, size_t len, const int *fds, size_t n)
{
	enum { MAX_FDS = 16 };
	if (n > MAX_FDS) {
		errno = EINVAL;
		return -1;
	}
	union {
		char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	/* ETOOMANYREFS: the user's fds in flight, over all their sockets, passed this process's soft
	 * RLIMIT_NOFILE. When thousands of sandboxes start at once that is a passing state, which their
	 * receivers drain: send under the hard limit (put back after, as pid 1's passes to COMMAND),
	 * then try again for up to ten seconds. */
	struct rlimit saved, raised;
	bool restore = false;
	ssize_t sent;
	for (int tries = 0;; tries++) {
		sent = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (sent >= 0 || errno != ETOOMANYREFS || tries == 10000)
			break;
		if (!restore && getrlimit(RLIMIT_NOFILE, &saved) == 0 && saved.rlim_cur < saved.rlim_max) {
			raised = (struct rlimit){ .rlim_cur = saved.rlim_max, .rlim_max = saved.rlim_max };
			restore = setrlimit(RLIMIT_NOFILE, &raised) == 0;
			if (restore)
				continue;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
	}
	int e = errno;
	if (restore)
		setrlimit(RLIMIT_NOFILE, &saved);
	errno = e;
	return sent;
}
