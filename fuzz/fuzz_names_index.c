/* libFuzzer target: the names index reader (launcher/profile_names.c). A directory with three
 * profiles, one of which claims `alias`, and its index rewritten in place from the input (which
 * leaves the directory as it was). In the input, @A, @B and @C stand for the real "NAME INO CTIME"
 * of a.profile, b.profile and c.profile and @D for the directory's line, so that inputs can describe
 * the directory as it is. Whatever the index says, a lookup finds one of the directory's profiles
 * or the default, or fails, and never crashes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"

static char dir[64];
static char stamps[3][256];  /* "a.profile INO SEC NSEC", ... */
static char dir_line[256];
static struct profile_env env;

static void put_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void remove_dir(void)
{
	static const char *const files[] = { "default.profile", "a.profile", "b.profile", "c.profile", ".names-index" };
	char path[128];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	strcpy(dir, "/tmp/sbx-fuzz-names.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	put_file("default.profile", "net none\n");
	put_file("a.profile", "names alias\n");
	put_file("b.profile", "hostname b\n");
	put_file("c.profile", "names other\n");
	struct sbx_error err = { 0 };
	size_t n;
	if (names_index_write(dir, &n, &err) < 0)
		abort();
	const char *files[3] = { "a.profile", "b.profile", "c.profile" };
	for (int i = 0; i < 3; i++) {
		struct stat st;
		char path[128];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (stat(path, &st) < 0)
			abort();
		snprintf(stamps[i], sizeof(stamps[i]), "%s %llu %lld %ld", files[i], (unsigned long long)st.st_ino,
			 (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	}
	struct stat st;
	if (stat(dir, &st) < 0)
		abort();
	snprintf(dir_line, sizeof(dir_line), "dir %llu %llu %lld %ld", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	setenv("SBX_PROFILES_DIR", dir, 1);
	env = (struct profile_env){ .home = "/nonexistent", .config_home = "/nonexistent/.config",
				    .runtime_dir = "/run/user/0", .uid = getuid(), .gid = getgid(), .cwd = "/" };
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The input with its placeholders expanded, written over the index in place. */
	char *path = names_index_path(dir);
	int fd = open(path, O_WRONLY | O_TRUNC);
	FILE *out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out)
		abort();
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '@' && i + 1 < size && data[i + 1] >= 'A' && data[i + 1] <= 'D') {
			fputs(data[i + 1] == 'D' ? dir_line : stamps[data[i + 1] - 'A'], out);
			i++;
		} else {
			fputc(data[i], out);
		}
	}
	if (fclose(out) != 0)
		abort();
	free(path);
	static const char *const names[] = { "alias", "other", "b", "nothing" };
	for (size_t i = 0; i < 4; i++) {
		char *found = NULL;
		int tier = -1;
		int r = profile_find(&env, names[i], &found, &tier);
		if (r == 1 && strcmp(found, "a") && strcmp(found, "b") && strcmp(found, "c"))
			__builtin_trap();
		free(found);
	}
	return 0;
}
