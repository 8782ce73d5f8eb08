/* Command-line parsing: `sbx [OPTIONS] [--] COMMAND [ARG...]`. Parsing happens in two passes so that
 * command-line options are applied after (and so win over) the profile. */
#ifndef SBX_CLI_H
#define SBX_CLI_H

#include "policy.h"
#include "profile.h"

enum cli_action { CLI_RUN, CLI_HELP, CLI_VERSION };

struct cli {
	enum cli_action action;
	const char *profile;  /* --profile NAME|PATH, or NULL */
	const char *app;      /* --app NAME, or NULL */
	bool explain;
	bool json;
	bool quiet;
	const char *user;  /* --user NAME (root only), or NULL */
	bool caps_keep;    /* --caps-keep net_bind_service (root only) */
	const char *launched_from;  /* --launched-from FILE (a managed desktop copy), or NULL */
	int command_index;  /* argv index of COMMAND; argc when there is none */
};

/* Pass 1: checks the syntax of every option, finds COMMAND and the front-end flags. No policy
 * changes. Returns 0 or -EINVAL with err naming the offending argument. */
int cli_scan(int argc, char **argv, struct cli *cli, struct sbx_error *err);

/* Pass 2: applies the sandbox options to p (after the profile was loaded) as the profile lines
 * they spell (profile.h), and copies COMMAND and its arguments into p->argv. env->cwd makes
 * relative paths absolute. */
int cli_apply(int argc, char **argv, const struct cli *cli, const struct profile_env *env, struct policy *p,
	      struct sbx_error *err);

void cli_usage(FILE *out);


#endif
