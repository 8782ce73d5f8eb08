/* libFuzzer target: the names of overlaid paths in the state directory (launcher/appstate.c).
 * Escaping any path gives a name that is not "." or "..", holds no '/', and unescapes to the path
 * (with the leading slashes made one); unescaping any name never crashes and, when it accepts,
 * gives an absolute path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "appstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 2);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) != size) {  /* paths hold no NUL */
		free(text);
		return 0;
	}
	char *name = appstate_escape_path(text);
	if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || !*name)
		__builtin_trap();
	char *back = appstate_unescape_path(name);
	const char *p = text;
	while (*p == '/')
		p++;
	if (!back || back[0] != '/' || strcmp(back + 1, p) != 0)
		__builtin_trap();
	free(back);
	free(name);
	char *any = appstate_unescape_path(text);
	if (any && any[0] != '/')
		__builtin_trap();
	free(any);
	free(text);
	return 0;
}
