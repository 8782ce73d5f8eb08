/* libFuzzer target: the profile parser (launcher/profile.c), every directive, variables, quoting,
 * includes from the shipped profiles/ directory, and the keep-going mode of `sbx profile check`.
 * The first byte picks the file kind, the mode and the working directory; the rest is the file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netrules.h"
#include "cli.h"
#include "profile.h"

#ifndef FUZZ_PROFILES_DIR
#define FUZZ_PROFILES_DIR "profiles"
#endif

static void check_invariants(const struct policy *p)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		if (!path_is_clean_absolute(m->dst) || !m->origin)
			__builtin_trap();
		if ((m->kind == MOUNT_TMPFS) != (m->src == NULL))
			__builtin_trap();
		if (m->src && !path_is_clean_absolute(m->src))
			__builtin_trap();
	}
	for (size_t i = 0; i < p->n_overlays; i++)
		if (!path_is_clean_absolute(p->overlays[i].path) || strcmp(p->overlays[i].path, "/") == 0 ||
		    !p->overlays[i].origin)
			__builtin_trap();
	for (size_t i = 0; i < p->n_masks; i++)
		if (!path_is_clean_absolute(p->masks[i].path) || strcmp(p->masks[i].path, "/") == 0 || !p->masks[i].origin)
			__builtin_trap();
	/* net-connect/net-bind fill the network rules (bpf_plan decides in the plan how to enforce them). */
	if (p->n_net_rules > NET_RULES_MAX)
		__builtin_trap();
	for (size_t i = 0; i < p->n_net_rules; i++)
		if (!p->net_rules[i].origin || p->net_rules[i].port_lo > p->net_rules[i].port_hi)
			__builtin_trap();
	/* exec-allow/open-deny: host paths like bind sources (bpf_plan resolves them in the plan). */
	for (size_t i = 0; i < p->n_lsm_rules; i++)
		if (!path_is_clean_absolute(p->lsm_rules[i].path) || !p->lsm_rules[i].origin)
			__builtin_trap();
	for (size_t i = 0; i < p->n_syscalls; i++)
		if (!p->syscalls[i].name || p->syscalls[i].n_conds > 6)
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0];
	static const char *const cwds[] = { "/home/u/src", "/home/u", "/", "/srv/site dir" };
	const struct profile_env env = {
		.home = "/home/u",
		.config_home = "/nonexistent-sbx-fuzz/.config",
		.runtime_dir = "/run/user/1000",
		.uid = 1000,
		.gid = 1000,
		.cwd = cwds[(mode >> 2) & 3],
		.args = (char *const[]){ "xzf", "../data.tgz", "--file=/etc/hostname", "/tmp/x/y" },
		.n_args = (mode & 0x20) ? 4 : 0,
	};
	char *dirs[3] = { NULL, NULL, (char *)FUZZ_PROFILES_DIR };
	static const enum profile_kind kinds[] = { PROFILE_KIND_PROFILE, PROFILE_KIND_LOCAL, PROFILE_KIND_INCLUDE,
						   PROFILE_KIND_PROFILE };
	FILE *errors = NULL;
	if (mode & 0x10)
		errors = fopen("/dev/null", "we");
	struct policy p;
	policy_init(&p);
	p.quiet = true;
	struct sbx_error err = { 0 };
	int r = profile_parse_text(&p, (const char *)data + 1, size - 1, "fuzz.profile", kinds[mode & 3], &env, dirs,
				   true, errors, &err);
	if (r < 0 && err.msg[0] == '\0' && !errors)
		__builtin_trap(); /* every failure says why */
	if (r == 0)
		check_invariants(&p);
	if (errors)
		fclose(errors);
	policy_free(&p);
	return 0;
}
