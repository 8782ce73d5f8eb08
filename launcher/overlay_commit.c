#include "overlay_commit.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "appstate.h"
#include "overlay.h"

/* Every host-side path below the overlaid directory, and every upper-layer path below the upper
 * directory, is resolved with these: no "..", no symlink (not even in the middle of the path), no
 * /proc magic link, no other mount. */
#define RESOLVE_TREE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)
/* Host renames waiting for one syncfs: the data of many files is synced at once, and each file is
 * renamed into place only after its data is on disk. */
#define PENDING_MAX 8192

static int tree_open(int root, const char *rel, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = RESOLVE_TREE };
	long fd = syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* The directory (an O_PATH fd below root) holding rel, and rel's last component in *name. */
static int tree_parent(int root, const char *rel, const char **name)
{
	const char *slash = strrchr(rel, '/');
	*name = slash ? slash + 1 : rel;
	if (!slash)
		return tree_open(root, ".", O_PATH | O_DIRECTORY);
	_cleanup_free_ char *dir = xstrndup(rel, (size_t)(slash - rel));
	return tree_open(root, dir, O_PATH | O_DIRECTORY);
}

static int tree_statx(int root, const char *rel, struct statx *sx)
{
	const char *name;
	_cleanup_close_ int parent = tree_parent(root, rel, &name);
	if (parent < 0)
		return parent;
	return statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, sx) < 0 ? -errno : 0;
}

static char *join(const char *rel, const char *name)
{
	return *rel ? xasprintf("%s/%s", rel, name) : xstrdup(name);
}

static bool not_older(const struct statx_timestamp *a, const struct statx_timestamp *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory fd, sorted; NULL-terminated. */
static char **list_dir(int fd, size_t *count)
{
	char **names = NULL;
	*count = 0;
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	if (!d && dup_fd >= 0)
		close(dup_fd);
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*ARRAY_PUSH(names, *count) = xstrdup(e->d_name);
	if (d)
		closedir(d);
	if (*count)
		qsort(names, *count, sizeof(*names), compare_names);
	*ARRAY_PUSH(names, *count) = NULL;
	(*count)--;
	return names;
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* ---- the journal ---- */

/* Bytes a journal line cannot hold as they are: %XX. */
static void put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '%')
			fprintf(f, "%%%02X", *p);
		else
			fputc(*p, f);
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool valid_kind(char k)
{
	return k && strchr("XDWTUR", k);
}

/* A relative path commit can have written: no empty, "." or ".." component, no leading '/'. */
static bool valid_rel(const char *p)
{
	if (!*p)
		return true;  /* the overlaid directory itself (T only) */
	for (const char *c = p;;) {
		const char *end = strchrnul(c, '/');
		size_t n = (size_t)(end - c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!*end)
			return true;
		c = end + 1;
	}
}

void overlay_commit_journal_free(struct commit_journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->paths[i]);
	free(j->paths);
	free(j->kinds);
	*j = (struct commit_journal){ 0 };
}

int overlay_commit_parse_journal(const char *text, size_t len, struct commit_journal *j)
{
	*j = (struct commit_journal){ 0 };
	size_t n_kinds = 0;
	const char *p = text, *end = text + len;
	static const char header[] = "sbx-overlay-commit 1 ";
	if (len < sizeof(header) - 1 + 16 + 1 || memcmp(p, header, sizeof(header) - 1) != 0)
		return -1;
	p += sizeof(header) - 1;
	for (int i = 0; i < 16; i++) {
		if (hexval(p[i]) < 0 && !(p[i] >= 'a' && p[i] <= 'f'))
			return -1;
		j->tag[i] = p[i];
	}
	p += 16;
	if (*p++ != '\n')
		return -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			goto bad;  /* a torn last line: the journal was not complete, never used */
		size_t n = (size_t)(nl - p);
		if (n == 7 && memcmp(p, "applied", 7) == 0 && nl + 1 == end) {
			j->applied = true;
			break;
		}
		if (n < 2 || !valid_kind(p[0]) || p[1] != ' ' || memchr(p, '\0', n))
			goto bad;
		char *path = xmalloc(n), *w = path;
		for (const char *c = p + 2; c < nl; c++) {
			if (*c == '%') {
				if (nl - c < 3 || hexval(c[1]) < 0 || hexval(c[2]) < 0 || (c[1] == '0' && c[2] == '0')) {
					free(path);
					goto bad;
				}
				*w++ = (char)(hexval(c[1]) * 16 + hexval(c[2]));
				c += 2;
			} else {
				*w++ = *c;
			}
		}
		*w = '\0';
		if (!valid_rel(path) || (!*path && p[0] != 'T')) {
			free(path);
			goto bad;
		}
		*ARRAY_PUSH(j->kinds, n_kinds) = p[0];
		*ARRAY_PUSH(j->paths, j->n) = path;
		p = nl + 1;
	}
	return (int)(j->n > 0x7fffffff ? 0x7fffffff : j->n);
