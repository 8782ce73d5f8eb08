/* libFuzzer target: the command line (launcher/cli.c), both passes. The input is the argument list
 * after "sbx", arguments separated by NUL bytes. Whatever the arguments, scanning and applying
 * agree, every mount the command line adds has clean absolute paths, and the command is what
 * followed the options. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netrules.h"
#include "cli.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One heap copy, NUL-terminated, cut into arguments at each NUL. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *argv[MAX_ARGS + 2] = { "sbx" };
	int argc = 1;
	for (char *s = text; s <= text + size && argc <= MAX_ARGS; s += strlen(s) + 1)
		argv[argc++] = s;

	struct cli cli = { 0 };
	struct sbx_error err = { 0 };
	if (cli_scan(argc, argv, &cli, &err) == 0) {
		if (cli.command_index < 1 || cli.command_index > argc)
			__builtin_trap();
		struct policy p;
		policy_init(&p);
		struct profile_env env = { .home = "/home/u", .cwd = "/work", .uid = 1000, .gid = 1000 };
		if (cli_apply(argc, argv, &cli, &env, &p, &err) == 0) {
			for (size_t i = 0; i < p.n_mounts; i++) {
				const struct mount_entry *m = &p.mounts[i];
				if (!path_is_clean_absolute(m->dst) || (m->src && m->src[0] != '/'))
					__builtin_trap();
			}
			if (p.n_net_rules > NET_RULES_MAX)
				__builtin_trap();
			/* COMMAND and its arguments are copied untouched. */
			int n = argc - cli.command_index;
			for (int i = 0; i < n; i++)
				if (!p.argv || !p.argv[i] || strcmp(p.argv[i], argv[cli.command_index + i]) != 0)
					__builtin_trap();
			if (p.argv && p.argv[n])
				__builtin_trap();
		} else if (!err.msg[0]) {
			__builtin_trap();  /* a refusal always says why */
		}
		policy_free(&p);
	} else if (!err.msg[0]) {
		__builtin_trap();
	}
	free(text);
	return 0;
}
