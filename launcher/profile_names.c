/* `names`: which profile of a directory claims a command name. Without a profile of its own, a
 * command's lookup reads every profile of each directory for its `names` lines (claimant), which
 * costs three syscalls a file: 0.6 ms for the 76 profiles sbx ships, 8 ms for 1,200. A directory's
 * names index (DIR/.names-index, written by `sbx profile index`, which the Debian package's
 * trigger runs) answers the same question from one file and a stat of each profile, as long as
 * nothing in the directory changed since it was written: any added, removed, renamed or edited
 * profile makes the lookup read the files again. It lives in the directory, so that a sandbox
 * cannot write it wherever it cannot write the profiles (mount_plan protects the directories). */
#include "profile_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define INDEX_MAGIC "sbx-names-index 1"
#define INDEX_MAX_FILE (8 * 1024 * 1024)
/* Timestamps come from a coarse clock: an index is only written once its newest timestamp is
 * this old, so that no later change can carry the same timestamp as the state it recorded. */
#define INDEX_SETTLE_NS 1000000000LL

/* A profile file's text for a `names` scan, read into *buf (grown as needed, reused across the
 * directory: a launch with no profile of its own scans every profile). A user's scan is three
 * syscalls per file: a read that stops short of the buffer's end met the end of the file, so no
 * fstat is spent on the size; a directory or FIFO fails its read or gives nothing. Root's also
 * checks the ownership rules of read_profile. With st, the file's stat is left there. At most
 * PROFILE_MAX_FILE bytes; NULL when the file does not qualify. */
static const char *read_for_scan(int dir_fd, const char *name, bool root, struct stat *st, char **buf,
				 size_t *cap)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (root ? O_NOFOLLOW : 0));
	if (fd < 0)
		return NULL;
	struct stat own;
	if (!st && root)
		st = &own;
	if (st && fstat(fd, st) < 0)
		return NULL;
	if (root && (!S_ISREG(st->st_mode) || st->st_uid != 0 || (st->st_mode & S_IWOTH) ||
		     ((st->st_mode & S_IWGRP) && st->st_gid != 0)))
		return NULL;
	if (*cap == 0) {
		*cap = 16384;
		*buf = xmalloc(*cap);
	}
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, *buf + used, *cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		used += (size_t)n;
		if (used > PROFILE_MAX_FILE)
			return NULL;
		if (used < *cap - 1)
			break;  /* short: the end of the file */
		*cap *= 2;
		*buf = xrealloc(*buf, *cap);
	}
	(*buf)[used] = '\0';
	return *buf;
}

/* Calls fn with each word of the text's `names` lines until it returns true (then true). Names
 * are plain words (valid_name), so a split on blanks is exact; the parser rejects anything else
 * when the profile is loaded. */
static bool each_claimed_name(const char *text, bool (*fn)(const char *word, size_t len, void *arg), void *arg)
{
	for (const char *s = text; *s;) {
		const char *eol = strchr(s, '\n');
		const char *end = eol ? eol : s + strlen(s);
		while (s < end && is_blank(*s))
			s++;
		if (end - s > 5 && strncmp(s, "names", 5) == 0 && is_blank(s[5])) {
			for (s += 5; s < end && *s != '#';) {
				while (s < end && (is_blank(*s) || *s == '\r'))
					s++;
				const char *w = s;
				while (s < end && !is_blank(*s) && *s != '\r')
					s++;
				if (w < s && *w == '#')
					break;
				if (w < s && fn(w, (size_t)(s - w), arg))
					return true;
			}
		}
		s = eol ? eol + 1 : end;
	}
	return false;
}

static bool is_name(const char *word, size_t len, void *name)
{
	return strlen(name) == len && strncmp(word, name, len) == 0;
}

/* A directory entry that a lookup considers: NAME.profile with a valid NAME, not the default. */
static bool lookup_candidate(const char *file)
{
	size_t len = strlen(file);
	if (len <= 8 || !ends_with(file, ".profile") || strcmp(file, "default.profile") == 0)
		return false;
	_cleanup_free_ char *base = xstrndup(file, len - 8);
	return valid_name(base);
}