bad:
	overlay_commit_journal_free(j);
	return -1;
}

/* ---- planning ---- */

struct op {
	char kind;
	char *path;
};

struct commit {
	int host;   /* the overlaid directory on the host */
	int upper;  /* its upper layer */
	dev_t host_dev;
	bool root;  /* run by root: owners are applied too */
	const char *lower;
	FILE *out;
	struct op *ops;  /* host side, in order */
	size_t n_ops;
	struct op *clean;  /* upper side, once the host's side is synced */
	size_t n_clean;
	size_t added, modified, deleted, conflicts, skipped;
};

static void add_op(struct op **ops, size_t *n, char kind, const char *path)
{
	struct op *o = ARRAY_PUSH(*ops, *n);
	o->kind = kind;
	o->path = xstrdup(path);
}

static void say(struct commit *c, const char *word, const char *rel, bool dir, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void say(struct commit *c, const char *word, const char *rel, bool dir, const char *fmt, ...)
{
	fprintf(c->out, "%-9s %s/%s%s", word, strcmp(c->lower, "/") ? c->lower : "", rel, dir ? "/" : "");
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs("  ", c->out);
		vfprintf(c->out, fmt, ap);
		va_end(ap);
	}
	fputc('\n', c->out);
}

static void conflict(struct commit *c, const char *rel, bool dir, const char *why)
{
	c->conflicts++;
	say(c, "conflict", rel, dir, "%s", why);
}

/* Why a host path could not be looked at safely. */
static const char *unsafe_reason(int r)
{
	return r == -ELOOP ? "a symlink on the host now stands in its path; not followed"
	     : r == -EXDEV ? "a mount point on the host now stands in its path"
	     : r == -ENOTDIR ? "a file on the host now stands in its path"
	     : strerror(-r);
}

static bool same_dev(const struct statx *sx, dev_t dev)
{
	return makedev(sx->stx_dev_major, sx->stx_dev_minor) == dev;
}

/* Whether the host path rel (statx hx), or anything below it when a directory, changed at or after
 * `since`, the birth of the upper entry that replaces or deletes it. No birth time: always. */
