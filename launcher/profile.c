/* Profiles: the language of sbx-profile(5) and its lookup.
 *
 * A profile is a list of lines, one directive each, applied in order to a struct policy that
 * starts strict (policy_init). Design rules, each one a lesson from firejail:
 *   - Everything is a grant on top of a strict default; there is nothing to blacklist, so there
 *     is no first-wins `ignore`/`noblacklist` ordering puzzle. Later lines win.
 *   - An include (*.inc) may grant, but never loosen what an earlier line set (net none -> host,
 *     a larger limit, rw over ro, allow over deny) and never relax an always-on protection
 *     (`allow`, `landlock optional`, `limits-optional`). A profile or a .local file loosens only
 *     with an explicit `override` prefix, and sbx prints a note when it does.
 *   - Everything unknown or not built yet is an error with file:line:column; nothing is ignored.
 *   - Bounded everything: line length, file size, words per line, include depth, files read.
 *     No global state: all of it lives in struct parser.
 *
 * This file holds what every directive shares (loosening, the checks of path words), the line
 * dispatch and, at its end, the directive table; profile_internal.h lists the other parts. */
#include "profile_internal.h"

#include <string.h>

/* ---- loosening ---------------------------------------------------------------------------- */

/* Called when the line loosens what `earlier` (file:line) set. Includes never may; profiles and
 * .local files may with `override`, and then sbx says so. */
int loosens(struct parser *ps, struct line *ln, const char *what, const char *earlier)
{
	if (ln->kind == PROFILE_KIND_COMMAND_LINE)
		return 0;  /* the caller's own choice; --explain names the command line as its origin */
	if (ln->kind == PROFILE_KIND_INCLUDE) {
		int r = FAIL_LINE(ps, ln, "loosens %s set at %s; an include may add grants but never loosen what came before it",
				  what, earlier);
		hint(ps, "put the line, with 'override' in front, in the profile or a .local file");
		return r;
	}
	if (!ln->override) {
		int r = FAIL_LINE(ps, ln, "loosens %s set at %s", what, earlier);
		hint(ps, "write 'override %s' to loosen it on purpose", ln->text);
		return r;
	}
	note(ps, ln, "override loosens %s set at %s", what, earlier);
	return 0;
}

/* A relaxation of an always-on protection: only profiles and .local files may say it. */
int relaxation_allowed(struct parser *ps, struct line *ln, const struct token *t)
{
	if (ln->kind != PROFILE_KIND_INCLUDE)
		return 0;
	int r = FAIL_TOK(ps, ln, t, "relaxes an always-on protection, which only a profile or a .local file may do, not an include");
	return r;
}

/* ---- directive words ---------------------------------------------------------------------- */

/* A path argument: absolute, no '.'/'..', no glob, trailing '/' dropped. 1: it uses an undefined
 * variable (the caller decides). */
int path_arg(struct parser *ps, struct line *ln, struct token *t)
{
	if (t->undefined && !ps->lint)
		return 1;
	size_t n = strlen(t->text);
	while (n > 1 && t->text[n - 1] == '/')
		t->text[--n] = '\0';
	if (strpbrk(t->text, "*?["))
		return FAIL_TOK(ps, ln, t, "globs are not supported yet; name the path");
	if (!path_is_clean_absolute(t->text))
		return FAIL_TOK(ps, ln, t, "expected an absolute path without '.' or '..' components");
	return 0;
}

int undefined_word(struct parser *ps, struct line *ln, struct token *t)
{
	int r = FAIL_TOK(ps, ln, t, "${%s} is not defined: %s", t->undefined, t->why ? t->why : "no value");
	if (strcmp(t->undefined, "CWD") == 0)
		hint(ps, "cd into the directory the app should work on, or grant one with --bind; "
				  "a -try line would skip the grant instead");
	return r;
}