/* ---- the index ---------------------------------------------------------------------------- */

char *names_index_path(const char *dir)
{
	return xasprintf("%s/.names-index", dir);
}

static void files_free(char **files)
{
	for (size_t i = 0; files && files[i]; i++)
		free(files[i]);
	free(files);
}

/* True when the blank-separated words of s include name. */
static bool words_contain(const char *s, const char *name)
{
	size_t len = strlen(name);
	while (*s) {
		while (is_blank(*s))
			s++;
		const char *w = s;
		while (*s && !is_blank(*s))
			s++;
		if ((size_t)(s - w) == len && strncmp(w, name, len) == 0)
			return true;
	}
	return false;
}

/* The next blank-separated number of *s as an unsigned long long (*s advanced past it). */
static bool next_number(char **s, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(*s, &end, 10);
	if (end == *s || errno || (*end && *end != ' '))
		return false;
	*s = end;
	return true;
}

/* An index line "file NAME INO CTIME_SEC CTIME_NSEC [CLAIMED...]" (sscanf costs ~2 us a line,
 * which 1,200 profiles would feel); *claims points at the claimed names. */
static bool parse_file_line(char *line, char **file, struct stat *want, char **claims)
{
	if (strncmp(line, "file ", 5) != 0)
		return false;
	char *s = line + 5, *end = strchr(s, ' ');
	if (!end)
		return false;
	*end = '\0';
	*file = s;
	s = end + 1;
	unsigned long long ino, sec, nsec;
	if (!next_number(&s, &ino) || !next_number(&s, &sec) || !next_number(&s, &nsec))
		return false;
	want->st_ino = (ino_t)ino;
	want->st_ctim = (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = (long)nsec };
	*claims = s;
	return true;
}

static bool same_time(const struct timespec *a, long long sec, long long nsec)
{
	return a->tv_sec == sec && a->tv_nsec == nsec;
}

/* The files of dir (open as dir_fd) that claim `name`, from dir's index, into *files (a
 * NULL-terminated heap array). 1 when the index is there, trusted and still describes the
 * directory; 0 otherwise, and then the caller reads the profiles. As root each claimant must
 * pass the ownership rules of a profile, as in the scan. */
