/* firejail's path directives that grant a path, as sbx grants, and the grant lines they make.
 * whitelist, mkdir, mkfile, private-opt and private-srv grant; nowhitelist, read-only and
 * read-write change a grant; the lines are written once the whole profile is read. */
#include "firejail_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util.h"

static ssize_t find_grant(const struct translator *t, const char *path)
{
	for (size_t i = 0; i < t->n_grants; i++)
		if (strcmp(t->grants[i].path, path) == 0)
			return (ssize_t)i;
	return -1;
}

static void add_grant(struct translator *t, const char *path, bool rw, bool file, const char *why)
{
	if (find_grant(t, path) >= 0)
		return;
	*ARRAY_PUSH(t->grants, t->n_grants) = (struct grant){ xstrdup(path), rw, file, why };
}

/* `whitelist ${HOME}` and the like would grant the whole home: sbx never does that. */
static bool whole_home(const char *norm)
{
	return strcmp(norm, "${HOME}") == 0;
}

static bool under_cache(const char *norm)
{
	return strncmp(norm, "${HOME}/.cache", 14) == 0 && (norm[14] == '\0' || norm[14] == '/');
}

/* A path directive other than blacklist and noblacklist (ARG as written, NORM fj_normalise()'s form
 * or NULL): a grant collected for the end, a line written now, or a report of why not. */
void fj_grant_directive(struct translator *t, const struct fj_line *l, const char *word, const char *arg,
			enum path_class pc, const char *norm)
{
	if (strcmp(word, "nowhitelist") == 0) {
		ssize_t g = norm ? find_grant(t, norm) : -1;
		if (g >= 0) {
			free(t->grants[g].path);
			t->grants[g].path = xstrdup("");
		}
		fj_report(t, "translated", l, "not granted");
		return;
	}
	if (strcmp(word, "tmpfs") == 0 || strcmp(word, "bind") == 0) {
		fj_report(t, "dropped", l, "needs root in firejail; grant by hand");
		return;
	}
	if (strcmp(word, "private-opt") == 0 || strcmp(word, "private-srv") == 0) {
		_cleanup_free_ char *copy = xstrdup(arg);
		char *save = NULL;
		for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			_cleanup_free_ char *p = xasprintf("/%s/%s", word + 8, w);
			_cleanup_free_ char *n = fj_normalise(p);
			if (n && !strchr(w, '/'))
				fj_emit_path_line(t, "ro-bind-try", n);
		}
		fj_report(t, "translated", l, "ro-bind-try of each");
		return;
	}
	if (strcmp(word, "read-only") == 0 || strcmp(word, "read-write") == 0) {
		ssize_t g = norm ? find_grant(t, norm) : -1;
		if (g >= 0) {
			t->grants[g].rw = strcmp(word, "read-write") == 0;
			fj_report(t, "translated", l, "the grant is %s", t->grants[g].rw ? "read-write" : "read-only");
		} else if (strcmp(word, "read-only") == 0) {
			t->ro_ungranted++;
			t->res->defaults++;
		} else
			fj_report(t, "sbx-default", l, "stricter: not granted read-write");
		return;
	}
	/* whitelist, mkdir, mkfile */
	bool is_mk = word[0] == 'm';
	if (pc == PC_HOME) {
		if (strcmp(word, "whitelist") == 0)
			t->home_whitelist = true;
		if (!norm || strncmp(norm, "/home", 5) == 0) {
			fj_report(t, "dropped", l, "a glob or a path sbx cannot name: grant it by hand");
			return;
		}
		if (whole_home(norm)) {
			fj_report(t, "dropped", l, "sbx never grants the whole home");
			return;
		}
		if (t->private_cache && under_cache(norm)) {
			fj_report(t, "sbx-default", l, "private-cache: ~/.cache stays out");
			return;
		}
		add_grant(t, norm, true, strcmp(word, "mkfile") == 0, is_mk ? "mkdir/mkfile" : "whitelist");
		fj_report(t, "translated", l, "%s", is_mk ? "granted read-write (sbx does not create it)" : "granted (if it exists)");
		return;
	}
	if (is_mk) {
		fj_report(t, "dropped", l, "outside the home: not created");
		return;
	}
	if (pc == PC_RUNUSER) {
		fj_report(t, "sbx-default", l, "stricter: no socket of the session; grant by hand (socket x11, ...)");
		return;
	}
	if (pc == PC_USR || pc == PC_ETC) {
		t->usr_whitelist++;
		t->res->defaults++;
		return;
	}
	/* /run and what points there (/var/run, /var/lock), and sbx's own private /var/tmp */
	if (pc == PC_RUN || (norm && (strncmp(norm, "/var/run", 8) == 0 || strncmp(norm, "/var/lock", 9) == 0 ||
				      strncmp(norm, "/var/tmp", 8) == 0))) {
		fj_report(t, "sbx-default", l, "stricter: /run is private (sockets are granted by name), /var/tmp is private");
		return;
	}
	if (pc == PC_TMP || pc == PC_PROC || pc == PC_SYS || pc == PC_DEV) {
		fj_report(t, "sbx-default", l, "stricter: not granted (private /tmp, own /proc, no /sys, minimal /dev)");
		return;
	}
	if (!norm) {
		fj_report(t, "dropped", l, "a glob or a path sbx cannot name: grant it by hand");
		return;
	}
	if (fj_emit_path_line(t, "ro-bind-try", norm))
		fj_report(t, "approximated", l, "granted read-only");
	else
		fj_report(t, "dropped", l, "not a path sbx can write");
}

/* The grant lines, after every directive: a later nowhitelist or read-only changes an earlier grant. */
void fj_write_grants(struct translator *t)
{
	/* Blacklist-mode home (firejail shows all of it but the blacklists): sbx grants what the
	 * profile un-hides or creates, and the working directory instead of the rest. */
	if (!t->home_whitelist && !t->private_home) {
		fprintf(t->out, "# firejail showed the whole home minus its blacklists; sbx grants the working\n"
			        "# directory and what the profile un-hides instead:\n");
		fprintf(t->out, "bind-try ${CWD}\n");
		fprintf(t->rep, "%-12s home: firejail's view is the whole home minus blacklists; sbx grants ${CWD} and %s\n",
			"approximated", "the noblacklist paths of the home");
		t->res->approximated++;
		for (size_t i = 0; i < t->n_noblacklist; i++) {
			const char *p = t->noblacklist[i];
			_cleanup_free_ char *clean = fj_normalise(p);  /* NULL for what was kept raw, for globs */
			if (!t->nobl_own[i] || !clean || strcmp(clean, p) != 0 || strncmp(p, "${HOME}/", 8) != 0 ||
			    (t->private_cache && under_cache(p)))
				continue;
			/* read-only: the study could not tell ro from rw, and a writable rc file persists */
			add_grant(t, p, false, false, "inferred from noblacklist");
		}
	}
	for (size_t i = 0; i < t->n_grants; i++) {
		const struct grant *g = &t->grants[i];
		if (!g->path[0])
			continue;
		if (strcmp(g->why, "inferred from noblacklist") == 0)
			fprintf(t->out, "# inferred from noblacklist (read-only; make it bind-try if the app writes there)\n");
		if (!fj_emit_path_line(t, g->file && g->rw ? "bind-create" : g->rw ? "bind-try" : "ro-bind-try", g->path))
			fprintf(t->rep, "%-12s %s: a path sbx profiles cannot spell unquoted\n", "dropped", g->path);
	}
}
