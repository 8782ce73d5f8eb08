/* TEMPORARY stub by the lead so the tree links before the profile parser lands; the profile
 * helper owns this file and replaces it entirely. */
#include "profile.h"

#include <stdio.h>

int profile_load(struct policy *p, const char *command, const char *requested,
		 const struct profile_env *env, struct sbx_error *err)
{
	p->profile_name = xstrdup("default");
	return 0;
}

int profile_main(int argc, char **argv, const struct profile_env *env)
{
	fputs("sbx: profile: not implemented yet\n", stderr);
	return 125;
}

void profile_search_dirs(const struct profile_env *env, char *out[3])
{
	out[0] = xasprintf("%s/sbx/profiles", env->config_home);
	out[1] = xstrdup(SBX_SYSCONFDIR "/sbx/profiles");
	out[2] = xstrdup(SBX_DATADIR "/sbx/profiles");
}
