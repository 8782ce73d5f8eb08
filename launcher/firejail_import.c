/* The firejail importer's driver: fj_import(), and the directives simple enough to translate here.
 * fj_import() resolves a profile's include chain (firejail_resolve.c: conditionals, the first-wins
 * `ignore` list, `whitelist-ro`, missing *.local skipped), hands path directives to
 * firejail_grants.c and firejail_masks.c and name lists to firejail_lists.c, then writes the sbx
 * profile and a report that says, for each directive, what became of it.
 * Written from firejail-profile(5) and ../shared/research/firejail-import.md; no firejail code. */
#include "firejail_internal.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "util.h"

/* ---- translation ------------------------------------------------------------------------------ */

void fj_lost(struct translator *t, const char *kind)
{
	t->res->lost++;
	size_t n = strlen(kind);
	for (const char *p = t->lost_kinds; p && (p = strstr(p, kind)); p += n)
		if ((p == t->lost_kinds || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return;
	char *k = t->lost_kinds ? xasprintf("%s %s", t->lost_kinds, kind) : xstrdup(kind);
	free(t->lost_kinds);
	t->lost_kinds = k;
}

/* One report line: OUTCOME file:line: directive: what. */
void fj_report(struct translator *t, const char *outcome, const struct fj_line *l, const char *fmt, ...)
{
	if (strcmp(outcome, "translated") == 0)
		t->res->translated++;
	else if (strcmp(outcome, "approximated") == 0)
		t->res->approximated++;
	else if (strcmp(outcome, "sbx-default") == 0)
		t->res->defaults++;
	else
		t->res->dropped++;
	fprintf(t->rep, "%-12s %s:%u: %s", outcome, l->file, l->lineno, l->text);
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs(": ", t->rep);
		vfprintf(t->rep, fmt, ap);
		va_end(ap);
	}
	fputc('\n', t->rep);
}

/* A path line for the sbx profile. Paths that would need quoting (spaces, quotes, '#', '\\', a
 * second '$') are left out: the report says so, and the output needs no quoting rules. */
bool fj_emit_path_line(struct translator *t, const char *directive, const char *path)
{
	const char *rest = path[0] == '$' ? strchr(path, '}') + 1 : path;
	for (const char *c = rest; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || strchr("\"'#\\$", *c))
			return false;
	fprintf(t->out, "%s %s\n", directive, path);
	return true;
}

static void translate_line(struct translator *t, const struct fj_line *l)
{
	const char *line = l->text;
	const char *arg = fj_arg_of(line);
	char word[64];
	size_t wl = strcspn(line, " ");
	snprintf(word, sizeof(word), "%.*s", (int)(wl < sizeof(word) ? wl : sizeof(word) - 1), line);
	if ((strcmp(word, "x11") == 0 && strcmp(arg, "none") == 0) ||
	    (strncmp(word, "blacklist", 9) == 0 && strcmp(arg, "/tmp/.X11-unix") == 0))
		t->no_display = true;

	/* what sbx always does, whatever the profile says */
	static const char *const always[] = { "private-dev", "private-tmp", "nonewprivs", "noroot", "caps.drop",
		"caps", "ipc-namespace", "restrict-namespaces", "seccomp.block-secondary", "seccomp.32",
		"disable-mnt", "nodvd", "notv", "nou2f", "noinput", "novideo", "nosound", "no3d",
		"noprinters", "deterministic-shutdown", "private-cwd", "dbus-user", "dbus-system",
		"dbus-user.talk", "dbus-user.own", "dbus-user.see", "dbus-user.call", "dbus-user.broadcast",
		"dbus-system.talk", "dbus-system.own", "dbus-system.see", "dbus-system.call",
		"dbus-system.broadcast", "allusers", "allow-debuggers", "private-lib", "tracelog",
		"writable-var", "writable-var-log", "writable-run-user", "writable-etc", "keep-var-tmp",
		"keep-dev-shm", "keep-config-pulse", "keep-fd", "keep-shell-rc", "memory-deny-write-execute" };
	for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
		if (strcmp(word, always[i]) != 0)
			continue;
		if (strcmp(word, "memory-deny-write-execute") == 0) {
			fputs("memory-deny-write-execute\n", t->out);
			fj_report(t, "translated", l, NULL);
		} else if (strncmp(word, "dbus-", 5) == 0 && strstr(line, "none") == NULL)
			fj_report(t, "sbx-default", l, "stricter: sbx gives the sandbox no D-Bus at all");
		else if (strncmp(word, "writable-", 9) == 0 || strncmp(word, "keep-", 5) == 0 ||
			 strcmp(word, "allow-debuggers") == 0 || strcmp(word, "allusers") == 0)
			fj_report(t, "sbx-default", l, "stricter: a loosening sbx does not grant");
		else if (strcmp(word, "private-lib") == 0 || strcmp(word, "tracelog") == 0)
			fj_report(t, "sbx-default", l, "off in firejail 0.9.72's default configuration");
		else
			fj_report(t, "sbx-default", l, NULL);
		return;
	}

	if (strcmp(word, "net") == 0) {
		t->net_seen = true;
		if (strcmp(arg, "none") == 0) {
			t->net_none = true;
			fj_report(t, "translated", l, "net none");
		} else
			fj_report(t, "approximated", l, "the host's network (sbx has no interface selection)");
		return;
	}
	if (strcmp(word, "protocol") == 0) {
		t->protocol_seen = true;
		t->protocol_inet = strstr(arg, "inet") != NULL;
		if (t->protocol_inet)
			fj_report(t, "approximated", l, "sbx allows unix, inet, inet6 and netlink, and refuses exotic families");
		else
			fj_report(t, "translated", l, "no inet family: net none");
		return;
	}
	if (strcmp(word, "seccomp") == 0 || strcmp(word, "seccomp.drop") == 0) {
		fj_seccomp_list(t, l, arg, strcmp(word, "seccomp") == 0);
		return;
	}
	if (strcmp(word, "seccomp.keep") == 0) {
		fj_report(t, "dropped", l, "sbx keeps its always-on filter and has no allow-list from firejail's names");
		fj_lost(t, word);
		return;
	}
	if (strcmp(word, "hostname") == 0) {
		size_t hn = strlen(arg);
		if (hn >= 1 && hn <= 64 &&
		    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == hn) {
			fprintf(t->out, "hostname %s\n", arg);
			fj_report(t, "translated", l, NULL);
		} else
			fj_report(t, "dropped", l, "not a host name");
		return;
	}
	if (strcmp(word, "env") == 0 || strcmp(word, "rmenv") == 0) {
		const char *eq = strchr(arg, '=');
		_cleanup_free_ char *name = xstrndup(arg, eq ? (size_t)(eq - arg) : strlen(arg));
		bool ok = *name && !(*name >= '0' && *name <= '9') && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name);
		_cleanup_free_ char *value = eq ? profile_quote_word(eq + 1) : NULL;
		if (!ok || (strcmp(word, "env") == 0 && (!eq || !value))) {
			fj_report(t, "dropped", l, "not NAME=VALUE");
			return;
		}
		if (strcmp(word, "env") == 0)
			fprintf(t->out, "setenv %s %s\n", name, value[0] ? value : "\"\"");
		else
			fprintf(t->out, "unsetenv %s\n", name);
		fj_report(t, "translated", l, NULL);
		return;
	}
	if (strcmp(word, "private") == 0) {
		if (*arg) {
			fj_report(t, "dropped", l, "a directory as the home: grant it with bind instead");
			return;
		}
		t->private_home = true;
		fj_report(t, "sbx-default", l, "the home is always an empty tmpfs");
		return;
	}
	if (strcmp(word, "private-cache") == 0) {
		t->private_cache = true;
		fj_report(t, "sbx-default", l, "~/.cache is not granted (grants below it are left out)");
		return;
	}
	if (strcmp(word, "caps.keep") == 0) {
		if (strcmp(arg, "net_bind_service") == 0) {
			fprintf(t->out, "caps-keep net_bind_service\n");
			fj_report(t, "translated", l, NULL);
		} else
			fj_report(t, "dropped", l, "function: sbx keeps no capability but net_bind_service");
		return;
	}
	if (strcmp(word, "nogroups") == 0) {
		fj_report(t, "approximated", l, "supplementary groups cannot be dropped without privilege; the minimal root shows little group-readable");
		return;
	}
	if (strcmp(word, "netfilter") == 0) {
		fj_report(t, "dropped", l, "no loss: dormant in firejail itself without a bridge");
		return;
	}
	if (strcmp(word, "apparmor") == 0 && !*arg) {
		fprintf(t->out, "apparmor firejail-default optional\n");
		fj_report(t, "translated", l, "stacked where AppArmor is on and root loaded firejail-default");
		return;
	}
	if (strcmp(word, "apparmor-replace") == 0) {
		/* It only changes how the `apparmor` line confines: stacking keeps both profiles in force. */
		fj_report(t, "approximated", l, "sbx stacks firejail-default on the program's own AppArmor profile "
					     "instead of replacing it, which is stricter");
		return;
	}
	if (strcmp(word, "apparmor") == 0) {
		fj_report(t, "dropped", l, "sbx can only stack an AppArmor profile");
		fj_lost(t, word);
		return;
	}
	if (strcmp(word, "machine-id") == 0) {
		fprintf(t->out, "machine-id random\n");
		fj_report(t, "translated", l, NULL);
		return;
	}
	if (strcmp(word, "private-bin") == 0 || strcmp(word, "private-etc") == 0) {
		fj_private_list(t, l, arg, strcmp(word, "private-bin") == 0);
		return;
	}
	if (strcmp(word, "noexec") == 0) {
		_cleanup_free_ char *norm = *arg ? fj_normalise(arg) : NULL;
		if (norm && fj_noexec_visible(norm)) {
			fprintf(t->out, "noexec %s\n", norm);
			fj_report(t, "translated", l, NULL);
		} else {
			fj_report(t, "sbx-default", l, "not visible: sbx mounts nothing at or below it");
		}
		return;
	}
	if (strcmp(word, "x11") == 0) {
		if (strcmp(arg, "none") == 0)
			fj_report(t, "sbx-default", l, "no display unless granted");
		else
			fj_report(t, "approximated", l, "an untrusted X cookie of its own ('socket x11') where a desktop entry runs it");
		return;
	}
	if (strcmp(word, "join-or-start") == 0 || strcmp(word, "name") == 0 || strcmp(word, "dns") == 0 ||
	    strcmp(word, "hosts-file") == 0 || strcmp(word, "timeout") == 0 || strcmp(word, "nice") == 0 ||
	    strcmp(word, "cpu") == 0 || strcmp(word, "tab") == 0) {
		fj_report(t, "dropped", l, "no loss: an instance or scheduling setting sbx does not have");
		return;
	}
	if (strncmp(word, "rlimit-", 7) == 0) {
		fj_report(t, "dropped", l, "set 'rlimit' by hand (sbx's names differ)");
		fj_lost(t, word);
		return;
	}

	/* path directives */
	bool is_black = strcmp(word, "blacklist") == 0 || strcmp(word, "blacklist-nolog") == 0;
	if (is_black || strcmp(word, "whitelist") == 0 || strcmp(word, "noblacklist") == 0 ||
	    strcmp(word, "nowhitelist") == 0 || strcmp(word, "read-only") == 0 || strcmp(word, "read-write") == 0 ||
	    strcmp(word, "mkdir") == 0 || strcmp(word, "mkfile") == 0 || strcmp(word, "private-opt") == 0 ||
	    strcmp(word, "private-srv") == 0 || strcmp(word, "tmpfs") == 0 || strcmp(word, "bind") == 0) {
		if (!*arg) {
			fj_report(t, "dropped", l, "no path");
			return;
		}
		enum path_class pc = fj_classify(arg);
		_cleanup_free_ char *norm = fj_normalise(arg);
		if (is_black) {
			fj_blacklist(t, l, arg, pc, norm);
			return;
		}
		if (strcmp(word, "noblacklist") == 0) {
			fj_noblacklist(t, l, arg, norm);
			return;
		}
		fj_grant_directive(t, l, word, arg, pc, norm);
		return;
	}
	fj_report(t, "dropped", l, "unknown to this importer");
	fj_lost(t, "unknown");
}

