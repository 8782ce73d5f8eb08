/* firejail's lists of names: seccomp's syscalls, private-bin's programs, private-etc's files.
 * Each name is checked against this host as sbx would name it. */
#include "firejail_internal.h"
#include "privdirs.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* seccomp lists: names libseccomp knows become `syscalls deny`, the rest are reported. */
void fj_seccomp_list(struct translator *t, const struct fj_line *l, const char *list, bool firejail_default)
{
	_cleanup_free_ char *copy = xstrdup(list);
	char *save = NULL;
	FILE *names = NULL;
	char *buf = NULL;
	size_t len = 0;
	names = open_memstream(&buf, &len);
	unsigned n = 0, unknown = 0, kept = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (w[0] == '!') {
			kept++;  /* "allow this one of firejail's default list" */
			continue;
		}
		if (w[0] == '@' || seccomp_syscall_resolve_name(w) < 0 || strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(w)) {
			unknown++;
			continue;
		}
		fprintf(names, " %s", w);
		n++;
	}
	fclose(names);
	if (n)
		fprintf(t->out, "syscalls deny%s\n", buf);
	if (firejail_default && n == 0 && unknown == 0)
		fj_report(t, "sbx-default", l, "sbx's always-on filter%s",
		       kept ? " (which may still deny what '!' allows here)" : "");
	else if (unknown)
		fj_report(t, "approximated", l, "%u syscalls denied by name; %u groups or unknown names left to sbx's own filter",
		       n, unknown);
	else
		fj_report(t, "translated", l, "syscalls deny (%u)", n);
	free(buf);
}

/* A name a profile line can hold as a plain word. */
static bool plain_word(const char *w)
{
	for (const char *c = w; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || strchr("\"'#$\\~", *c))
			return false;
	return *w != '\0';
}

/* private-bin a,b / private-etc a,b: the names installed here on a private-bin / private-etc line,
 * the others on a -try line (a profile moves between hosts; firejail skips them too). 0.9.74's
 * @group names of private-etc are left out: stricter, and said. */
void fj_private_list(struct translator *t, const struct fj_line *l, const char *arg, bool bin)
{
	const char *directive = bin ? "private-bin" : "private-etc";
	_cleanup_free_ char *copy = xstrdup(arg);
	_cleanup_free_ char *present = xstrdup(""), *missing = xstrdup(""), *skipped = xstrdup("");
	char *save = NULL;
	for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		_cleanup_free_ char *abs = xasprintf("/%s", w[0] == '/' ? w + 1 : w);
		/* What sbx's private-bin / private-etc take (profile_fs.c): a program's name, a path in a
		 * bin directory, or a name in /etc. */
		bool ok = plain_word(w) && path_is_clean_absolute(abs) && w[strlen(w) - 1] != '/' &&
			  (bin ? (w[0] == '/' ? !strpbrk(w, "*?[") && privdirs_in_bin_dir(w) : !strchr(w, '/'))
			       : w[0] != '/' && !strpbrk(w, "*?["));
		if (!ok || w[0] == '@') {
			char *next = xasprintf("%s%s%s", skipped, *skipped ? " " : "", w);
			free(skipped);
			skipped = next;
			continue;
		}
		_cleanup_free_ char *etc_path = bin ? NULL : xasprintf("/etc/%s", w);
		struct stat st;
		bool named_bin = w[0] == '/' ? lstat(w, &st) == 0 : privdirs_program_exists(w);
		bool here = bin ? strpbrk(w, "*?[") || named_bin : lstat(etc_path, &st) == 0;
		char **list = here ? &present : &missing;
		char *next = xasprintf("%s%s%s", *list, **list ? " " : "", w);
		free(*list);
		*list = next;
	}
	if (!*present && !*missing) {
		fj_report(t, "dropped", l, "no name sbx can show%s%s", *skipped ? ": " : "", skipped);
		fj_lost(t, directive);
		return;
	}
	if (*present)
		fprintf(t->out, "%s %s\n", directive, present);
	if (*missing)
		fprintf(t->out, "%s-try %s\n", directive, missing);
	if (*skipped)
		fj_report(t, "approximated", l, "stricter: %s left out (not a name sbx can show)%s%s", skipped,
		       *missing ? "; not installed here, on a -try line: " : "", missing);
	else if (*missing)
		fj_report(t, "translated", l, "not installed here, on a -try line: %s", missing);
	else
		fj_report(t, "translated", l, NULL);
}
