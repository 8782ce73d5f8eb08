#include "writeback.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "filecopy.h"

bool writeback_fits(const struct mount_plan *plan, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return false;
	_cleanup_free_ char *dir = xstrndup(path, (size_t)(slash - path));
	/* The latest step at the directory decides what the sandbox shows there. */
	for (size_t i = plan->n; i-- > 0;) {
		const struct mount_step *s = &plan->steps[i];
		if (strcmp(s->dst, dir) != 0)
			continue;
		if (s->kind != STEP_TMPFS || !s->discards)
			return false;
		struct stat st;
		return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size <= WRITEBACK_MAX_SIZE;
	}
	return false;
}

int writeback_open(struct mount_plan *plan, struct sbx_error *err)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_step *s = &plan->steps[i];
		if (s->kind != STEP_COPY)
			continue;
		const char *slash = strrchr(s->src, '/');
		_cleanup_free_ char *dir = xstrndup(s->src, (size_t)(slash - s->src));
		_cleanup_close_ int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return sbx_fail(err, errno, "edit %s: cannot open its directory", s->src);
		int fd = openat(dirfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return sbx_fail(err, errno, "edit %s", s->src);
		struct writeback_file *w = ARRAY_PUSH(plan->writebacks, plan->n_writebacks);
		*w = (struct writeback_file){ .step = i, .dirfd = TAKE_FD(dirfd), .name = xstrdup(slash + 1) };
		s->copy_fd = fd;
		if (fstat(fd, &w->st) < 0)
			return sbx_fail(err, errno, "edit %s", s->src);
		if (!S_ISREG(w->st.st_mode))
			return sbx_fail(err, 0, "edit %s: not a regular file", s->src);
	}
	return 0;
}

/* Whether the two files hold the same bytes (both read from their start). */
static bool same_bytes(int a, int b)
{
	static char x[1 << 16], y[1 << 16];
	for (off_t off = 0;;) {
		ssize_t n = pread(a, x, sizeof(x), off);
		if (n < 0 || pread(b, y, (size_t)n, off) != n || memcmp(x, y, (size_t)n) != 0)
			return false;
		if (n == 0)
			return true;
		off += n;
	}
}

/* The sandbox's version (fd) into a new file beside the host file, synced, then renamed over it
 * with the host file's owner and permissions. 0 or -errno. */
static int replace(const struct writeback_file *w, int fd)
{
	char *tmp;
	int out = file_replace_begin(w->dirfd, w->name, 0600, &tmp);
	if (out < 0)
		return out;
	int r = file_copy_data(fd, out, NULL);
	/* The host file's owner (root editing another account's file in /tmp) and permissions. */
	if (r == 0 && (w->st.st_uid != geteuid() || w->st.st_gid != getegid()) &&
	    fchown(out, w->st.st_uid, w->st.st_gid) < 0)
		r = -errno;
	if (r == 0 && fchmod(out, w->st.st_mode & 0777) < 0)
		r = -errno;
	return file_replace_commit(w->dirfd, out, &tmp, w->name, r);
}

/* One file: NULL when written back or unchanged (*written says which), else why not. */
static char *finish_one(const struct writeback_file *w, const struct mount_step *s, struct discarded *d,
			bool *written)
{
	size_t place = 0;
	_cleanup_close_ int fd = discard_open(d, s->dst, O_RDONLY | O_NONBLOCK, &place);
	if (fd == -ESRCH)
		return NULL;  /* the sandbox failed before its setup handed its places over: never edited */
	if (fd == -ENOENT)
		return xstrdup("the sandbox removed it; the host file stays as it was");
	if (fd < 0 && fd != -ELOOP)
		return xasprintf("cannot open the sandbox's version: %s", strerror(-fd));
	struct stat in, host;
	if (fd < 0 || fstat(fd, &in) < 0 || !S_ISREG(in.st_mode))
		return xstrdup("the sandbox left something else than a file there");
	_cleanup_close_ int now = openat(w->dirfd, w->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	bool host_same = now >= 0 && fstat(now, &host) == 0 && host.st_dev == w->st.st_dev &&
			 host.st_ino == w->st.st_ino && host.st_size == w->st.st_size &&
			 host.st_mtim.tv_sec == w->st.st_mtim.tv_sec && host.st_mtim.tv_nsec == w->st.st_mtim.tv_nsec;
	if (host_same && in.st_size == host.st_size && same_bytes(fd, now)) {
		discard_forget(d, s->dst);  /* saved again unchanged */
		return NULL;
	}
	int r = host_same ? replace(w, fd) : 0;
	if (host_same && r == 0) {
		discard_forget(d, s->dst);
		*written = true;
		return NULL;
	}
	/* Not written back: the sandbox's version is listed as discarded (--keep-discarded keeps it),
	 * also when it was changed in place, which the walk does not count. */
	if (!discard_listed(d, s->dst))
		discard_add(d, place, s->dst, &in);
	return host_same ? xasprintf("cannot replace the host file: %s", strerror(-r))
			 : xstrdup("the host file changed while the sandbox ran; it is not overwritten");
}

void writeback_finish(struct mount_plan *plan, struct discarded *d, const struct identity *id, bool quiet,
		      FILE *out)
{
	for (size_t i = 0; i < plan->n_writebacks; i++) {
		const struct writeback_file *w = &plan->writebacks[i];
		const struct mount_step *s = &plan->steps[w->step];
		bool written = false;
		_cleanup_free_ char *why = finish_one(w, s, d, &written);
		_cleanup_free_ char *shown = discard_display_path(s->src, id);
		if (why)
			fprintf(out, "sbx: warning: %s was edited in a private copy and not written back: %s\n", shown, why);
		else if (written && !quiet)
			fprintf(out, "sbx: note: %s: the sandbox's changes are written back\n", shown);
	}
	discard_sort(d);
}
