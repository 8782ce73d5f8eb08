#include "discarded.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filecopy.h"
#include "hostpath.h"
#include "workdir.h"

/* ---- child side ---- */

int discard_send(int sock, struct mount_plan *plan, struct sbx_error *err)
{
	struct discard_msg msg[DISCARD_MAX_ROOTS];
	int fds[DISCARD_MAX_ROOTS];
	size_t n = 0;
	for (size_t i = 0; i < plan->n && n < DISCARD_MAX_ROOTS; i++) {
		const struct mount_step *s = &plan->steps[i];
		if (s->discard_fd < 0)
			continue;
		msg[n] = (struct discard_msg){ .step = (uint32_t)i, .first_ino = s->discard_first_ino };
		fds[n++] = s->discard_fd;
	}
	/* Always one message, without fds when there is no place: sbx waits for it (discard_receive). */
	ssize_t sent;
	if (n > 0) {
		sent = send_fds(sock, msg, n * sizeof(msg[0]), fds, n);
	} else {
		msg[0] = (struct discard_msg){ .step = UINT32_MAX };
		sent = send(sock, msg, sizeof(msg[0]), MSG_NOSIGNAL);
	}
	int r = 0;
	if (sent < 0)
		r = sbx_fail(err, errno, "cannot hand the sandbox's private home and /tmp to sbx");
	for (size_t i = 0; i < plan->n; i++) {
		if (plan->steps[i].discard_fd >= 0) {
			close(plan->steps[i].discard_fd);
			plan->steps[i].discard_fd = -1;
		}
	}
	return r;
}

/* ---- parent side: finding the files ---- */

/* Opens name below dirfd without following any symlink, leaving the tree or crossing a mount
 * point: the tree is the sandbox's, and sbx may be root. */
static int open_below(int dirfd, const char *name, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW),
		.mode = mode,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	return fd < 0 ? -errno : fd;
}

struct walker {
	struct discarded *d;
	size_t place;
	unsigned long long first_ino;
	char path[PATH_MAX];
};

static void add_file(struct walker *w, size_t len, const char *name, const struct stat *st)
{
	_cleanup_free_ char *path = xasprintf("%.*s/%s", (int)len, w->path, name);
	discard_add(w->d, w->place, path, st);
}

void discard_add(struct discarded *d, size_t place, const char *path, const struct stat *st)
{
	struct discarded_file *f = ARRAY_PUSH(d->files, d->n);
	f->path = xstrdup(path);
	f->size = (unsigned long long)st->st_size;
	f->ino = st->st_ino;
	f->mode = st->st_mode;
	f->place = place;
}

static size_t find_file(const struct discarded *d, const char *path)
{
	size_t i = 0;
	while (i < d->n && strcmp(d->files[i].path, path) != 0)
		i++;
	return i;
}

bool discard_listed(const struct discarded *d, const char *path)
{
	return find_file(d, path) < d->n;
}

void discard_forget(struct discarded *d, const char *path)
{
	size_t i = find_file(d, path);
	if (i == d->n)
		return;
	free(d->files[i].path);
	free(d->files[i].not_kept);
	memmove(&d->files[i], &d->files[i + 1], (d->n - i - 1) * sizeof(d->files[0]));
	d->n--;
}

int discard_open(const struct discarded *d, const char *path, int flags, size_t *place)
{
	/* The innermost place: a home below /tmp is a tmpfs of its own. */
	size_t best = SIZE_MAX, best_len = 0;
	for (size_t i = 0; i < d->n_places; i++) {
		size_t len = strlen(d->places[i].path);
		if (path_within(path, d->places[i].path) && path[len] == '/' && (best == SIZE_MAX || len > best_len)) {
			best = i;
			best_len = len;
		}
	}
	if (best == SIZE_MAX)
		return -ESRCH;
	*place = best;
	return open_below(d->places[best].fd, path + best_len + 1, flags, 0);
}

