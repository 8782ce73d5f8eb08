/* `sbx profile import-firejail`: converts firejail profiles into sbx profiles and reports what
 * became of each directive (firejail_import.h). */
#include "firejail_internal.h"
#include "privdirs.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"

/* ---- the command ------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: sbx profile import-firejail [--firejail-dir DIR] [-o FILE|DIR] [--report FILE] PROFILE...\n"
		   "       sbx profile import-firejail [--firejail-dir DIR] --summary PROFILE...\n"
		   "PROFILE is a file or a name in the firejail directory (default /etc/firejail).\n");
}

static const char *tier_name(enum fj_tier t)
{
	return t == FJ_FULL ? "full" : t == FJ_PARTIAL ? "partial" : "failed";
}

int firejail_import_main(int argc, char **argv)
{
	const char *dir = "/etc/firejail", *out = NULL, *report_path = NULL;
	bool summary = false;
	_cleanup_free_ char **inputs = xcalloc((size_t)argc + 1, sizeof(char *));
	size_t n = 0;
	bool done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!done && strcmp(a, "--") == 0)
			done = true;
		else if (!done && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 || strcmp(a, "--report") == 0 ||
				   strcmp(a, "--firejail-dir") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "sbx profile import-firejail: %s needs a value\n", a);
				return 2;
			}
			const char *v = argv[++i];
			if (a[1] == 'o' || strcmp(a, "--output") == 0)
				out = v;
			else if (strcmp(a, "--report") == 0)
				report_path = v;
			else
				dir = v;
		} else if (!done && strcmp(a, "--summary") == 0)
			summary = true;
		else if (!done && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			usage(stdout);
			return 0;
		} else if (!done && a[0] == '-' && a[1]) {
			fprintf(stderr, "sbx profile import-firejail: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else
			inputs[n++] = argv[i];
	}
	if (n == 0 || (summary && out)) {
		usage(stderr);
		return 2;
	}
	struct stat st;
	bool out_dir = out && stat(out, &st) == 0 && S_ISDIR(st.st_mode);
	if (out && n > 1 && !out_dir) {
		fprintf(stderr, "sbx profile import-firejail: -o %s: several profiles need an existing directory\n", out);
		return 2;
	}
	FILE *rep = stderr;
	if (report_path) {
		rep = fopen(report_path, "we");
		if (!rep) {
			fprintf(stderr, "sbx profile import-firejail: %s: %s\n", report_path, strerror(errno));
			return 1;
		}
	}
	struct fj_source src = { .dir = dir, .read = fj_read_disk };
	unsigned counts[3] = { 0 }, failures = 0;
	/* summary: how often each lost kind made a profile partial */
	char *kinds = NULL;
	size_t kinds_len = 0;
	FILE *kf = open_memstream(&kinds, &kinds_len);
	for (size_t i = 0; i < n; i++) {
		const char *in = inputs[i];
		_cleanup_free_ char *path = NULL;
		if (strchr(in, '/'))
			path = xstrdup(in);
		else {
			size_t len = strlen(in);
			path = (len > 8 && strcmp(in + len - 8, ".profile") == 0) ? xasprintf("%s/%s", dir, in)
										   : xasprintf("%s/%s.profile", dir, in);
		}
		struct fj_result res;
		fj_import(path, &src, &res);
		counts[res.tier]++;
		if (res.tier == FJ_FAILED) {
			failures++;
			fprintf(stderr, "sbx profile import-firejail: %s\n", res.error);
			fj_result_free(&res);
			continue;
		}
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (summary) {
			fprintf(rep, "%-8s %s%s%s\n", tier_name(res.tier), base, res.lost_kinds ? "  lost: " : "",
				res.lost_kinds ? res.lost_kinds : "");
			if (res.lost_kinds)
				fprintf(kf, "%s\n", res.lost_kinds);
			fj_result_free(&res);
			continue;
		}
		fprintf(rep, "# %s: %s (%u translated, %u approximated, %u left to sbx's defaults, %u dropped, "
			     "%u of them restrictive%s%s)\n",
			base, tier_name(res.tier), res.translated, res.approximated, res.defaults, res.dropped, res.lost,
			res.lost_kinds ? ": " : "", res.lost_kinds ? res.lost_kinds : "");
		fputs(res.report, rep);
		int wrc = 0;
		if (!out)
			fputs(res.profile, stdout);
		else {
			_cleanup_free_ char *target = NULL;
			if (out_dir) {
				_cleanup_free_ char *stem = xstrdup(base);
				char *dot = strstr(stem, ".profile");
				if (dot && dot[8] == '\0')
					*dot = '\0';
				target = xasprintf("%s/%s.profile", out, stem);
			} else
				target = xstrdup(out);
			FILE *f = fopen(target, "wxe");
			if (!f || fputs(res.profile, f) < 0 || fclose(f) != 0) {
				fprintf(stderr, "sbx profile import-firejail: %s: %s%s\n", target, strerror(errno),
					errno == EEXIST ? " (remove it first; an import never overwrites)" : "");
				wrc = -1;
			}
		}
		if (wrc)
			failures++;
		fj_result_free(&res);
	}
	fclose(kf);
	if (summary || n > 1) {
		fprintf(rep, "summary: %zu profiles: %u full, %u partial, %u failed\n", n, counts[FJ_FULL], counts[FJ_PARTIAL],
			counts[FJ_FAILED]);
		/* each lost kind, and how many partial profiles lose only that */
		static const char *const k[] = { "blacklist(/usr,/etc)", "noexec", "private-bin", "private-etc", "machine-id",
						 "memory-deny-write-execute", "apparmor-replace", "seccomp.keep", "unknown" };
		for (size_t j = 0; j < ARRAY_SIZE(k); j++) {
			unsigned any = 0, only = 0;
			for (char *line = kinds; line && *line;) {
				char *nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				char pad[512];
				snprintf(pad, sizeof(pad), " %s ", line);
				char want[64];
				snprintf(want, sizeof(want), " %s ", k[j]);
				if (strstr(pad, want)) {
					any++;
					if (strcmp(line, k[j]) == 0)
						only++;
				}
				if (nl)
					*nl = '\n';
				line = nl ? nl + 1 : NULL;
			}
			if (any)
				fprintf(rep, "summary: lost %-26s in %u profiles (the only loss in %u)\n", k[j], any, only);
		}
	}
	free(kinds);
	if (rep != stderr)
		fclose(rep);
	return failures ? 1 : 0;
}
