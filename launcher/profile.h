/* Profiles: lookup by app name, the profile language, includes and overrides.
 * (TEMPORARY header by the lead with the agreed API, so the tree builds; the profile helper owns
 * this file and replaces it.) */
#ifndef SBX_PROFILE_H
#define SBX_PROFILE_H

#include <sys/types.h>

#include "policy.h"

struct profile_env {
	const char *home;
	const char *config_home;
	const char *runtime_dir;
	uid_t uid;
	gid_t gid;
};

int profile_load(struct policy *p, const char *command, const char *requested,
		 const struct profile_env *env, struct sbx_error *err);
int profile_main(int argc, char **argv, const struct profile_env *env);
void profile_search_dirs(const struct profile_env *env, char *out[3]);

#endif
