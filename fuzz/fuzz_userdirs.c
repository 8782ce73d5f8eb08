/* libFuzzer target: the user-dirs.dirs reader (launcher/userdirs.c). Whatever the file says, a
 * resulting directory is a clean absolute path that is neither the home nor above it. */
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "userdirs.h"

static bool within(const char *path, const char *outer)
{
	size_t n = strlen(outer);
	if (n == 1 && outer[0] == '/')
		return true;
	return strncmp(path, outer, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const homes[] = { "/home/u", "/", "/home/u/" };
	static const char *const stripped[] = { "/home/u", "/", "/home/u" };
	const char *home = homes[size % 3];
	struct userdirs u = { 0 };
	userdirs_parse((const char *)data, size, home, &u);
	for (int d = 0; d < USERDIR_COUNT; d++) {
		if (u.path[d]) {
			if (!path_is_clean_absolute(u.path[d]) || within(stripped[size % 3], u.path[d]))
				__builtin_trap();
		} else if (!u.why[d]) {
			__builtin_trap();
		}
	}
	/* Parsing twice into the same object must not leak. */
	userdirs_parse((const char *)data, size / 2, home, &u);
	userdirs_free(&u);
	return 0;
}