/* Walks the directory open as fd (taken over), whose sandbox path is w->path[0..len). */
static void walk_dir(struct walker *w, int fd, size_t len, int depth)
{
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		w->d->unreadable++;
		return;
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (w->d->entries >= DISCARD_MAX_ENTRIES) {
			w->d->more = true;
			break;
		}
		w->d->entries++;
		/* One fstatat per file is most of the cost (tmpfs fills d_type and d_ino): none for
		 * symlinks, sockets and sbx's own placeholders, whose inode numbers are the lower ones
		 * (see mount_step.discard_first_ino). */
		unsigned char type = e->d_type;
		if ((type != DT_REG && type != DT_DIR && type != DT_UNKNOWN) ||
		    (type == DT_REG && (unsigned long long)e->d_ino <= w->first_ino))
			continue;
		size_t name_len = strlen(name);
		struct stat st = { 0 };
		if (type != DT_DIR && fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (type != DT_DIR && S_ISREG(st.st_mode)) {
			if ((unsigned long long)st.st_ino > w->first_ino)
				add_file(w, len, name, &st);
		} else if (type == DT_DIR || S_ISDIR(st.st_mode)) {
			if (depth >= DISCARD_MAX_DEPTH || len + 1 + name_len >= sizeof(w->path)) {
				w->d->more = true;
				continue;
			}
			int sub = open_below(dirfd(dir), name, O_RDONLY | O_DIRECTORY, 0);
			if (sub == -EXDEV)
				continue;  /* a grant's mount point, were the sandbox's mounts still there */
			if (sub < 0) {
				w->d->unreadable++;
				continue;
			}
			w->path[len] = '/';
			memcpy(w->path + len + 1, name, name_len + 1);
			walk_dir(w, sub, len + 1 + name_len, depth + 1);
			w->path[len] = '\0';
		}
	}
	closedir(dir);
}

void discard_walk(struct discarded *d, int rootfd, const char *root_path, unsigned long long first_ino)
{
	struct discard_place *pl = ARRAY_PUSH(d->places, d->n_places);
	pl->fd = rootfd;
	pl->path = xstrdup(root_path);
	struct walker *w = xcalloc(1, sizeof(*w));
	w->d = d;
	w->place = d->n_places - 1;
	w->first_ino = first_ino;
	size_t len = strlen(root_path);
	while (len > 0 && root_path[len - 1] == '/')
		len--;
	if (len < sizeof(w->path)) {
		memcpy(w->path, root_path, len);
		w->path[len] = '\0';
		int fd = open_below(rootfd, ".", O_RDONLY | O_DIRECTORY, 0);
		if (fd >= 0)
			walk_dir(w, fd, len, 0);
		else
			d->unreadable++;
	}
	free(w);
}

