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

bool env_is_unsafe(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(unsafe_vars); i++) {
		const char *u = unsafe_vars[i];
		size_t ulen = strlen(u);
		if (u[ulen - 1] == '*') {
			if (len >= ulen - 1 && strncmp(name, u, ulen - 1) == 0)
				return true;
		} else if (len == ulen && strncmp(name, u, len) == 0) {
			return true;
		}
	}
	return false;
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

void env_build(struct sandbox_env *e, char *const *host, const struct policy *p, const char *home,
	       const char *runtime_dir)
{
	e->vars = xcalloc(1, sizeof(char *));
	e->n = 0;
	if (!p->clearenv && host) {
		for (char *const *v = host; *v; v++) {
			const char *eq = strchr(*v, '=');
			if (!eq || eq == *v || env_is_unsafe(*v, (size_t)(eq - *v)))
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
	/* The policy's own changes come last, in order, so they win over everything above. */
	for (size_t i = 0; i < p->n_env; i++) {
		if (p->env[i].kind == ENV_SET)
			env_set(e, p->env[i].name, p->env[i].value);
		else
			env_unset(e, p->env[i].name);
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
