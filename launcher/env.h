/* The command's environment: from the caller's, only an allow-list of harmless variables (locale,
 * terminal, PATH, XDG dirs...) and what the policy keeps with keepenv, never the variables that
 * change how programs load or where they look for code unless kept by name; then the policy's
 * changes. Tokens, agent sockets and bus addresses stay outside unless a profile asks for them. */
#ifndef SBX_ENV_H
#define SBX_ENV_H

#include <stdbool.h>

#include "policy.h"

struct sandbox_env {
	char **vars;  /* NULL-terminated "NAME=VALUE" strings */
	size_t n;
};

/* True for variables scrubbed by default (LD_PRELOAD, PYTHONPATH, GST_*, ...). */
bool env_is_unsafe(const char *name, size_t len);

/* Whether the caller's variable NAME (len bytes) goes into the sandbox under the policy. */
bool env_passes(const struct policy *p, const char *name, size_t len);

/* Queues a note naming the caller's code- and path-changing variables (PYTHONPATH, TMPDIR, ...)
 * that the sandbox will not get. */
void env_note_dropped(const struct policy *p, char *const *host);

/* Builds the environment from `host` (environ), what the policy keeps, and then ops (the
 * policy's changes and the plan's, plan.h). home and runtime_dir are the values inside the
 * sandbox. */
void env_build(struct sandbox_env *e, char *const *host, const struct policy *p, const struct env_op *ops,
	       size_t n_ops, const char *home, const char *runtime_dir);
/* Sets (replaces) NAME to VALUE. */
void env_set(struct sandbox_env *e, const char *name, const char *value);
const char *env_get(const struct sandbox_env *e, const char *name);
void env_free(struct sandbox_env *e);

#endif
