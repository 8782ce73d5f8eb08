/* Host-side helper for the Landlock signal-scoping test: puts a process into the sandbox's pid
 * namespace WITHOUT putting it into the sandbox's Landlock domain (what `nsenter -p` would do, but
 * also for an unprivileged owner: it joins the user namespace that owns the pid namespace first,
 * which nsenter cannot find when the sandbox runs in a nested user namespace).
 *   pidns-outsider PID PIDFILE [SECONDS]
 * As root it also takes the target's uid and gid, so that only Landlock (not DAC) can stop a
 * signal between the two. The forked child writes its pid as seen inside that namespace to PIDFILE and sleeps SECONDS
 * (default 30); it dies with the namespace when the sandbox ends. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: pidns-outsider PID PIDFILE [SECONDS]\n");
		return 2;
	}
	int seconds = argc > 3 ? atoi(argv[3]) : 30;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s/ns/pid", argv[1]);
	int pidns = open(path, O_RDONLY | O_CLOEXEC);
	if (pidns < 0) {
		perror(path);
		return 1;
	}
	struct stat target;
	snprintf(path, sizeof(path), "/proc/%s", argv[1]);
	if (stat(path, &target) < 0) {
		perror(path);
		return 1;
	}
	if (getuid() != 0) {
		int owner = ioctl(pidns, NS_GET_USERNS);
		if (owner < 0 || setns(owner, CLONE_NEWUSER) < 0) {
			perror("pidns-outsider: join the owning user namespace");
			return 1;
		}
	}
	if (setns(pidns, CLONE_NEWPID) < 0) {
		perror("pidns-outsider: join the pid namespace");
		return 1;
	}
	if (getuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(target.st_gid, target.st_gid, target.st_gid) < 0 ||
			      setresuid(target.st_uid, target.st_uid, target.st_uid) < 0)) {
		perror("pidns-outsider: take the target's uid");
		return 1;
	}
	pid_t kid = fork();
	if (kid < 0) {
		perror("fork");
		return 1;
	}
	if (kid == 0) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0 || rename(tmp, argv[2]) < 0) {
			perror(tmp);
			_exit(1);
		}
		sleep((unsigned)seconds);
		_exit(0);
	}
	int status;
	waitpid(kid, &status, 0);
	return 0;
}
