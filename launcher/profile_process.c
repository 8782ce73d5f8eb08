/* Profiles: the directives of the process itself: the account it runs as (user), its host name
 * and its environment (setenv, unsetenv, keepenv, clearenv). */
#include "profile_internal.h"

#include <string.h>


/* user NAME: the account a root-started sbx runs COMMAND as, instead of nobody (userns.h). It
 * decides whose files the server may touch, so an include cannot set it. Root is never one. */
int d_user(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	if (ln->kind == PROFILE_KIND_INCLUDE)
		return FAIL_LINE(ps, ln, "chooses the account the command runs as, which only a profile or a .local file may do, not an include");
	if (!user_name_valid(t->text))
		return FAIL_TOK(ps, ln, t, "expected an account name (letters, digits, '_', '-', '.')");
	if (strcmp(t->text, "root") == 0)
		return FAIL_TOK(ps, ln, t, "sbx never runs a command as root");
	free(ps->p->user);
	free(ps->p->user_origin);
	ps->p->user = xstrdup(t->text);
	ps->p->user_origin = xstrdup(ln->origin);
	return 0;
}

int d_hostname(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	size_t n = strlen(t->text);
	bool ok = n >= 1 && n <= 64 && t->text[0] != '-' && t->text[0] != '.';
	for (size_t i = 0; ok && i < n; i++) {
		char c = t->text[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
	}
	if (!ok)
		return FAIL_TOK(ps, ln, t, "expected a host name of 1 to 64 letters, digits, '-' and '.'");
	free(ps->p->hostname);
	ps->p->hostname = xstrdup(t->text);
	return 0;
}

static bool valid_env_name(const char *s, size_t n)
{
	if (n == 0 || n > 255 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

int d_setenv(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *t = arg(ln, 0);
	const char *eq = strchr(t->text, '=');
	_cleanup_free_ char *name = NULL;
	const char *value;
	if (ln->n == 1) {
		if (!eq)
			return FAIL_TOK(ps, ln, t, "expected NAME=VALUE or NAME VALUE");
		name = xstrndup(t->text, (size_t)(eq - t->text));
		value = eq + 1;
	} else {
		if (eq)
			return FAIL_TOK(ps, ln, t, "expected NAME VALUE (the name has no '=')");
		name = xstrdup(t->text);
		value = arg(ln, 1)->text;
	}
	if (!valid_env_name(name, strlen(name)))
		return FAIL_TOK(ps, ln, t, "expected a variable name (letters, digits, '_')");
	policy_add_env(ps->p, ENV_SET, name, value, ln->origin);
	return 0;
}

int d_unsetenv(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (!valid_env_name(t->text, strlen(t->text)))
			return FAIL_TOK(ps, ln, t, "expected a variable name (letters, digits, '_')");
	}
	for (size_t i = 0; i < ln->n; i++)
		policy_add_env(ps->p, ENV_UNSET, arg(ln, i)->text, NULL, ln->origin);
	return 0;
}

/* keepenv NAME... : from the caller's environment; NAME* keeps every name with that prefix. */
int d_keepenv(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		const char *name = arg(ln, i)->text;
		size_t n = strlen(name);
		if (n > 1 && name[n - 1] == '*')
			n--;
		if (!valid_env_name(name, n) || name[n] != (n == strlen(name) ? '\0' : '*'))
			return FAIL_TOK(ps, ln, arg(ln, i), "expected a variable name (letters, digits, '_'), or a prefix ending in '*'");
	}
	for (size_t i = 0; i < ln->n; i++)
		policy_add_env(ps->p, ENV_KEEP, arg(ln, i)->text, NULL, ln->origin);
	return 0;
}

int d_clearenv(struct parser *ps, struct line *ln)
{
	ps->p->clearenv = true;
	return 0;
}