static int index_claimants(const char *dir, int dir_fd, bool root, const char *name, char ***files)
{
	*files = NULL;
	_cleanup_free_ char *path = names_index_path(dir);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	struct stat st, dst;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > INDEX_MAX_FILE ||
	    fstat(dir_fd, &dst) < 0)
		return 0;
	/* Written by root or by the caller, and by no one else: an index another user put in a
	 * directory they can write (under /tmp, say) must not steer the caller's lookup. */
	if ((st.st_uid != 0 && st.st_uid != getuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	_cleanup_free_ char *text = xmalloc((size_t)st.st_size + 1);
	ssize_t got = read(fd, text, (size_t)st.st_size);
	if (got != st.st_size)
		return 0;
	text[got] = '\0';

	char **found = NULL;
	size_t n = 0;
	bool fresh = false;
	char *save = NULL;
	char *line = strtok_r(text, "\n", &save);
	if (line && strcmp(line, INDEX_MAGIC) == 0) {
		unsigned long long dev, ino;
		long long sec, nsec;
		line = strtok_r(NULL, "\n", &save);
		fresh = line && sscanf(line, "dir %llu %llu %lld %lld", &dev, &ino, &sec, &nsec) == 4 &&
			dev == (unsigned long long)dst.st_dev && ino == (unsigned long long)dst.st_ino &&
			same_time(&dst.st_mtim, sec, nsec);
	}
	uid_t uid = getuid();
	size_t n_lines = 0;
	bool ended = false;
	while (fresh && (line = strtok_r(NULL, "\n", &save))) {
		unsigned long long count;
		if (strncmp(line, "end ", 4) == 0) {
			char *rest = line + 4;
			ended = next_number(&rest, &count) && !*rest && count == n_lines &&
				!strtok_r(NULL, "\n", &save);
			fresh = ended;
			break;
		}
		n_lines++;
		char *file, *claims;
		struct stat want, fst;
		fresh = parse_file_line(line, &file, &want, &claims) && lookup_candidate(file) &&
			fstatat(dir_fd, file, &fst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(fst.st_mode) &&
			fst.st_ino == want.st_ino && same_time(&fst.st_ctim, want.st_ctim.tv_sec, want.st_ctim.tv_nsec);
		/* A file the scan could not read (another user's, unreadable) is the scan's to judge. */
		fresh = fresh && (root || (fst.st_mode & S_IROTH) || (fst.st_uid == uid && (fst.st_mode & S_IRUSR)));
		if (!fresh || (root && (fst.st_uid != 0 || (fst.st_mode & S_IWOTH) ||
					 ((fst.st_mode & S_IWGRP) && fst.st_gid != 0))))
			continue;
		if (words_contain(claims, name)) {
			found = xrealloc(found, (n + 2) * sizeof(*found));
			found[n++] = xstrdup(file);
			found[n] = NULL;
		}
	}
	/* The writer rewrites the file in place: only a complete one ends with its count. */
	fresh = fresh && ended;
	if (!fresh) {
		files_free(found);
		return 0;
	}
	*files = found ? found : xcalloc(1, sizeof(char *));
	return 1;
}

static bool print_name(const char *word, size_t len, void *out)
{
	fprintf(out, " %.*s", (int)len, word);
	return false;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* One pass over dir: the index text into *text, the newest timestamp it relies on into *newest.
 * 1 done, 0 the directory changed meanwhile, -errno. */
static int index_pass(const char *dir, char **text, long long *newest, size_t *n_files, struct sbx_error *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return sbx_fail(err, errno, "cannot open the profile directory %s", dir);
	struct stat before, after;
	if (fstat(dirfd(d), &before) < 0) {
		closedir(d);
		return sbx_fail(err, errno, "cannot stat %s", dir);
	}
	size_t size = 0;
	FILE *out = open_memstream(text, &size);
	if (!out)
		abort();
	fprintf(out, "%s\ndir %llu %llu %lld %ld\n", INDEX_MAGIC, (unsigned long long)before.st_dev,
		(unsigned long long)before.st_ino, (long long)before.st_mtim.tv_sec, before.st_mtim.tv_nsec);
	*newest = ns_of(&before.st_mtim);
	*n_files = 0;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	int r = 1;
	struct dirent *e;
	while (r == 1 && (e = readdir(d))) {
		if (!lookup_candidate(e->d_name))
			continue;
		/* A lookup checks each file's own inode and change time, which a link's target would
		 * change without. A directory or FIFO claims nothing, in the scan as here; nor does a
		 * file over the size limit. */
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = sbx_fail(err, errno, "cannot stat %s/%s", dir, e->d_name);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			r = sbx_fail(err, 0, "%s/%s is a symbolic link: a names index covers regular files only",
				     dir, e->d_name);
			break;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		/* Read as any user reads it: root's own rules would leave out what a user's lookup reads. */
		const char *content = st.st_size > PROFILE_MAX_FILE ? "" : read_for_scan(dirfd(d), e->d_name, false, &st, &buf, &cap);
		if (!content || !S_ISREG(st.st_mode)) {
			r = sbx_fail(err, errno, "cannot read %s/%s", dir, e->d_name);
			break;
		}
		fprintf(out, "file %s %llu %lld %ld", e->d_name, (unsigned long long)st.st_ino,
			(long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
		each_claimed_name(content, print_name, out);
		fputc('\n', out);
		if (ns_of(&st.st_ctim) > *newest)
			*newest = ns_of(&st.st_ctim);
		(*n_files)++;
	}
	fprintf(out, "end %zu\n", *n_files);
	if (fclose(out) != 0)
		abort();
	if (r == 1 && (fstat(dirfd(d), &after) < 0 || !same_time(&after.st_mtim, before.st_mtim.tv_sec,
								     before.st_mtim.tv_nsec)))
		r = 0;
	closedir(d);
	if (r != 1) {
		free(*text);
		*text = NULL;
	}
	return r;
}

int names_index_write(const char *dir, size_t *n_files, struct sbx_error *err)
{
	struct stat dst;
	if (stat(dir, &dst) < 0)
		return sbx_fail(err, errno, "cannot open the profile directory %s", dir);
	if (!S_ISDIR(dst.st_mode))
		return sbx_fail(err, ENOTDIR, "cannot open the profile directory %s", dir);
	_cleanup_free_ char *path = names_index_path(dir);
	for (int attempt = 0; attempt < 5; attempt++) {
		/* Made first, then rewritten in place: making it changes the directory, which the index
		 * records, and rewriting it does not. A reader that meets a half-written one falls back
		 * to the files (no final count). */
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) < 0)
			return sbx_fail(err, errno, "cannot write %s", path);
		if (!S_ISREG(st.st_mode))
			return sbx_fail(err, 0, "cannot write %s: not a regular file", path);
		char *text = NULL;
		long long newest = 0;
		int r = index_pass(dir, &text, &newest, n_files, err);
		if (r < 0)
			return r;
		if (r == 0 || !text)  /* the directory changed meanwhile: look again */
			continue;
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		if (ns_of(&now) - newest < INDEX_SETTLE_NS) {
			/* Too recent to tell apart from a change within the same tick: wait, look again. */
			long long wait = INDEX_SETTLE_NS - (ns_of(&now) - newest);
			struct timespec ts = { .tv_sec = wait / 1000000000LL, .tv_nsec = wait % 1000000000LL };
			nanosleep(&ts, NULL);
			free(text);
			continue;
		}
		size_t len = strlen(text);
		bool ok = fchmod(fd, 0644) == 0 && ftruncate(fd, 0) == 0 && write(fd, text, len) == (ssize_t)len;
		int e = errno;
		free(text);
		if (!ok)
			return sbx_fail(err, e, "cannot write %s", path);
		return 0;
	}
	return sbx_fail(err, EAGAIN, "%s kept changing while it was indexed; run sbx profile index again", dir);
}

/* ---- the lookup --------------------------------------------------------------------------- */

char *claimant(char *const dirs[3], int i, const char *name, const char *skip, char **second, bool use_index)
{
	*second = NULL;
	DIR *d = opendir(dirs[i]);
	if (!d)
		return NULL;
	bool root = getuid() == 0;
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	char **indexed = NULL;
	if (use_index && index_claimants(dirs[i], dirfd(d), root, name, &indexed) != 1)
		indexed = NULL;
	char *found = NULL;
	struct dirent *e;
	const char *file;
	for (unsigned n = 0; n < 4096; n++) {
		if (indexed) {
			if (!(file = indexed[n]))
				break;
		} else {
			if (!(e = readdir(d)))
				break;
			file = e->d_name;
			if (!lookup_candidate(file))
				continue;
			const char *text = read_for_scan(dirfd(d), file, root, NULL, &buf, &cap);
			if (!text || !each_claimed_name(text, is_name, (void *)name))
				continue;
		}
		_cleanup_free_ char *path = xasprintf("%s/%s", dirs[i], file);
		if (skip && strcmp(path, skip) == 0)
			continue;
		bool shadowed = false;
		for (int j = 0; j < i && !shadowed; j++) {
			_cleanup_free_ char *earlier = dirs[j] ? xasprintf("%s/%s", dirs[j], file) : NULL;
			struct stat st;
			shadowed = earlier && stat(earlier, &st) == 0 && S_ISREG(st.st_mode);
		}
		if (shadowed)
			continue;
		if (found) {
			*second = TAKE_PTR(path);
			break;
		}
		found = TAKE_PTR(path);
	}
	files_free(indexed);
	closedir(d);
	return found;
}
