/* probe-core: small probes for tests/integration/core*.bats, run inside the sandbox. Static, so it
 * does not depend on what the sandbox's view contains.
 *
 *   probe-core fds                     print the open descriptors, space-separated ("0 1 2")
 *   probe-core create PATH...          open(O_CREAT|O_WRONLY) each PATH: "PATH OK" or "PATH ENAME"
 *   probe-core mkdir PATH...           mkdir each PATH: "PATH OK" or "PATH ENAME"
 *   probe-core write PATH DATA         open(O_WRONLY) PATH and write DATA: "PATH OK" or "PATH ENAME"
 *   probe-core sigwait FILE            block the forwarded signals, write "ready" to FILE, then print
 *                                      each signal's name as it arrives; exit 0 after SIGTERM
 *   probe-core sleep SECONDS [MARKER]  sleep; MARKER only makes the command line unique for pgrep
 *
 * Errors of the probe itself exit 99 so a test can tell them from the probed result. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case EROFS: return "EROFS";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EBADF: return "EBADF";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	case EIO: return "EIO";
	case ENOSYS: return "ENOSYS";
	default: return NULL;
	}
}

static void report(const char *what, int e)
{
	const char *name = errno_name(e);
	if (e == 0)
		printf("%s OK\n", what);
	else if (name)
		printf("%s %s\n", what, name);
	else
		printf("%s errno%d\n", what, e);
}

static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("probe-core: /proc/self/fd");
		return 99;
	}
	int self = dirfd(d);
	int fds[4096];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < sizeof(fds) / sizeof(fds[0])) {
		if (de->d_name[0] == '.')
			continue;
		int fd = atoi(de->d_name);
		if (fd != self)
			fds[n++] = fd;
	}
	closedir(d);
	/* readdir order is not numeric order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? " " : "", fds[i]);
	printf("\n");
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int fd = open(argv[i], O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		report(argv[i], fd < 0 ? errno : 0);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int cmd_mkdir(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		report(argv[i], mkdir(argv[i], 0755) < 0 ? errno : 0);
	return 0;
}

static int cmd_write(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int e = 0;
	if (fd < 0) {
		e = errno;
	} else {
		if (write(fd, data, strlen(data)) < 0)
			e = errno;
		close(fd);
	}
	report(path, e);
	return 0;
}

static int cmd_sigwait(const char *ready_file)
{
	static const struct {
		int sig;
		const char *name;
	} sigs[] = {
		{ SIGINT, "INT" }, { SIGTERM, "TERM" }, { SIGHUP, "HUP" }, { SIGQUIT, "QUIT" },
		{ SIGUSR1, "USR1" }, { SIGUSR2, "USR2" }, { SIGWINCH, "WINCH" },
	};
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i].sig);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		perror("probe-core: sigprocmask");
		return 99;
	}
	FILE *f = fopen(ready_file, "w");
	if (!f || fprintf(f, "ready\n") < 0 || fclose(f) != 0) {
		perror("probe-core: ready file");
		return 99;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			perror("probe-core: sigwaitinfo");
			return 99;
		}
		const char *name = "?";
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (sigs[i].sig == sig)
				name = sigs[i].name;
		printf("%s\n", name);
		if (sig == SIGTERM)
			return 0;
	}
}

static int cmd_sleep(const char *seconds)
{
	unsigned s = (unsigned)strtoul(seconds, NULL, 10);
	while (s > 0)
		s = sleep(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "fds") == 0)
		return cmd_fds();
	if (argc >= 3 && strcmp(argv[1], "create") == 0)
		return cmd_create(argc - 2, argv + 2);
	if (argc >= 3 && strcmp(argv[1], "mkdir") == 0)
		return cmd_mkdir(argc - 2, argv + 2);
	if (argc == 4 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "sigwait") == 0)
		return cmd_sigwait(argv[2]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "sleep") == 0)
		return cmd_sleep(argv[2]);
	fprintf(stderr, "usage: probe-core fds | create PATH... | mkdir PATH... | write PATH DATA |"
			" sigwait READY-FILE | sleep SECONDS [MARKER]\n");
	return 99;
}
