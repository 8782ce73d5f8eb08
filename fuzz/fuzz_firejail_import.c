/* libFuzzer target: the firejail importer (launcher/firejail_*.c). The input is a firejail
 * profile; `include X` of any name reads the same input again (so chains, depth limits and the
 * ignore list get exercised), *.local files are missing. Whatever it says: an import either fails
 * with a "file:line: problem" message and no output, or yields an sbx profile that the sbx parser
 * accepts. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "firejail_import.h"
#include "profile.h"
#include "util.h"

#ifndef FUZZ_PROFILES_DIR
#define FUZZ_PROFILES_DIR "profiles"
#endif

struct input {
	const char *data;
	size_t size;
};

static char *read_input(void *ctx, const char *path, size_t *len)
{
	const struct input *in = ctx;
	size_t n = strlen(path);
	if (n > 6 && strcmp(path + n - 6, ".local") == 0) {
		errno = ENOENT;
		return NULL;
	}
	*len = in->size;
	char *copy = xmalloc(in->size + 1);
	memcpy(copy, in->data, in->size);
	copy[in->size] = '\0';
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { (const char *)data, size };
	struct fj_source src = { .dir = "/etc/firejail", .read = read_input, .ctx = &in };
	struct fj_result res;
	int rc = fj_import("/etc/firejail/app.profile", &src, &res);
	if (rc < 0) {
		if (res.tier != FJ_FAILED || res.profile || !res.error || !strstr(res.error, ": "))
			__builtin_trap();
		fj_result_free(&res);
		return 0;
	}
	if (res.tier == FJ_FAILED || !res.profile || !res.report || (res.tier == FJ_FULL) != (res.lost == 0))
		__builtin_trap();
	static const struct profile_env env = {
		.home = "/home/u", .config_home = "/home/u/.config", .runtime_dir = "/run/user/1000",
		.uid = 1000, .gid = 100, .cwd = "/home/u/src",
	};
	char *dirs[3] = { NULL, NULL, (char *)FUZZ_PROFILES_DIR };
	struct policy p;
	policy_init(&p);
	p.quiet = true;
	struct sbx_error err = { 0 };
	if (profile_parse_text(&p, res.profile, strlen(res.profile), "imported.profile", PROFILE_KIND_PROFILE, &env, dirs,
			       true, NULL, &err) != 0) {
		fprintf(stderr, "imported profile does not parse: %s\n%s", err.msg, res.profile);
		__builtin_trap();
	}
	policy_free(&p);
	fj_result_free(&res);
	return 0;
}