/* Whether a desktop entry in /usr/share/applications runs PROGRAM (its Exec's first word, by base
 * name): the program is a desktop app, which firejail lets reach the display. */
static bool has_desktop_entry(const char *program)
{
	DIR *dir = opendir("/usr/share/applications");
	if (!dir)
		return false;
	bool found = false;
	for (struct dirent *e; !found && (e = readdir(dir));) {
		if (!ends_with(e->d_name, ".desktop"))
			continue;
		_cleanup_free_ char *path = xasprintf("/usr/share/applications/%s", e->d_name);
		FILE *f = fopen(path, "re");
		char line[1024];
		while (f && fgets(line, sizeof(line), f)) {
			if (strncmp(line, "Exec=", 5) != 0)
				continue;
			char *cmd = line + 5;
			cmd[strcspn(cmd, " \t\n")] = '\0';
			found = strcmp(path_base_name(cmd), program) == 0;
			break;  /* the main entry's Exec comes first */
		}
		if (f)
			fclose(f);
	}
	closedir(dir);
	return found;
}

/* firejail lets every app reach the display unless its profile says otherwise; sbx grants a
 * desktop app an untrusted cookie and what toolkits need to look right, before any home grant
 * (desktop.inc makes the caches private). */
static void grant_display(struct translator *t, const char *path)
{
	_cleanup_free_ char *name = xstrdup(path_base_name(path));
	if (ends_with(name, ".profile"))
		name[strlen(name) - strlen(".profile")] = '\0';
	if (t->no_display || !has_desktop_entry(name))
		return;
	fprintf(t->out, "# a desktop app: firejail shows it the display; sbx, an untrusted X cookie of its own\n"
			"socket x11\ninclude desktop\n");
	fprintf(t->rep, "%-12s display: a desktop entry runs %s: socket x11 (untrusted cookie), include desktop\n",
		"approximated", name);
}

