#include "overlay_commit_parts.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "overlay.h"

static bool not_older(const struct statx_timestamp *a, const struct statx_timestamp *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

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
/* Whether the host path rel (statx hx), or anything below it when a directory, changed at or after
 * `since`, the birth of the upper entry that replaces or deletes it. No birth time: always. */
static bool host_changed(struct commit *c, const char *rel, const struct statx *hx,
			 const struct statx_timestamp *since)
{
	if (!since || not_older(&hx->stx_ctime, since) || !commit_same_dev(hx, c->host_dev))
		return true;
	if (!S_ISDIR(hx->stx_mode))
		return false;
	_cleanup_close_ int fd = commit_tree_open(c->host, rel, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return true;
	size_t n;
	char **names = commit_list_dir(fd, &n);
	bool changed = false;
	for (size_t i = 0; i < n && !changed; i++) {
		struct statx sx;
		_cleanup_free_ char *path = commit_join(rel, names[i]);
		changed = statx(fd, names[i], AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0 ||
			  host_changed(c, path, &sx, since);
	}
	commit_free_names(names);
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
		_cleanup_close_ int b = commit_tree_open(c->host, rel, O_RDONLY | O_NOFOLLOW);
		*same_data = a >= 0 && b >= 0 && same_bytes(a, b);
	} else if (S_ISLNK(ux->stx_mode)) {
		char ta[4096], tb[4096];
		const char *hname;
		_cleanup_close_ int hp = commit_tree_parent(c->host, rel, &hname);
		ssize_t na = readlinkat(ufd, name, ta, sizeof(ta));
		ssize_t nb = hp < 0 ? -1 : readlinkat(hp, hname, tb, sizeof(tb));
		*same_data = na >= 0 && na == nb && memcmp(ta, tb, (size_t)na) == 0;
		/* A symlink's mode and times are not committed. */
		return *same_data && (!c->root || (ux->stx_uid == hx->stx_uid && ux->stx_gid == hx->stx_gid));
	} else {
		*same_data = true;  /* a fifo */
	}
	return *same_data && commit_host_mode(ux->stx_mode, false) == (hx->stx_mode & 07777) &&
	       ux->stx_mtime.tv_sec == hx->stx_mtime.tv_sec && ux->stx_mtime.tv_nsec == hx->stx_mtime.tv_nsec &&
	       (!c->root || (ux->stx_uid == hx->stx_uid && ux->stx_gid == hx->stx_gid));
}

static bool contains(char **names, size_t n, const char *name)
{
	return bsearch(&name, names, n, sizeof(*names), commit_compare_names) != NULL;
}


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
		if ((hx->stx_mode & 07777) != commit_host_mode(ux->stx_mode, false))
			say(c, "mode", path, false, "%04o -> %04o", (unsigned)(hx->stx_mode & 07777),
			    (unsigned)commit_host_mode(ux->stx_mode, false));
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
	bool clean = commit_plan_dir(c, sub, path, host_dir, op_sub, opaque ? opaque_born : born);
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

bool commit_plan_dir(struct commit *c, int ufd, const char *rel, bool host_dir, bool opaque,
		     const struct statx_timestamp *dir_born)
{
	bool clean = true;
	size_t n;
	char **names = commit_list_dir(ufd, &n);
	if (opaque && host_dir) {
		/* The host's entries the upper does not hold are gone in the merged view. */
		_cleanup_close_ int hfd = commit_tree_open(c->host, rel, O_RDONLY | O_DIRECTORY);
		size_t n_host = 0;
		char **host_names = hfd < 0 ? NULL : commit_list_dir(hfd, &n_host);
		for (size_t i = 0; i < n_host; i++) {
			if (contains(names, n, host_names[i]))
				continue;
			_cleanup_free_ char *path = commit_join(rel, host_names[i]);
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
		commit_free_names(host_names);
	}
	/* The host's directory at rel, looked up once (beneath the overlaid directory, no symlink) for
	 * all its entries. */
	_cleanup_close_ int hdir = host_dir ? commit_tree_open(c->host, rel, O_PATH | O_DIRECTORY) : -ENOENT;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		_cleanup_free_ char *path = commit_join(rel, name);
		struct statx ux, hx;
		if (statx(ufd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &ux) < 0) {
			clean = false;
			continue;
		}
		/* What overlay_is_whiteout reads: type, device number, size. */
		struct stat ust = { .st_mode = ux.stx_mode, .st_size = (off_t)ux.stx_size,
				    .st_rdev = makedev(ux.stx_rdev_major, ux.stx_rdev_minor) };
		const struct statx_timestamp *born = ux.stx_mask & STATX_BTIME ? &ux.stx_btime : NULL;
		/* In a directory the app deleted and made again, every host entry it replaces was already
		 * gone from its view when the directory was made. */
		const struct statx_timestamp *since = opaque ? dir_born : born;
		int h = hdir;
		if (hdir >= 0)
			h = statx(hdir, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &hx) < 0 ? -errno : 0;
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
	commit_free_names(names);
	return clean;
}

void commit_plan_free(struct commit *c)
{
	for (size_t i = 0; i < c->n_ops; i++)
		free(c->ops[i].path);
	for (size_t i = 0; i < c->n_clean; i++)
		free(c->clean[i].path);
	free(c->ops);
	free(c->clean);
}