static bool host_changed(struct commit *c, const char *rel, const struct statx *hx,
			 const struct statx_timestamp *since)
{
	if (!since || not_older(&hx->stx_ctime, since) || !same_dev(hx, c->host_dev))
		return true;
	if (!S_ISDIR(hx->stx_mode))
		return false;
	_cleanup_close_ int fd = tree_open(c->host, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return true;
	size_t n;
	char **names = list_dir(fd, &n);
	bool changed = false;
	for (size_t i = 0; i < n && !changed; i++) {
		struct statx sx;
		_cleanup_free_ char *path = join(rel, names[i]);
		changed = statx(fd, names[i], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0 ||
			  host_changed(c, path, &sx, since);
	}
	free_names(names);
	return changed;
}

static bool same_bytes(int a, int b)
{
	char ba[65536], bb[65536];
	for (;;) {
		ssize_t na = read(a, ba, sizeof(ba));
		ssize_t nb = na <= 0 ? na : read(b, bb, (size_t)na);
		if (na < 0 || nb != na)
			return false;
		if (na == 0)
			return read(b, bb, 1) == 0;
		if (memcmp(ba, bb, (size_t)na) != 0)
			return false;
	}
}

/* The mode a file gets on the host: setuid and setgid bits are never committed. */
static mode_t host_mode(mode_t mode, bool dir)
{
	return mode & (dir ? 07777 : 01777);
}

/* Whether the host entry already is what the upper entry (ufd/name, ux) says: same type, bytes or
 * target, mode, mtime and (root) owner. *same_data says whether only metadata differs. */
static bool host_is(struct commit *c, int ufd, const char *name, const struct statx *ux, const char *rel,
		    const struct statx *hx, bool *same_data)
{
	*same_data = false;
	if ((ux->stx_mode & S_IFMT) != (hx->stx_mode & S_IFMT))
		return false;
	if (S_ISREG(ux->stx_mode)) {
		if (ux->stx_size != hx->stx_size)
			return false;
		_cleanup_close_ int a = openat(ufd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		_cleanup_close_ int b = tree_open(c->host, rel, O_RDONLY | O_NOFOLLOW);
		*same_data = a >= 0 && b >= 0 && same_bytes(a, b);
	} else if (S_ISLNK(ux->stx_mode)) {
		char ta[4096], tb[4096];
		const char *hname;
		_cleanup_close_ int hp = tree_parent(c->host, rel, &hname);
		ssize_t na = readlinkat(ufd, name, ta, sizeof(ta));
		ssize_t nb = hp < 0 ? -1 : readlinkat(hp, hname, tb, sizeof(tb));
		*same_data = na >= 0 && na == nb && memcmp(ta, tb, (size_t)na) == 0;
		/* A symlink's mode and times are not committed. */
		return *same_data && (!c->root || (ux->stx_uid == hx->stx_uid && ux->stx_gid == hx->stx_gid));
	} else {
		*same_data = true;  /* a fifo */
	}
	return *same_data && host_mode(ux->stx_mode, false) == (hx->stx_mode & 07777) &&
	       ux->stx_mtime.tv_sec == hx->stx_mtime.tv_sec && ux->stx_mtime.tv_nsec == hx->stx_mtime.tv_nsec &&
	       (!c->root || (ux->stx_uid == hx->stx_uid && ux->stx_gid == hx->stx_gid));
}

static bool contains(char **names, size_t n, const char *name)
{
	return bsearch(&name, names, n, sizeof(*names), compare_names) != NULL;
}

static bool plan_dir(struct commit *c, int ufd, const char *rel, bool host_dir, bool opaque,
		     const struct statx_timestamp *dir_born);

/* One upper entry (not a whiteout, not a directory): a file, symlink or fifo. */
static bool plan_file(struct commit *c, int ufd, const char *name, const char *path, const struct statx *ux,
		      const struct statx_timestamp *born, bool exists, const struct statx *hx)
{
	if (!S_ISREG(ux->stx_mode) && !S_ISLNK(ux->stx_mode) && !S_ISFIFO(ux->stx_mode)) {
		c->skipped++;
		say(c, "skipped", path, false, "a socket or device node is not committed");
		return false;
	}
	/* Nothing to write when the host already is what the app made (copied up and not changed, or
	 * written by an earlier commit): no conflict either, nothing of either side is lost. */
	bool same_data = false;
	if (exists && host_is(c, ufd, name, ux, path, hx, &same_data)) {
		add_op(&c->clean, &c->n_clean, 'U', path);
		return true;
	}
	if (exists && host_changed(c, path, hx, born)) {
		conflict(c, path, S_ISDIR(hx->stx_mode), born ? "changed on the host since the app changed it"
								   : "the upper layer's filesystem keeps no creation "
								     "times to compare with");
		return false;
	}
	if (exists && S_ISDIR(hx->stx_mode)) {
		add_op(&c->ops, &c->n_ops, 'X', path);
		c->deleted++;
		say(c, "deleted", path, true, NULL);
	}
	add_op(&c->ops, &c->n_ops, 'W', path);
	add_op(&c->clean, &c->n_clean, 'U', path);
	if (!exists || S_ISDIR(hx->stx_mode)) {
		c->added++;
		if (S_ISREG(ux->stx_mode))
			say(c, "added", path, false, "%lld bytes", (long long)ux->stx_size);
		else
			say(c, "added", path, false, S_ISLNK(ux->stx_mode) ? "symlink" : "fifo");
	} else if (same_data) {
		c->modified++;
		if ((hx->stx_mode & 07777) != host_mode(ux->stx_mode, false))
			say(c, "mode", path, false, "%04o -> %04o", (unsigned)(hx->stx_mode & 07777),
			    (unsigned)host_mode(ux->stx_mode, false));
		else
			say(c, "touched", path, false, "times or owner");
	} else {
		c->modified++;
		if (S_ISREG(ux->stx_mode))
			say(c, "modified", path, false, "%lld -> %lld bytes", (long long)hx->stx_size,
			    (long long)ux->stx_size);
		else
			say(c, "modified", path, false, S_ISLNK(ux->stx_mode) ? "symlink" : "fifo");
	}
	if (S_ISREG(ux->stx_mode) && (ux->stx_mode & (S_ISUID | S_ISGID)))
		fprintf(c->out, "          (its setuid/setgid bits are not committed)\n");
	return true;
}

/* An upper directory: merged with the host's (recursing), or replacing it (opaque). */
static bool plan_subdir(struct commit *c, int ufd, const char *name, const char *path, const struct statx *ux,
			const struct statx_timestamp *born, bool opaque, const struct statx_timestamp *opaque_born,
			bool exists, const struct statx *hx)
{
	_cleanup_close_ int sub = openat(ufd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0) {
		c->skipped++;
		say(c, "skipped", path, true, "%s", strerror(errno));
		return false;
	}
	bool op_sub = opaque || overlay_is_opaque(sub);
	bool host_dir = exists && S_ISDIR(hx->stx_mode);
	if (exists && !host_dir) {
		if (!op_sub) {
			conflict(c, path, true, "the host replaced this directory by a file or symlink; not followed");
			return false;
		}
		if (host_changed(c, path, hx, born)) {
			conflict(c, path, false, "changed on the host since the app replaced it");
			return false;
		}
		add_op(&c->ops, &c->n_ops, 'X', path);
		c->deleted++;
		say(c, "deleted", path, false, NULL);
	}
	if (!host_dir) {
		add_op(&c->ops, &c->n_ops, 'D', path);
		c->added++;
		say(c, "added", path, true, NULL);
	} else if ((hx->stx_mode & 07777) != (ux->stx_mode & 07777)) {
		c->modified++;
		say(c, "mode", path, true, "%04o -> %04o", (unsigned)(hx->stx_mode & 07777),
		    (unsigned)(ux->stx_mode & 07777));
	}
	/* Below a directory the app made again, the host's entries are judged against that moment. */
	size_t n_clean = c->n_clean;
	bool clean = plan_dir(c, sub, path, host_dir, op_sub, opaque ? opaque_born : born);
	add_op(&c->ops, &c->n_ops, 'T', path);
	if (clean) {
		add_op(&c->clean, &c->n_clean, 'R', path);
	} else if (op_sub) {
		/* An opaque directory that stays (a conflict below it) hides the host's entries: what was
		 * applied from it stays in the upper layer too, or the app would no longer see it. */
		while (c->n_clean > n_clean)
			free(c->clean[--c->n_clean].path);
	}
	return clean;
}

/* The upper directory ufd at rel. host_dir: the host has a directory there. opaque: nothing of the
 * host's below rel shows in the merged view (the app deleted the directory and made it again);
 * dir_born is then when. Returns whether everything below is planned (no conflict left). */
static bool plan_dir(struct commit *c, int ufd, const char *rel, bool host_dir, bool opaque,
		     const struct statx_timestamp *dir_born)
{
	bool clean = true;
	size_t n;
	char **names = list_dir(ufd, &n);
	if (opaque && host_dir) {
		/* The host's entries the upper does not hold are gone in the merged view. */
		_cleanup_close_ int hfd = tree_open(c->host, rel, O_RDONLY | O_DIRECTORY);
		size_t n_host = 0;
		char **host_names = hfd < 0 ? NULL : list_dir(hfd, &n_host);
		for (size_t i = 0; i < n_host; i++) {
			if (contains(names, n, host_names[i]))
				continue;
			_cleanup_free_ char *path = join(rel, host_names[i]);
			struct statx hx;
			if (statx(hfd, host_names[i], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &hx) < 0)
				continue;
			if (host_changed(c, path, &hx, dir_born)) {
				conflict(c, path, S_ISDIR(hx.stx_mode), "changed on the host since the app replaced "
									"its directory");
				clean = false;
				continue;
			}
			add_op(&c->ops, &c->n_ops, 'X', path);
			c->deleted++;
			say(c, "deleted", path, S_ISDIR(hx.stx_mode), NULL);
		}
		free_names(host_names);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		_cleanup_free_ char *path = join(rel, name);
		struct statx ux, hx;
		struct stat ust;
		if (statx(ufd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &ux) < 0 ||
		    fstatat(ufd, name, &ust, AT_SYMLINK_NOFOLLOW) < 0) {
			clean = false;
			continue;
		}
		const struct statx_timestamp *born = ux.stx_mask & STATX_BTIME ? &ux.stx_btime : NULL;
		/* In a directory the app deleted and made again, every host entry it replaces was already
		 * gone from its view when the directory was made. */
		const struct statx_timestamp *since = opaque ? dir_born : born;
		int h = host_dir ? tree_statx(c->host, path, &hx) : -ENOENT;
		if (h < 0 && h != -ENOENT) {
			conflict(c, path, S_ISDIR(ux.stx_mode), unsafe_reason(h));
			clean = false;
			continue;
		}
		bool exists = h == 0;
		if (overlay_is_whiteout(ufd, name, &ust)) {
			if (!exists) {
				add_op(&c->clean, &c->n_clean, 'U', path);
			} else if (host_changed(c, path, &hx, since)) {
				conflict(c, path, S_ISDIR(hx.stx_mode), since ? "changed on the host since the app deleted it"
									      : "the upper layer's filesystem keeps no "
										"creation times to compare with");
				clean = false;
			} else {
				add_op(&c->ops, &c->n_ops, 'X', path);
				add_op(&c->clean, &c->n_clean, 'U', path);
				c->deleted++;
				say(c, "deleted", path, S_ISDIR(hx.stx_mode), NULL);
			}
			continue;
		}
		bool ok = S_ISDIR(ux.stx_mode) ? plan_subdir(c, ufd, name, path, &ux, since, opaque, dir_born, exists, &hx)
					       : plan_file(c, ufd, name, path, &ux, since, exists, &hx);
		clean = clean && ok;
	}
	free_names(names);
	return clean;
}

/* ---- applying ---- */

struct pending {
	char *rel;
	char *tmp;
};

struct exec {
	int host;
	int upper;
	dev_t host_dev;
	bool root;
	const char *tag;
	bool resumed;  /* finishing a journal an earlier run wrote: its temporary files may exist */
	long long steps, kill_after;
	struct pending *pending;
	size_t n_pending;
};

/* A test hook: SBX_TEST_COMMIT_KILL_AFTER=N makes commit SIGKILL itself after N steps, as a crash
 * at that point would stop it (tests/integration/overlay-commit.bats). */
static void step(struct exec *x)
{
	if (++x->steps == x->kill_after)
		kill(getpid(), SIGKILL);
}

int overlay_copy_data(int src, int dst, bool *cloned)
{
	*cloned = ioctl(dst, FICLONE, src) == 0;
	if (*cloned)
		return 0;
	for (;;) {
		ssize_t n = copy_file_range(src, NULL, dst, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0)
			break;
	}
	/* Another filesystem (or a kernel without it): bytes through a buffer, from the start. */
	if (lseek(src, 0, SEEK_SET) < 0 || lseek(dst, 0, SEEK_SET) < 0 || ftruncate(dst, 0) < 0)
		return -errno;
	char buf[65536];
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0)
			return -errno;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(dst, buf + off, (size_t)(n - off));
			if (w < 0)
				return -errno;
			off += w;
		}
	}
}

