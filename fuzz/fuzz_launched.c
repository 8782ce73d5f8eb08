/* libFuzzer target: matching a launcher's command line against a desktop Exec template and
 * decoding file:// URIs (launcher/launched.c). Input: the Exec value on the first line, then one
 * argument per line. Whatever they are: a match marks only arguments, each file part lies inside
 * its argument, and a decoded URI is an absolute path with no escape left undone. */
#include <stdint.h>
#include <string.h>

#include "desktop_entry.h"
#include "launched.h"
#include "util.h"

#define MAX_FUZZ_ARGS 64

static void check_uri(const char *arg)
{
	const char *why = NULL;
	char *path = launched_uri_path(arg, &why);
	if (path && (why || path[0] != '/' || strlen(path) > strlen(arg)))
		__builtin_trap();
	free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);  /* up to the first NUL */
	char *save = NULL;
	char *exec = strtok_r(text, "\n", &save);
	char *args[MAX_FUZZ_ARGS];
	size_t n = 0;
	for (char *a = strtok_r(NULL, "\n", &save); a && n < MAX_FUZZ_ARGS; a = strtok_r(NULL, "\n", &save))
		args[n++] = a;
	struct desktop_exec e = { 0 };
	char why[300];
	if (exec && desktop_exec_parse(exec, &e, why, sizeof(why)) == 0) {
		bool at[MAX_FUZZ_ARGS];
		size_t fs[MAX_FUZZ_ARGS], fl[MAX_FUZZ_ARGS];
		if (launched_match(e.argv, e.argc, args, n, at, fs, fl)) {
			for (size_t i = 0; i < n; i++)
				if (at[i] && (fl[i] == 0 || fs[i] + fl[i] > strlen(args[i])))
					__builtin_trap();
		}
		desktop_exec_free(&e);
	}
	for (size_t i = 0; i < n; i++)
		check_uri(args[i]);
	if (exec)
		check_uri(exec);
	free(text);
	return 0;
}
