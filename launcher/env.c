#include "env.h"

#include <string.h>

/* glibc's list of variables it ignores for setuid programs (unsecvars.h), and Flatpak's scrub list:
 * each can make a program load code or data from a path the caller chose. Entries ending in '*' are
 * prefixes. TMPDIR and friends point at host paths that the private /tmp no longer shows. */
static const char *const unsafe_vars[] = {
	"LD_*", "GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE",
	"NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",
	"TMPDIR", "TEMP", "TEMPDIR", "TMP",
	"PYTHONPATH", "PYTHONPYCACHEPREFIX", "PYTHONSTARTUP", "PYTHONHOME", "PERLLIB", "PERL5LIB",
	"PERL5OPT", "RUBYLIB", "RUBYOPT", "NODE_OPTIONS", "NODE_PATH", "BASH_ENV", "ENV",
	"XCURSOR_PATH", "GST_*", "KRB5CCNAME", "XKB_CONFIG_ROOT", "GIO_EXTRA_MODULES", "GDK_BACKEND",
	"VK_*", "__EGL_*", "LIBGL_DRIVERS_PATH", "GTK_PATH", "GTK_MODULES", "QT_PLUGIN_PATH",
	"XDG_RUNTIME_DIR",
};

/* What every sandbox gets from the caller: how to print and where to look, nothing that names a
 * secret, a socket or a service outside. */
static const char *const default_kept[] = {
	"PATH", "HOME", "PWD", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TERM", "COLORTERM", "NO_COLOR",
	"TZ", "COLUMNS", "LINES", "EDITOR", "VISUAL", "PAGER", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
	"XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_DIRS", "XDG_DATA_DIRS", "XDG_CURRENT_DESKTOP",
	"XDG_SESSION_TYPE", "XDG_SESSION_DESKTOP", "DESKTOP_SESSION",
};

/* NAME against a pattern: the same name, or a prefix when the pattern ends in '*'. */
static bool name_matches(const char *pattern, const char *name, size_t len)
{
	size_t plen = strlen(pattern);
	if (plen && pattern[plen - 1] == '*')
		return len >= plen - 1 && strncmp(name, pattern, plen - 1) == 0;
	return len == plen && strncmp(name, pattern, len) == 0;
}

static bool in_list(const char *const *list, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (name_matches(list[i], name, len))
			return true;
	return false;
}

bool env_is_unsafe(const char *name, size_t len)
{
	return in_list(unsafe_vars, ARRAY_SIZE(unsafe_vars), name, len);
}

bool env_passes(const struct policy *p, const char *name, size_t len)
{
	if (p->clearenv)
		return false;
	bool kept_by_name = false, kept = in_list(default_kept, ARRAY_SIZE(default_kept), name, len);
	for (size_t i = 0; i < p->n_env; i++) {
		if (p->env[i].kind != ENV_KEEP || !name_matches(p->env[i].name, name, len))
			continue;
		kept = true;
		kept_by_name |= strlen(p->env[i].name) == len;
	}
	/* A loader variable goes in only when the policy names it exactly, never through a pattern. */
	return kept && (kept_by_name || !env_is_unsafe(name, len));
}

void env_note_dropped(const struct policy *p, char *const *host)
{
	if (p->clearenv)
		return;
	/* Only the variables that change where programs look for code or files: a user who set
	 * PYTHONPATH or TMPDIR expects them to work. Session plumbing (DISPLAY, SSH_AUTH_SOCK, ...)
	 * stays out silently; --explain lists everything. */
	_cleanup_free_ char *names = NULL;
	size_t count = 0;
	for (char *const *v = host; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		size_t len = eq ? (size_t)(eq - *v) : 0;
		if (!len || !env_is_unsafe(*v, len) || env_passes(p, *v, len))
			continue;
		if (++count > 6)
			continue;
		char *longer = xasprintf("%s%s%.*s", names ? names : "", names ? ", " : "", (int)len, *v);
		free(names);
		names = longer;
	}
	if (count > 6) {
		char *longer = xasprintf("%s and %zu more", names, count - 6);
		free(names);
		names = longer;
	}
	if (count)
		sbx_note("not passed into the sandbox: %s (--keepenv NAME passes one; --explain lists "
			 "every dropped variable)",
			 names);
}

static ssize_t env_find(const struct sandbox_env *e, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->vars[i], name, len) == 0 && e->vars[i][len] == '=')
			return (ssize_t)i;
	return -1;
}

const char *env_get(const struct sandbox_env *e, const char *name)
{
	ssize_t i = env_find(e, name);
	return i < 0 ? NULL : strchr(e->vars[i], '=') + 1;
}

static void env_unset(struct sandbox_env *e, const char *name)
{
	ssize_t i = env_find(e, name);
	if (i < 0)
		return;
	free(e->vars[i]);
	memmove(&e->vars[i], &e->vars[i + 1], (e->n - (size_t)i) * sizeof(char *));
	e->n--;
}

void env_set(struct sandbox_env *e, const char *name, const char *value)
{
	char *entry = xasprintf("%s=%s", name, value);
	ssize_t i = env_find(e, name);
	if (i >= 0) {
		free(e->vars[i]);
		e->vars[i] = entry;
		return;
	}
	e->vars = realloc(e->vars, (e->n + 2) * sizeof(char *));
	if (!e->vars)
		abort();
	e->vars[e->n++] = entry;
	e->vars[e->n] = NULL;
}

void env_build(struct sandbox_env *e, char *const *host, const struct policy *p, const struct env_op *ops,
	       size_t n_ops, const char *home, const char *runtime_dir)
{
	e->vars = xcalloc(1, sizeof(char *));
	e->n = 0;
	if (host) {
		for (char *const *v = host; *v; v++) {
			const char *eq = strchr(*v, '=');
			if (!eq || eq == *v || !env_passes(p, *v, (size_t)(eq - *v)))
				continue;
			_cleanup_free_ char *name = strndup(*v, (size_t)(eq - *v));
			if (name)
				env_set(e, name, eq + 1);
		}
	}
	if (!p->clearenv) {
		env_set(e, "HOME", home);
		env_set(e, "XDG_RUNTIME_DIR", runtime_dir);
		if (!env_get(e, "PATH"))
			env_set(e, "PATH", "/usr/local/bin:/usr/bin:/bin");
		env_set(e, "container", "sbx");
	}
	/* The policy's own changes (and the planners' after them) come last, in order, so they win
	 * over everything above. */
	for (size_t i = 0; i < n_ops; i++) {
		if (ops[i].kind == ENV_SET)
			env_set(e, ops[i].name, ops[i].value);
		else if (ops[i].kind == ENV_UNSET)
			env_unset(e, ops[i].name);
	}
}

void env_free(struct sandbox_env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->vars[i]);
	free(e->vars);
	e->vars = NULL;
	e->n = 0;
}