int no_undefined(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++)
		if (arg(ln, i)->undefined && !ps->lint)
			return undefined_word(ps, ln, arg(ln, i));
	return 0;
}

/* ---- line dispatch ------------------------------------------------------------------------ */

typedef int (*directive_fn)(struct parser *ps, struct line *ln);

struct directive {
	const char *name;
	directive_fn fn;
	unsigned min, max;  /* words after the keyword */
	const char *usage;
	const char *option;  /* the command line's spelling; NULL: "--" NAME */
	enum option_form form;
	const char *value;   /* VALUE of --help */
	const char *help;
};

/* In the table at the end of this file: the directive NAME, or NULL; a firejail habit's answer, or NULL. */
static const struct directive *directive_named(const char *name);
static const char *firejail_hint(const char *name);

/* Fills the `profile show` entry reserved at index slot (before an include's own lines). */
static void record_line(struct parser *ps, struct line *ln, size_t slot)
{
	if (!ps->record || slot >= ps->n_shown)
		return;
	struct shown_line *s = &ps->shown[slot];
	s->file = xstrdup(ln->file);
	s->line = ln->lineno;
	s->text = ln->override ? xasprintf("override %s", ln->text) : xstrdup(ln->text);
	s->override = ln->override;
	s->note = ln->note ? xstrdup(ln->note) : NULL;
}

int run_line(struct parser *ps, struct line *ln, struct token *tok, size_t n)
{
	size_t k = 0;
	if (strcmp(tok[0].text, "override") == 0) {
		if (ln->kind == PROFILE_KIND_INCLUDE)
			return fail_at(ps, ln->file, ln->lineno, tok[0].col, "override",
				       "'override' is allowed in a profile or a .local file, not in an include");
		if (n < 2)
			return fail_at(ps, ln->file, ln->lineno, tok[0].col, "override", "'override' needs a directive after it");
		ln->override = true;
		k = 1;
	}
	ln->kw = &tok[k];
	ln->n = n - k - 1;
	ln->text = join_words(ln->kw, ln->n + 1);
	const char *name = ln->kw->text;
	if (ln->override && (strcmp(name, "include") == 0 || strcmp(name, "include-try") == 0))
		return FAIL_TOK(ps, ln, ln->kw, "'override' does not apply to include; an included file cannot loosen anything");
	const struct directive *d = directive_named(name);
	if (d) {
		if (ln->n < d->min || ln->n > d->max) {
			struct token *at = ln->n > d->max ? arg(ln, d->max) : ln->kw;
			return fail_at(ps, ln->file, ln->lineno, at->col, ln->text, "%s: usage: %s", ln->n > d->max ? "too many words" : "missing words", d->usage);
		}
		size_t slot = ps->n_shown;
		if (ps->record)
			ARRAY_PUSH(ps->shown, ps->n_shown);
		int r = d->fn(ps, ln);
		record_line(ps, ln, slot);
		return r;
	}
	int r = FAIL_TOK(ps, ln, ln->kw, "unknown directive");
	const char *habit = firejail_hint(name);
	if (habit)
		hint(ps, "%s", habit);
	return r;
}

int parse_line(struct parser *ps, const char *file, unsigned lineno, const char *text, enum profile_kind kind)
{
	struct token *tok = NULL;
	size_t n = 0;
	int r = tokenize(ps, file, lineno, text, &tok, &n);
	if (r == 0 && n > 0) {
		struct line ln = {
			.file = file,
			.lineno = lineno,
			.kind = kind,
			.origin = xasprintf("%s:%u", file, lineno),
		};
		r = run_line(ps, &ln, tok, n);
		free(ln.origin);
		free(ln.note);
		free(ln.text);
	}
	tokens_free(tok, n);
	return r;
}

/* --- the table --- */

#define MAXW PROFILE_MAX_ARGS
#define DBUS_NAME "NAME (org.example.App or org.example.*)"
#define DBUS_RULE "NAME (RULE: [IFACE.METHOD|IFACE.*|*][@PATH[/*]])"

