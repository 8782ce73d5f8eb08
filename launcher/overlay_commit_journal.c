#include "overlay_commit_parts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

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

int commit_write_journal(int statefd, const char *tag, const struct commit *c)
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

int commit_read_journal(int statefd, struct commit_journal *j)
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

void commit_journal_from_plan(const struct commit *c, struct commit_journal *j)
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