static int by_size_then_path(const void *a, const void *b)
{
	const struct discarded_file *x = a, *y = b;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

void discard_sort(struct discarded *d)
{
	if (d->n > 1)
		qsort(d->files, d->n, sizeof(d->files[0]), by_size_then_path);
}

bool discard_receive(int sock, struct discard_roots *roots)
{
	if (roots->received)
		return true;
	union {
		char buf[CMSG_SPACE(DISCARD_MAX_ROOTS * sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec iov = { .iov_base = roots->msg, .iov_len = sizeof(roots->msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	ssize_t got = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (got <= 0)
		return false;
	roots->received = true;
	roots->n_msg = (size_t)got / sizeof(roots->msg[0]);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || roots->n_fds)
			continue;
		roots->n_fds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (roots->n_fds > DISCARD_MAX_ROOTS)
			roots->n_fds = DISCARD_MAX_ROOTS;
		memcpy(roots->fds, CMSG_DATA(c), roots->n_fds * sizeof(int));
	}
	return true;
}

void discard_collect(int sock, const struct mount_plan *plan, struct discard_roots *roots, struct discarded *d)
{
	if (!discard_receive(sock, roots))
		return;
	for (size_t i = 0; i < roots->n_fds; i++) {
		const struct discard_msg *m = &roots->msg[i];
		if (i < roots->n_msg && m->step < plan->n && plan->steps[m->step].discards)
			discard_walk(d, roots->fds[i], plan->steps[m->step].dst, m->first_ino);
		else
			close(roots->fds[i]);
	}
	roots->n_fds = 0;
	discard_sort(d);
}

/* ---- parent side: keeping them ---- */

int discard_keep_open(const char *dir, const char *cwd, const struct mount_plan *plan, struct discarded *d,
		      int *out, struct sbx_error *err)
{
	_cleanup_free_ char *abs = dir[0] == '/' ? xstrdup(dir) : xasprintf("%s/%s", cwd, dir);
	size_t len = strlen(abs);
	while (len > 1 && abs[len - 1] == '/')
		abs[--len] = '\0';
	char *slash = strrchr(abs, '/');
	const char *name = slash ? slash + 1 : "";
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return sbx_fail(err, 0, "--keep-discarded '%s': name a directory (not /, nor one ending in . or ..)",
				dir);
	_cleanup_free_ char *parent = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
	_cleanup_close_ int pfd = -1;
	size_t hit = SIZE_MAX;
	int r = hostpath_open(parent, plan->anchors, plan->n_anchors, &pfd, &hit);
	if ((r == -ELOOP || r == -EXDEV) && hit < plan->n_anchors)
		return sbx_fail(err, 0, "--keep-discarded %s: a symlink inside the writable grant %s, which a "
				"sandbox could have planted; refusing to follow it", dir,
				plan->steps[plan->anchor_step[hit]].src);
	if (r < 0)
		return sbx_fail(err, -r, "--keep-discarded %s", dir);
	if (mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
		return sbx_fail(err, errno, "--keep-discarded %s: cannot create it", dir);
	int fd = openat(pfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sbx_fail(err, errno == ELOOP ? ENOTDIR : errno, "--keep-discarded %s", dir);
	d->kept_dir = TAKE_PTR(abs);
	*out = fd;
	return 0;
}

/* Creates the directories of rel's parent below keep_fd; returns an fd on it (or -errno) and
 * points *name at rel's last component. */
static int make_parents(int keep_fd, char *rel, const char **name)
{
	int fd = (int)fcntl(keep_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	char *comp = rel;
	for (char *slash; (slash = strchr(comp, '/')); comp = slash + 1) {
		*slash = '\0';
		if (mkdirat(fd, comp, 0700) < 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			return -e;
		}
		int next = open_below(fd, comp, O_PATH | O_DIRECTORY, 0);
		close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	*name = comp;
	return fd;
}

/* Copies one file; NULL when done, else why not. */
static char *keep_one(const struct discarded *d, const struct discarded_file *f, int keep_fd)
{
	const struct discard_place *pl = &d->places[f->place];
	const char *rel = f->path + strlen(pl->path);
	while (*rel == '/')
		rel++;
	_cleanup_close_ int src = open_below(pl->fd, rel, O_RDONLY | O_NONBLOCK, 0);
	struct stat st;
	if (src < 0)
		return xasprintf("cannot open it: %s", strerror(-src));
	if (fstat(src, &st) < 0 || !S_ISREG(st.st_mode) || st.st_ino != f->ino)
		return xstrdup("it changed");
	_cleanup_free_ char *dst = xstrdup(f->path + 1);
	const char *name = dst;
	_cleanup_close_ int dirfd = make_parents(keep_fd, dst, &name);
	if (dirfd < 0)
		return xasprintf("cannot create its directory: %s", strerror(-dirfd));
	_cleanup_close_ int out = open_below(dirfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (out == -EEXIST)
		return xstrdup("a file of that name is already there");
	if (out < 0)
		return xasprintf("cannot create it: %s", strerror(-out));
	int r = file_copy_data(src, out, NULL);
	if (r == 0 && fchmod(out, (st.st_mode & 0777) | S_IRUSR | S_IWUSR) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, name, 0);
		return xasprintf("cannot copy it: %s", strerror(-r));
	}
	return NULL;
}

void discard_keep(struct discarded *d, int keep_fd)
{
	for (size_t i = 0; i < d->n; i++) {
		struct discarded_file *f = &d->files[i];
		f->not_kept = keep_one(d, f, keep_fd);
		f->kept = !f->not_kept;
		d->n_kept += f->kept;
	}
}

/* ---- reporting ---- */

void discard_size_format(unsigned long long bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", bytes);
		return;
	}
	double v = (double)bytes / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* A sandbox path as the user knows it ("~/new.txt"), with control characters shown as '?': the
 * names come from the sandbox and must not drive the terminal. */
char *discard_display_path(const char *path, const struct identity *id)
{
	char *s = id->home && strcmp(id->home, "/") != 0 && path_within(path, id->home)
			  ? xasprintf("~%s", path + strlen(id->home))
			  : xstrdup(path);
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	return s;
}

/* The host directory whose grant would have kept the file at path: the nearest existing one
 * above it, below the place the file was in, that a working-directory grant would accept. */
static char *grant_for(const struct discarded *d, const struct discarded_file *f, const struct identity *id)
{
	const char *root = d->places[f->place].path;
	_cleanup_free_ char *dir = xstrdup(f->path);
	_cleanup_free_ char *ssh = xasprintf("%s/.ssh", id->home);
	_cleanup_free_ char *gnupg = xasprintf("%s/.gnupg", id->home);
	_cleanup_free_ char *config = xasprintf("%s/sbx", id->config_home);
	const char *const secret[] = { ssh, gnupg, config, NULL };
	for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
		*slash = '\0';
		if (!path_within(dir, root) || strcmp(dir, root) == 0)
			return NULL;
		struct stat st;
		if (stat(dir, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode))
			return NULL;
		_cleanup_free_ char *refusal = workdir_refusal(dir, id->home, id->runtime_dir, secret);
		return refusal ? NULL : xstrdup(dir);
	}
	return NULL;
}

static void report_file(const struct discarded *d, const struct discarded_file *f, const struct identity *id,
			FILE *out)
{
	char size[32];
	discard_size_format(f->size, size, sizeof(size));
	_cleanup_free_ char *shown = discard_display_path(f->path, id);
	fprintf(out, "  %s  %s", shown, size);
	if (d->kept_dir && f->not_kept) {
		fprintf(out, "  (not kept: %s)", f->not_kept);
	} else if (!d->kept_dir) {
		_cleanup_free_ char *grant = grant_for(d, f, id);
		_cleanup_free_ char *grant_shown = grant ? discard_display_path(grant, id) : NULL;
		if (grant_shown)
			fprintf(out, "  (--bind %s keeps it)", grant_shown);
	}
	fputc('\n', out);
}

void discarded_report(const struct discarded *d, const struct identity *id, const char *cmd, bool quiet,
		      FILE *out)
{
	if (d->n == 0 && !d->more && !d->unreadable)
		return;
	size_t not_kept = d->n - d->n_kept;
	bool all_kept = d->kept_dir && not_kept == 0 && !d->more && !d->unreadable;
	if (all_kept && quiet)
		return;
	char count[64];
	snprintf(count, sizeof(count), "%s%zu file%s", d->more ? "at least " : "", d->n,
		 d->n == 1 && !d->more ? "" : "s");
	if (all_kept)
		fprintf(out, "sbx: %s wrote %s that the sandbox discarded; copied to %s:\n", cmd, count,
			d->kept_dir);
	else if (d->kept_dir)
		fprintf(out, "sbx: warning: %s wrote %s that the sandbox discarded; %zu copied to %s, %zu not:\n",
			cmd, count, d->n_kept, d->kept_dir, not_kept);
	else
		fprintf(out, "sbx: warning: %s wrote %s that the sandbox discarded (keep files with --bind DIR "
			     "or --keep-discarded DIR):\n", cmd, count);
	/* Those not kept first: they are what the user has to act on. */
	size_t shown = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < d->n && shown < DISCARD_SHOWN; i++)
			if ((pass == 0) == (d->kept_dir && d->files[i].not_kept)) {
				report_file(d, &d->files[i], id, out);
				shown++;
			}
	if (d->more)
		fprintf(out, "  ... and more: sbx stops looking after %d entries or %d directories deep%s\n",
			DISCARD_MAX_ENTRIES, DISCARD_MAX_DEPTH, d->kept_dir ? " (the rest was not copied)" : "");
	else if (d->n > shown)
		fprintf(out, "  ... and %zu more (--json lists them)\n", d->n - shown);
	if (d->unreadable)
		fprintf(out, "  ... and whatever is in %u director%s that sbx could not read\n", d->unreadable,
			d->unreadable == 1 ? "y" : "ies");
}

void discarded_report_json(const struct discarded *d, FILE *out)
{
	fputs(",\"discarded\":[", out);
	for (size_t i = 0; i < d->n; i++) {
		fputs(i ? ",{\"path\":" : "{\"path\":", out);
		json_string(out, d->files[i].path);
		fprintf(out, ",\"size\":%llu", d->files[i].size);
		if (d->kept_dir)
			fprintf(out, ",\"kept\":%s", d->files[i].kept ? "true" : "false");
		fputc('}', out);
	}
	fprintf(out, "],\"discarded_more\":%s", d->more || d->unreadable ? "true" : "false");
	if (d->kept_dir) {
		fputs(",\"kept_in\":", out);
		json_string(out, d->kept_dir);
	}
}

void discarded_free(struct discarded *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->files[i].path);
		free(d->files[i].not_kept);
	}
	free(d->files);
	for (size_t i = 0; i < d->n_places; i++) {
		close(d->places[i].fd);
		free(d->places[i].path);
	}
	free(d->places);
	free(d->kept_dir);
	memset(d, 0, sizeof(*d));
}