static void header(struct translator *t, const char *path, const struct resolver *r)
{
	fprintf(t->out, "# Imported from firejail's %s by 'sbx profile import-firejail'.\n", path);
	fprintf(t->out, "# firejail profiles are GPL-2.0-or-later (Firejail Authors); keep this file to yourself\n");
	fprintf(t->out, "# or distribute it under that licence. Review it, and the report, before use.\n");
	fprintf(t->out, "# Files read:");
	for (size_t i = 0; i < r->n_files; i++) {
		const char *slash = strrchr(r->files[i], '/');
		fprintf(t->out, " %s", slash ? slash + 1 : r->files[i]);
	}
	fprintf(t->out, "\n");
}

int fj_import(const char *path, const struct fj_source *src, struct fj_result *res)
{
	*res = (struct fj_result){ .tier = FJ_FAILED };
	struct resolver r = { .src = src };
	fj_resolve(&r, path);
	int rc = 0;
	res->files = (unsigned)r.n_files;
	if (r.error) {
		res->error = TAKE_PTR(r.error);
		rc = -1;
		goto out;
	}

	struct translator t = { .res = res };
	t.out = open_memstream(&t.out_buf, &t.out_len);
	t.rep = open_memstream(&t.rep_buf, &t.rep_len);
	if (!t.out || !t.rep)
		abort();
	header(&t, path, &r);
	for (size_t i = 0; i < r.n_lines; i++)
		translate_line(&t, &r.lines[i]);

	grant_display(&t, path);
	/* The network: firejail's default is the host's. */
	if (t.net_none || (t.protocol_seen && !t.protocol_inet))
		fprintf(t.out, "net none\n");
	else
		fprintf(t.out, "include network\n");
	fj_write_grants(&t);
	fj_write_masks(&t);
	fprintf(t.rep, "%-12s %u read-only lines of paths sbx does not grant; %u whitelists of /usr and /etc: visible read-only\n",
		"sbx-default", t.ro_ungranted, t.usr_whitelist);
	fclose(t.out);
	fclose(t.rep);
	res->profile = t.out_buf;
	res->report = t.rep_buf;
	res->lost_kinds = t.lost_kinds;
	res->tier = res->lost ? FJ_PARTIAL : FJ_FULL;
	for (size_t i = 0; i < t.n_grants; i++)
		free(t.grants[i].path);
	free(t.grants);
	for (size_t i = 0; i < t.n_noblacklist; i++)
		free(t.noblacklist[i]);
	free(t.noblacklist);
	free(t.nobl_own);
	free(t.first_mask);
	for (size_t i = 0; i < t.n_mask_paths; i++)
		free(t.mask_paths[i]);
	free(t.mask_paths);
	for (size_t i = 0; i < t.n_home_black; i++)
		free(t.home_black[i]);
	free(t.home_black);
out:
	fj_resolver_free(&r);
	return rc;
}

void fj_result_free(struct fj_result *res)
{
	free(res->profile);
	free(res->report);
	free(res->error);
	free(res->lost_kinds);
	*res = (struct fj_result){ 0 };
}