/* One entry per directive: its profile line and its command-line option (`--NAME VALUE` is
 * applied as the line `NAME VALUE`, after the profile). */
static const struct directive directives[] = {
	{ "include", d_include, 1, 1, "include NAME", NULL, OPTION_WORD, "NAME", "add the grants of NAME.inc" },
	{ "include-try", d_include_try, 1, 1, "include-try NAME", NULL, OPTION_WORD, "NAME", "the same, nothing when there is no NAME.inc" },
	{ "bind", d_bind, 1, 2, "bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host path read-write" },
	{ "bind-try", d_bind_try, 1, 2, "bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --bind, skipped when SRC is missing" },
	{ "ro-bind", d_ro_bind, 1, 2, "ro-bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host path read-only" },
	{ "ro-bind-try", d_ro_bind_try, 1, 2, "ro-bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --ro-bind, skipped when SRC is missing" },
	{ "dev-bind", d_dev_bind, 1, 2, "dev-bind SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "grant a host device node" },
	{ "dev-bind-try", d_dev_bind_try, 1, 2, "dev-bind-try SRC [DST]", NULL, OPTION_BIND, "SRC[:DST]", "like --dev-bind, skipped when SRC is missing" },
	{ "bind-create", d_bind_create, 1, 1, "bind-create FILE", NULL, OPTION_PATH, "FILE", "grant FILE read-write, created empty first when only the file is missing" },
	{ "tmpfs", d_tmpfs, 1, 1, "tmpfs DST", NULL, OPTION_PATH, "DST", "mount a private empty tmpfs at DST" },
	{ "grant-args", d_grant_args, 0, 1, "grant-args [ro|rw|edit]", NULL, OPTION_WORD, "ro|rw|edit", "grant the paths COMMAND's arguments name (instead of the working directory)" },
	{ "ssh-agent", d_ssh_agent, 0, 0, "ssh-agent", NULL, OPTION_FLAG, NULL, "the ssh agent's socket (SSH_AUTH_SOCK) alone" },
	{ "socket", d_socket, 1, 2, "socket x11|x11-trusted|wayland|pulseaudio|pipewire [optional] | socket session-bus|system-bus", NULL, OPTION_WORDS,
	  "x11|x11-trusted|x11-optional|wayland|pulseaudio|pipewire|session-bus|system-bus",
	  "that display or sound server's socket alone (X11: with an untrusted cookie; NAME-optional: run without it when missing); session-bus, system-bus: the bus itself, unfiltered (a hole)" },
	{ "device", d_device, 1, 3, "device dri|snd|video...", NULL, OPTION_WORD, "dri|snd|video", "the GPU, ALSA or camera device nodes (refused when there are none)" },
	{ "device-try", d_device_try, 1, 3, "device-try dri|snd|video...", NULL, OPTION_WORD, "dri|snd|video", "the same, skipped with a note when there are none" },
	{ "talk-name", d_dbus, 1, MAXW, "talk-name NAME...", NULL, OPTION_WORD, "NAME", "session bus through a filtering proxy: call " DBUS_NAME },
	{ "own-name", d_dbus, 1, MAXW, "own-name NAME...", NULL, OPTION_WORD, "NAME", "session bus proxy: may own NAME" },
	{ "see-name", d_dbus, 1, MAXW, "see-name NAME...", NULL, OPTION_WORD, "NAME", "session bus proxy: NAME is visible, not callable" },
	{ "call", d_dbus, 1, MAXW, "call NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "session bus proxy: only these calls to " DBUS_RULE },
	{ "broadcast", d_dbus, 1, MAXW, "broadcast NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "session bus proxy: receive NAME's signals matching RULE" },
	{ "system-talk-name", d_dbus, 1, MAXW, "system-talk-name NAME...", NULL, OPTION_WORD, "NAME", "system bus through a filtering proxy: call NAME" },
	{ "system-own-name", d_dbus, 1, MAXW, "system-own-name NAME...", NULL, OPTION_WORD, "NAME", "system bus proxy: may own NAME" },
	{ "system-see-name", d_dbus, 1, MAXW, "system-see-name NAME...", NULL, OPTION_WORD, "NAME", "system bus proxy: NAME is visible, not callable" },
	{ "system-call", d_dbus, 1, MAXW, "system-call NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "system bus proxy: only these calls to NAME" },
	{ "system-broadcast", d_dbus, 1, MAXW, "system-broadcast NAME=RULE...", NULL, OPTION_WORD, "NAME=RULE", "system bus proxy: receive NAME's signals matching RULE" },
	{ "names", d_names, 1, MAXW, "names NAME...", NULL, OPTION_NONE, NULL, NULL },
	{ "net", d_net, 1, 1, "net none|host", NULL, OPTION_WORD, "none|host", "network: own namespace with lo only (default), or the host's" },
	{ "net-connect", d_net_connect, 1, MAXW, "net-connect [ADDR[/N]:]PORT[-PORT]...", "--connect", OPTION_WORD, "[ADDR[/N]:]PORT[-PORT]",
	  "allow connecting/sending only to these (repeatable; eBPF as root, else Landlock TCP ports)" },
	{ "net-bind", d_net_bind, 1, MAXW, "net-bind [ADDR[/N]:]PORT[-PORT]...", "--bind-port", OPTION_WORD, "[ADDR[/N]:]PORT[-PORT]", "allow binding only these local ports (repeatable)" },
	{ "net-rules", d_net_rules, 1, 1, "net-rules required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run when address rules cannot be enforced (default), or widen them to ports" },
	{ "exec-allow", d_exec_allow, 1, MAXW, "exec-allow PATH...", NULL, OPTION_PATH, "PATH", "only these files may be executed (repeatable; BPF-LSM, root only)" },
	{ "exec-allow-try", d_exec_allow_try, 1, MAXW, "exec-allow-try PATH...", NULL, OPTION_PATH, "PATH", "like --exec-allow, skipped when PATH is missing" },
	{ "open-deny", d_open_deny, 1, MAXW, "open-deny PATH...", NULL, OPTION_PATH, "PATH", "refuse opening this file or anything below this directory (repeatable; BPF-LSM)" },
	{ "open-deny-try", d_open_deny_try, 1, MAXW, "open-deny-try PATH...", NULL, OPTION_PATH, "PATH", "like --open-deny, skipped when PATH is missing" },
	{ "lsm-rules", d_lsm_rules, 1, 1, "lsm-rules required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run when BPF-LSM cannot enforce the file rules (default), or run without them" },
	{ "hostname", d_hostname, 1, 1, "hostname NAME", NULL, OPTION_WORD, "NAME", "hostname inside (default: sbx)" },
	{ "user", d_user, 1, 1, "user NAME", NULL, OPTION_WORD, "NAME", "root only: run the command as this account instead of nobody" },
	{ "caps-keep", d_caps_keep, 1, 1, "caps-keep net_bind_service", NULL, OPTION_WORD, "net_bind_service", "root only: the command may bind the ports below 1024 that its bind rules grant" },
	{ "setenv", d_setenv, 1, 2, "setenv NAME VALUE", NULL, OPTION_WORD, "NAME=VALUE", "set an environment variable" },
	{ "unsetenv", d_unsetenv, 1, MAXW, "unsetenv NAME...", NULL, OPTION_WORD, "NAME", "remove an environment variable" },
	{ "keepenv", d_keepenv, 1, MAXW, "keepenv NAME|PREFIX*...", NULL, OPTION_WORD, "NAME|PREFIX*", "pass this variable of yours (only locale, terminal, PATH and XDG dirs go in by default)" },
	{ "clearenv", d_clearenv, 0, 0, "clearenv", NULL, OPTION_FLAG, NULL, "start from an empty environment" },
	{ "allow", d_allow, 1, 6, "allow devel|userns|multiarch|jit|abstract-unix|signals...", NULL, OPTION_WORD, "devel|userns|multiarch|jit|abstract-unix|signals", "relax an always-on protection (visible in --explain)" },
	{ "syscalls", d_syscalls, 1, MAXW, "syscalls allow|deny|errno E|kill|log NAME... | syscalls allowlist", NULL, OPTION_WORDS, "RULE", "a syscall rule, as the profile line after 'syscalls' (e.g. 'deny ptrace')" },
	{ "landlock", d_landlock, 1, 1, "landlock required|optional", NULL, OPTION_WORD, "required|optional", "refuse to run without Landlock (default), or best effort" },
	{ "apparmor", d_apparmor, 1, 2, "apparmor NAME [optional]", NULL, OPTION_WORDS, "NAME", "stack the loaded AppArmor profile NAME on COMMAND (refused where AppArmor is off; 'NAME optional': run without it)" },
	{ "limits-optional", d_limits_optional, 0, 0, "limits-optional", NULL, OPTION_FLAG, NULL, "run even when cgroup limits cannot be applied" },
	{ "rlimit", d_rlimit, 1, 2, "rlimit NAME VALUE", NULL, OPTION_WORD, "NAME=SOFT[:HARD]", "set a resource limit, e.g. nofile=1024, as=2G, cpu=30s:40s" },
	{ "timeout", d_timeout, 1, 1, "timeout DURATION", NULL, OPTION_WORD, "DURATION", "SIGTERM after DURATION, SIGKILL 5 s later" },
	{ "memory-max", d_cgroup, 1, 1, "memory-max SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.max" },
	{ "memory-high", d_cgroup, 1, 1, "memory-high SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.high" },
	{ "memory-swap-max", d_cgroup, 1, 1, "memory-swap-max SIZE", NULL, OPTION_WORD, "SIZE", "cgroup memory.swap.max" },
	{ "pids-max", d_cgroup, 1, 1, "pids-max N", NULL, OPTION_WORD, "N", "cgroup pids.max" },
	{ "cpu-max", d_cgroup, 1, 1, "cpu-max N%|QUOTA[/PERIOD]", NULL, OPTION_WORD, "QUOTA[/PERIOD]|N%", "cgroup cpu.max" },
	{ "cpu-weight", d_cgroup, 1, 1, "cpu-weight N", NULL, OPTION_WORD, "N", "cgroup cpu.weight (1-10000)" },
	{ "io-weight", d_cgroup, 1, 1, "io-weight N", NULL, OPTION_WORD, "N", "cgroup io.weight (1-10000)" },
	{ "home", d_home, 1, 1, "home tmpfs|persistent", NULL, OPTION_WORD, "tmpfs|persistent", "the home inside: empty each run (default), or the app's own, kept" },
	{ "overlay", d_overlay, 1, 2, "overlay PATH [optional]", NULL, OPTION_PATH, "PATH", "PATH shows the host's files; changes go to the app's upper layer (sbx overlay diff|commit|reset)" },
	{ "overlay-tmp", d_overlay_tmp, 1, 2, "overlay-tmp PATH [optional]", NULL, OPTION_PATH, "PATH", "like --overlay, changes discarded at exit" },
	{ "private-bin", d_private_bin, 1, MAXW, "private-bin NAME...", NULL, OPTION_WORDS, "NAME",
	  "the bin directories show only these programs (and the targets of their symlinks); repeatable" },
	{ "private-bin-try", d_private_bin_try, 1, MAXW, "private-bin-try NAME...", NULL, OPTION_WORDS, "NAME", "like --private-bin, names that are not installed are skipped" },
	{ "private-etc", d_private_etc, 1, MAXW, "private-etc NAME...", NULL, OPTION_WORDS, "NAME",
	  "/etc shows only these entries and a base every program needs (sbx-profile(5)); repeatable" },
	{ "private-etc-try", d_private_etc_try, 1, MAXW, "private-etc-try NAME...", NULL, OPTION_WORDS, "NAME", "like --private-etc, missing entries are skipped" },
	{ "machine-id", d_machine_id, 1, 1, "machine-id random|host", NULL, OPTION_WORD, "random|host", "/etc/machine-id: a random id made for this run, or the host's (default)" },
	{ "mask", d_mask, 1, 1, "mask PATH", NULL, OPTION_PATH, "PATH", "cover PATH with an empty read-only file or directory, also inside grants" },
	{ "noexec", d_noexec, 1, MAXW, "noexec PATH...", NULL, OPTION_PATH, "PATH", "nothing at or below PATH can be executed or mapped executable, grants below it included" },
	{ "memory-deny-write-execute", d_memory_deny_write_execute, 0, 0, "memory-deny-write-execute", NULL, OPTION_FLAG, NULL, "no writable and executable memory, no memory made executable later (breaks JITs)" },
};

bool profile_directive(size_t i, struct directive_spelling *out)
{
	if (i >= ARRAY_SIZE(directives))
		return false;
	const struct directive *d = &directives[i];
	static char options[ARRAY_SIZE(directives)][40];
	if (d->form != OPTION_NONE && !d->option && !options[i][0])
		snprintf(options[i], sizeof(options[i]), "--%s", d->name);
	*out = (struct directive_spelling){
		.name = d->name,
		.option = d->form == OPTION_NONE ? NULL : d->option ? d->option : options[i],
		.form = d->form,
		.value = d->value,
		.help = d->help,
		.usage = d->usage,
	};
	return true;
}

/* firejail habits, answered. */
static const struct {
	const char *name;
	const char *hint;
} firejail_hints[] = {
	{ "whitelist", "nothing is visible unless granted: use bind or ro-bind" },
	{ "whitelist-ro", "use ro-bind" },
	{ "read-only", "use ro-bind" },
	{ "blacklist", "nothing is visible unless granted; to hide a path inside a grant use 'mask PATH'" },
	{ "noblacklist", "nothing is hidden that needs un-hiding; grant what the app needs" },
	{ "private", "the home is always private (an empty tmpfs)" },
	{ "private-tmp", "/tmp is always private" },
	{ "private-dev", "/dev is always minimal" },
	{ "nonewprivs", "always on" },
	{ "noroot", "always on" },
	{ "caps.drop", "capabilities are always dropped" },
	{ "caps.keep", "use caps-keep net_bind_service (the only one)" },
	{ "seccomp", "the always-on filter is built in; add rules with 'syscalls'" },
	{ "env", "use setenv NAME VALUE" },
	{ "rmenv", "use unsetenv NAME" },
	{ "ignore", "a later line wins; to loosen on purpose write 'override' in front of it" },
	{ "quiet", "use sbx --quiet" },
	{ "x11", "use 'socket x11' (an untrusted cookie) or 'socket x11-trusted'" },
	{ "dbus-user", "use talk-name, own-name, see-name, call or broadcast (filtered by xdg-dbus-proxy)" },
	{ "dbus-system", "use system-talk-name, system-call... (filtered by xdg-dbus-proxy)" },
	{ "wayland", "use 'socket wayland'" },
	{ "pulseaudio", "use 'socket pulseaudio'" },
	{ "pipewire", "use 'socket pipewire'" },
};

static const struct directive *directive_named(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++)
		if (strcmp(name, directives[i].name) == 0)
			return &directives[i];
	return NULL;
}

static const char *firejail_hint(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(firejail_hints); i++)
		if (strcmp(name, firejail_hints[i].name) == 0)
			return firejail_hints[i].hint;
	return NULL;
}
