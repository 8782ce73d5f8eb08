/* libFuzzer target: the journal of an interrupted `sbx overlay commit` (launcher/overlay_commit.c).
 * Parsing any bytes never crashes, and whatever it accepts names only relative paths without "."
 * or ".." components (nothing commit would resolve outside the overlaid directory), with a known
 * kind and a 16-hex-digit tag. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlay_commit.h"

static void check_path(const char *p, char kind)
{
	if (!*p) {
		if (kind != 'T')
			__builtin_trap();
		return;
	}
	if (p[0] == '/')
		__builtin_trap();
	for (const char *c = p;;) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			__builtin_trap();
		if (!end)
			break;
		c = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct commit_journal j;
	int n = overlay_commit_parse_journal((const char *)data, size, &j);
	if (n < 0)
		return 0;
	if (strlen(j.tag) != 16 || strspn(j.tag, "0123456789abcdefABCDEF") != 16)
		__builtin_trap();
	for (size_t i = 0; i < j.n; i++) {
		if (!strchr("XDWTUR", j.kinds[i]))
			__builtin_trap();
		check_path(j.paths[i], j.kinds[i]);
	}
	overlay_commit_journal_free(&j);
	return 0;
}