/* W: the upper entry at rel made again as a temporary file next to the host's, renamed into place at
 * the next flush. The upper file is read, never written, and never opened through a link. */
static int exec_write(struct exec *x, const char *rel, size_t index)
{
	const char *name, *uname;
	_cleanup_close_ int parent = tree_parent(x->host, rel, &name);
	if (parent < 0)
		return parent;
	_cleanup_close_ int uparent = tree_parent(x->upper, rel, &uname);
	if (uparent < 0)
		return uparent;
	struct stat st;
	if (fstatat(uparent, uname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ".sbx-commit.%s.%zu", x->tag, index);
	if (x->resumed && unlinkat(parent, tmp, 0) < 0 && errno != ENOENT)  /* left by the interrupted run */
		return -errno;
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(uparent, uname, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, parent, tmp) < 0)
			return -errno;
		step(x);
		if (x->root && fchownat(parent, tmp, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	} else if (S_ISFIFO(st.st_mode)) {
		if (mkfifoat(parent, tmp, 0600) < 0)
			return -errno;
		step(x);
		if ((x->root && fchownat(parent, tmp, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0) ||
		    fchmodat(parent, tmp, host_mode(st.st_mode, false), 0) < 0 ||
		    utimensat(parent, tmp, times, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
	} else if (S_ISREG(st.st_mode)) {
		_cleanup_close_ int src = openat(uparent, uname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (src < 0)
			return -errno;
		_cleanup_close_ int dst = openat(parent, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (dst < 0)
			return -errno;
		step(x);
		bool cloned;
		int r = overlay_copy_data(src, dst, &cloned);
		if (r < 0)
			return r;
		if ((x->root && fchown(dst, st.st_uid, st.st_gid) < 0) || fchmod(dst, host_mode(st.st_mode, false)) < 0 ||
		    futimens(dst, times) < 0)
			return -errno;
		step(x);
	} else {
		return -EINVAL;
	}
	struct pending *p = ARRAY_PUSH(x->pending, x->n_pending);
	p->rel = xstrdup(rel);
	p->tmp = xstrdup(tmp);
	return 0;
}

/* The temporary files written so far are synced (one syncfs), then renamed over the host's. */
static int flush(struct exec *x)
{
	int first = 0;
	if (x->n_pending && syncfs(x->host) < 0)
		return -errno;
	for (size_t i = 0; i < x->n_pending; i++) {
		struct pending *p = &x->pending[i];
		const char *name;
		_cleanup_close_ int parent = tree_parent(x->host, p->rel, &name);
		int r = parent < 0 ? parent : renameat(parent, p->tmp, parent, name) < 0 ? -errno : 0;
		if (r == 0)
			step(x);
		first = first ? first : r;
		free(p->rel);
		free(p->tmp);
	}
	free(x->pending);
	x->pending = NULL;
	x->n_pending = 0;
	return first;
}

/* Everything at parent/name, a directory emptied first; never leaves the host's filesystem. */
static int remove_tree(struct exec *x, int parent, const char *name)
{
	struct statx sx;
	if (statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!same_dev(&sx, x->host_dev))
		return -EXDEV;
	if (S_ISDIR(sx.stx_mode)) {
		_cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		size_t n;
		char **names = list_dir(fd, &n);
		int r = 0;
		for (size_t i = 0; i < n && r == 0; i++)
			r = remove_tree(x, fd, names[i]);
		free_names(names);
		if (r < 0)
			return r;
	}
	if (unlinkat(parent, name, S_ISDIR(sx.stx_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
		return -errno;
	step(x);
	return 0;
}

/* T: a host directory gets the upper's mode, times and (root) owner. */
static int exec_dir_meta(struct exec *x, const char *rel)
{
	struct stat st;
	_cleanup_close_ int up = tree_open(x->upper, rel, O_PATH | O_DIRECTORY);
	if (up < 0 || fstat(up, &st) < 0)
		return up < 0 ? up : -errno;
	_cleanup_close_ int fd = tree_open(x->host, rel, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	const struct timespec times[2] = { st.st_atim, st.st_mtim };
	if ((x->root && fchownat(fd, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0) ||
	    chmod(self, host_mode(st.st_mode, true)) < 0 || utimensat(AT_FDCWD, self, times, 0) < 0)
		return -errno;
	step(x);
	return 0;
}

static int exec_op(struct exec *x, char kind, const char *rel, size_t index)
{
	const char *name;
	if (kind == 'W')
		return exec_write(x, rel, index);
	if (kind == 'T')
		return 0;  /* after the renames (exec_all) */
	_cleanup_close_ int parent = tree_parent(kind == 'U' || kind == 'R' ? x->upper : x->host, rel, &name);
	if (parent < 0)
		return kind == 'U' || kind == 'R' ? (parent == -ENOENT ? 0 : parent) : parent;
	switch (kind) {
	case 'X':
		return remove_tree(x, parent, name);
	case 'D': {
		if (mkdirat(parent, name, 0700) == 0) {
			step(x);
			return 0;
		}
		struct stat st;
		return errno == EEXIST && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)
			       ? 0 : -EEXIST;
	}
	case 'U':
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return -errno;
		step(x);
		return 0;
	case 'R':
		if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY)
			return -errno;
		step(x);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Runs the host side (upper == false) or the upper side of a journal. Host: X, D and W in order
 * (W's renames batched), then every T, then a syncfs. Returns 0 or the first error. */
static int exec_all(struct exec *x, const struct commit_journal *j, bool upper_side, const char *lower)
{
	int first = 0;
	for (size_t i = 0; i < j->n; i++) {
		char k = j->kinds[i];
		if ((k == 'U' || k == 'R') != upper_side)
			continue;
		int r = exec_op(x, k, j->paths[i], i);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s: %s\n", lower, j->paths[i], strerror(-r));
			first = first ? first : r;
		}
		if (x->n_pending >= PENDING_MAX) {
			r = flush(x);
			first = first ? first : r;
		}
	}
	if (upper_side)
		return first;
	int r = flush(x);
	first = first ? first : r;
	for (size_t i = 0; i < j->n; i++) {
		if (j->kinds[i] != 'T')
			continue;
		r = exec_dir_meta(x, j->paths[i]);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s: %s\n", lower, j->paths[i], strerror(-r));
			first = first ? first : r;
		}
	}
	if (syncfs(x->host) < 0)
		first = first ? first : -errno;
	return first;
}

static int write_journal(int statefd, const char *tag, const struct commit *c)
{
	_cleanup_close_ int fd = openat(statefd, OVERLAY_COMMIT_JOURNAL ".new",
					O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int dup_fd = dup(fd);
	FILE *f = dup_fd < 0 ? NULL : fdopen(dup_fd, "w");
	if (!f) {
		if (dup_fd >= 0)
			close(dup_fd);
		return -ENOMEM;
	}
	fprintf(f, "sbx-overlay-commit 1 %s\n", tag);
	for (int side = 0; side < 2; side++) {
		const struct op *ops = side ? c->clean : c->ops;
		size_t n = side ? c->n_clean : c->n_ops;
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%c ", ops[i].kind);
			put_escaped(f, ops[i].path);
			fputc('\n', f);
		}
	}
	if (fclose(f) != 0 || fsync(fd) < 0)
		return -errno;
	if (renameat(statefd, OVERLAY_COMMIT_JOURNAL ".new", statefd, OVERLAY_COMMIT_JOURNAL) < 0 || fsync(statefd) < 0)
		return -errno;
	return 0;
}

static int read_journal(int statefd, struct commit_journal *j)
{
	_cleanup_close_ int fd = openat(statefd, OVERLAY_COMMIT_JOURNAL, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	_cleanup_free_ char *self = xasprintf("/proc/self/fd/%d", fd);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(self, &text, &len);
	if (r < 0)
		return r;
	return overlay_commit_parse_journal(text, len, j) < 0 ? -EBADMSG : 0;
}

/* Runs a journal to its end: the host side unless already applied, the "applied" line, the upper
 * side, and the journal's removal. */
static int finish(struct exec *x, int statefd, const struct commit_journal *j, const char *lower)
{
	if (!j->applied) {
		int r = exec_all(x, j, false, lower);
		if (r < 0)
			return r;
		_cleanup_close_ int fd = openat(statefd, OVERLAY_COMMIT_JOURNAL, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, "applied\n", 8) != 8 || fsync(fd) < 0)
			return -errno;
		step(x);
	}
	int r = exec_all(x, j, true, lower);
	if (r < 0)
		return r;
	if (unlinkat(statefd, OVERLAY_COMMIT_JOURNAL, 0) < 0 || fsync(statefd) < 0)
		return -errno;
	return 0;
}

static void plan_free(struct commit *c)
{
	for (size_t i = 0; i < c->n_ops; i++)
		free(c->ops[i].path);
	for (size_t i = 0; i < c->n_clean; i++)
		free(c->clean[i].path);
	free(c->ops);
	free(c->clean);
}

static void journal_from_plan(const struct commit *c, struct commit_journal *j)
{
	size_t n_kinds = 0;
	for (int side = 0; side < 2; side++) {
		const struct op *ops = side ? c->clean : c->ops;
		size_t n = side ? c->n_clean : c->n_ops;
		for (size_t i = 0; i < n; i++) {
			*ARRAY_PUSH(j->kinds, n_kinds) = ops[i].kind;
			*ARRAY_PUSH(j->paths, j->n) = xstrdup(ops[i].path);
		}
	}
}

int overlay_commit_one(const struct identity *id, const char *app, const char *esc, const char *lower,
		       bool dry_run)
{
	struct sbx_error err = { 0 };
	_cleanup_free_ char *sub = xasprintf("overlay/%s", esc);
	_cleanup_close_ int statefd = appstate_open(id, app, sub, false, false, &err);
	_cleanup_free_ char *upper_sub = xasprintf("overlay/%s/upper", esc);
	_cleanup_close_ int upper = statefd < 0 ? -1 : appstate_open(id, app, upper_sub, false, false, &err);
	if (upper < 0) {
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	/* The app's runs hold a shared lock on this directory (overlay_prepare_dirs). */
	if (!dry_run && flock(statefd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "sbx: overlay commit %s: %s runs with this overlay (or another commit does); "
			"commit once it has exited\n", lower, app);
		return SBX_EXIT_FAILURE;
	}
	/* The overlaid directory as named (as the run opened it); below it, nothing is followed. */
	_cleanup_close_ int host = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct statx hroot;
	if (host < 0 || statx(host, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &hroot) < 0) {
		fprintf(stderr, "sbx: overlay commit %s: %s\n", lower, strerror(errno));
		return SBX_EXIT_FAILURE;
	}
	const char *kill_after = getenv("SBX_TEST_COMMIT_KILL_AFTER");
	struct exec x = { .host = host, .upper = upper, .host_dev = makedev(hroot.stx_dev_major, hroot.stx_dev_minor),
			  .root = geteuid() == 0, .kill_after = kill_after ? atoll(kill_after) : 0 };

	struct commit_journal j = { 0 };
	int r = read_journal(statefd, &j);
	if (r == 0) {
		if (dry_run) {
			printf("%s: an interrupted commit of %s is pending (%zu operations); a commit finishes it first\n",
			       app, lower, j.n);
			overlay_commit_journal_free(&j);
			return 0;
		}
		x.tag = j.tag;
		x.resumed = true;
		r = finish(&x, statefd, &j, lower);
		x.resumed = false;
		printf("%s: finished an interrupted commit of %s\n", app, lower);
		overlay_commit_journal_free(&j);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s; the journal is kept, commit again to retry\n", lower,
				strerror(-r));
			return SBX_EXIT_FAILURE;
		}
	} else if (r != -ENOENT) {
		fprintf(stderr, "sbx: overlay commit %s: its journal %s/%s: %s\n", lower, sub, OVERLAY_COMMIT_JOURNAL,
			strerror(-r));
		return SBX_EXIT_FAILURE;
	}

	struct commit c = { .host = host, .upper = upper, .host_dev = x.host_dev, .root = x.root, .lower = lower,
			    .out = stdout };
	plan_dir(&c, upper, "", true, overlay_is_opaque(upper), NULL);
	size_t changes = c.added + c.modified + c.deleted;
	int code = 0;
	if (!dry_run && (c.n_ops || c.n_clean)) {
		unsigned char rnd[8];
		char tag[17];
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			plan_free(&c);
			return SBX_EXIT_FAILURE;
		}
		for (int i = 0; i < 8; i++)
			snprintf(tag + 2 * i, 3, "%02x", rnd[i]);
		x.tag = tag;
		r = write_journal(statefd, tag, &c);
		if (r == 0) {
			step(&x);
			struct commit_journal plan = { 0 };
			journal_from_plan(&c, &plan);
			r = finish(&x, statefd, &plan, lower);
			overlay_commit_journal_free(&plan);
		}
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s; commit again to finish\n", lower, strerror(-r));
			code = SBX_EXIT_FAILURE;
		}
	}
	if (code == 0 && (changes || c.conflicts || c.skipped))
		printf("%s: %s%zu added, %zu modified, %zu deleted, %zu conflicting%s\n", app,
		       dry_run ? "would commit " : "committed ", c.added, c.modified, c.deleted, c.conflicts,
		       dry_run ? " (dry run: nothing changed)" : c.conflicts ? " (left in the upper layer)" : "");
	else if (code == 0)
		printf("%s: nothing to commit in %s\n", app, lower);
	plan_free(&c);
	return code ? code : c.conflicts || c.skipped ? 1 : 0;
}
