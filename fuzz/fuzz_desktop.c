/* libFuzzer target: the desktop and D-Bus service file parser and rewriter (launcher/desktop_entry.c).
 * Whatever the file says: a file that parses gets a managed copy (or a reason), and that copy
 * parses again, names its source, runs sbx, and still runs the same program. */
#include <stdint.h>
#include <string.h>

#include "desktop_entry.h"
#include "util.h"

static void check(const char *text, size_t len, enum desktop_kind kind, const char *sbx)
{
	struct desktop_info info;
	char why[300];
	int parsed = desktop_parse(text, len, kind, &info, why, sizeof(why));
	if (parsed < 0 && (info.program || info.managed_source || !why[0]))
		__builtin_trap();
	char sum[17];
	desktop_checksum(text, len, sum);
	char *copy = desktop_rewrite(text, len, kind, sbx, "/usr/share/applications/f.desktop", sum,
				     "/home/u/.local/share/applications/f 100%.desktop", why, sizeof(why));
	if (copy && (parsed < 0 || info.runs_sbx))
		__builtin_trap();
	if (copy) {
		struct desktop_info again;
		if (desktop_parse(copy, strlen(copy), kind, &again, why, sizeof(why)) < 0 || !again.runs_sbx ||
		    !again.managed_source || strcmp(again.managed_source, "/usr/share/applications/f.desktop") != 0 ||
		    strcmp(again.managed_sum, sum) != 0 || (kind == DESKTOP_APP && again.dbus_activatable))
			__builtin_trap();
		if (kind == DESKTOP_APP && (!again.program || !info.program || strcmp(again.program, info.program) != 0))
			__builtin_trap();
		desktop_info_free(&again);
		free(copy);
	}
	desktop_info_free(&info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	check(text, size, DESKTOP_APP, "/usr/bin/sbx");
	check(text, size, DESKTOP_APP, "/opt/my \"sbx\"/$%\\/sbx");
	check(text, size, DESKTOP_SERVICE, "/usr/bin/sbx");
	/* The Exec splitter alone, on the bytes up to the first NUL. */
	char *value = xstrndup(text, size);
	struct desktop_exec e;
	char why[300];
	if (desktop_exec_parse(value, &e, why, sizeof(why)) == 0 && e.argc == 0)
		__builtin_trap();
	desktop_exec_free(&e);
	free(value);
	return 0;
}
