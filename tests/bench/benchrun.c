/* benchrun: the timing side of `make bench`, run inside the sandbox (built static so it does not
 * depend on the view). It times from inside so that sandbox startup does not dilute the filter
 * cost, and it interleaves the filter variants at a fine grain: each measurement is a fresh child
 * that loads its variant's filter and then times, children of all variants taking turns. On a
 * noisy VM this is what makes a few-percent difference visible: the machine drifts by more than
 * that within a second. The sandbox must start without a filter (sbx under the shim's
 * SBX_BENCH_SKIP_LOAD=1), or every variant would run on top of sbx's.
 *
 *   benchrun loop N BURSTS VARIANT...        ns per call of a few syscalls: per syscall and
 *                                            variant, BURSTS children each timing N calls
 *                                            (openat N/10)
 *   benchrun job REPS VARIANT... -- CMD      wall time of CMD (fork, load, exec, wait), REPS runs
 *                                            per variant, variants taking turns
 *   benchrun rss REPS CMD...                 peak RSS of CMD's process tree (wait4 ru_maxrss:
 *                                            its largest single process)
 *   benchrun stamp CMD [ARG...]              "benchrun-exec NS" (CLOCK_MONOTONIC) on stderr, then
 *                                            exec CMD: where an app's start begins (firstmap -e)
 *   benchrun memfd N BURSTS                  ns per memfd_create + close, as this process is
 *                                            (run in a real sbx: the memfd guard's round trip
 *                                            through pid 1), made without flags and with
 *                                            MFD_NOEXEC_SEAL (never sent to pid 1), bursts
 *                                            interleaved; prints the median burst
 *
 * VARIANT is LABEL=BPF[,BPF...]: raw classic BPF files as libseccomp exports them, loaded in that
 * order as sbx loads its layers; "allowall" for a one-instruction RET ALLOW program; nothing
 * (LABEL=) for no filter. Output lines: "check LABEL filters K" (Seccomp_filters in
 * /proc/self/status of a child after loading, so the caller can check what it measured),
 * "loop LABEL SYSCALL NS", "job LABEL MS", "rss KIB". */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long seccomp_filters(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long filters = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp_filters: %ld", &filters) == 1)
			break;
	if (f)
		fclose(f);
	return filters;
}

#define MAX_VARIANTS 8
#define MAX_LAYERS 4

struct variant {
	const char *label;
	struct sock_fprog progs[MAX_LAYERS];
	int n_progs;
	bool checked;
};

static int read_program(const char *path, struct sock_fprog *prog)
{
	static struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (strcmp(path, "allowall") == 0) {
		*prog = (struct sock_fprog){ .len = 1, .filter = &allow };
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0 || st.st_size % 8 != 0 ||
	    st.st_size > 4096 * 8) {
		fprintf(stderr, "benchrun: %s is not a BPF program\n", path);
		return -1;
	}
	struct sock_filter *insns = malloc((size_t)st.st_size);
	if (!insns || read(fd, insns, (size_t)st.st_size) != st.st_size) {
		fprintf(stderr, "benchrun: cannot read %s\n", path);
		return -1;
	}
	close(fd);
	*prog = (struct sock_fprog){ .len = (unsigned short)(st.st_size / 8), .filter = insns };
	return 0;
}

/* "LABEL=A,B" */
static int parse_variant(char *spec, struct variant *v)
{
	char *eq = strchr(spec, '=');
	if (!eq) {
		fprintf(stderr, "benchrun: expected LABEL=BPF[,BPF...], got %s\n", spec);
		return -1;
	}
	*eq = '\0';
	*v = (struct variant){ .label = spec };
	for (char *save = NULL, *path = strtok_r(eq + 1, ",", &save); path;
	     path = strtok_r(NULL, ",", &save)) {
		if (v->n_progs == MAX_LAYERS || read_program(path, &v->progs[v->n_progs]) < 0)
			return -1;
		v->n_progs++;
	}
	return 0;
}

static int parse_variants(int argc, char **argv, struct variant *vs)
{
	if (argc < 1 || argc > MAX_VARIANTS) {
		fprintf(stderr, "benchrun: 1 to %d variants\n", MAX_VARIANTS);
		return -1;
	}
	for (int i = 0; i < argc; i++)
		if (parse_variant(argv[i], &vs[i]) < 0)
			return -1;
	return 0;
}

/* In a child: flags 0, as libseccomp's seccomp_load uses them for sbx. */
static void load_variant(const struct variant *v)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("benchrun: no_new_privs");
		_exit(1);
	}
	for (int i = 0; i < v->n_progs; i++)
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &v->progs[i]) < 0) {
			fprintf(stderr, "benchrun: cannot load %s: %s\n", v->label, strerror(errno));
			_exit(1);
		}
}

static int wait_ok(pid_t pid, const char *what, struct rusage *ru)
{
	int status;
	struct rusage ignored;
	if (wait4(pid, &status, 0, ru ? ru : &ignored) < 0) {
		perror("benchrun: wait4");
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "benchrun: %s failed (status 0x%x)\n", what, status);
		return -1;
	}
	return 0;
}

/* Prints "check LABEL filters K" once per variant, from a child that loaded it. */
static int check_variant(struct variant *v)
{
	if (v->checked)
		return 0;
	v->checked = true;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		load_variant(v);
		printf("check %s filters %ld\n", v->label, seccomp_filters());
		fflush(stdout);
		_exit(0);
	}
	return wait_ok(pid, "check", NULL);
}

enum probe { P_GETPPID, P_READ, P_IOCTL, P_OPENAT };
static const char *const probe_names[] = { "getppid", "read1", "ioctl", "openat" };

/* raw syscall() throughout, so that no libc caching or vDSO shortcut hides the kernel entry. */
static uint64_t time_probe(enum probe p, long n, int zero_fd, int pipe_fd)
{
	char byte;
	int avail;
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		long r = 0;
		switch (p) {
		case P_GETPPID:
			r = syscall(SYS_getppid);
			break;
		case P_READ:
			r = syscall(SYS_read, zero_fd, &byte, 1);
			break;
		case P_IOCTL:
			r = syscall(SYS_ioctl, pipe_fd, FIONREAD, &avail);
			break;
		case P_OPENAT:
			r = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
			if (r >= 0)
				syscall(SYS_close, (int)r);
			break;
		}
		if (r < 0) {
			fprintf(stderr, "benchrun: %s failed: %s\n", probe_names[p], strerror(errno));
			_exit(1);
		}
	}
	return now_ns() - t0;
}

static int loop_main(long n, long bursts, int argc, char **argv)
{
	struct variant vs[MAX_VARIANTS];
	int zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	int pipe_fds[2];
	if (n < 10 || bursts < 1 || parse_variants(argc, argv, vs) < 0 || zero_fd < 0 ||
	    pipe2(pipe_fds, O_CLOEXEC) < 0) {
		fputs("benchrun: loop N BURSTS VARIANT... (and /dev/zero, a pipe)\n", stderr);
		return 1;
	}
	for (int i = 0; i < argc; i++)
		if (check_variant(&vs[i]) < 0)
			return 1;
	for (enum probe p = P_GETPPID; p <= P_OPENAT; p++) {
		/* openat walks a path (and Landlock checks it): ten times fewer calls. */
		long calls = p == P_OPENAT ? n / 10 : n;
		for (long b = 0; b < bursts; b++)
			for (int k = 0; k < argc; k++) {
				/* Rotate who goes first, so that no variant always follows another. */
				const struct variant *v = &vs[(k + b) % argc];
				fflush(stdout);
				pid_t pid = fork();
				if (pid < 0)
					return 1;
				if (pid == 0) {
					load_variant(v);
					time_probe(p, calls / 10, zero_fd, pipe_fds[0]);  /* warm-up */
					uint64_t t = time_probe(p, calls, zero_fd, pipe_fds[0]);
					printf("loop %s %s %.1f\n", v->label, probe_names[p],
					       (double)t / (double)calls);
					fflush(stdout);
					_exit(0);
				}
				if (wait_ok(pid, "loop", NULL) < 0)
					return 1;
			}
	}
	return 0;
}

/* Runs argv (after loading v, if any); returns its wall time in ns, or 0 on failure. */
static uint64_t run_once(const struct variant *v, char **argv, long *maxrss_kib)
{
	fflush(stdout);
	uint64_t t0 = now_ns();
	pid_t pid = fork();
	if (pid < 0) {
		perror("benchrun: fork");
		return 0;
	}
	if (pid == 0) {
		if (v)
			load_variant(v);
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "benchrun: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	struct rusage ru;
	if (wait_ok(pid, argv[0], &ru) < 0)
		return 0;
	uint64_t t = now_ns() - t0;
	*maxrss_kib = ru.ru_maxrss;
	return t;
}

static int job_main(long reps, int argc, char **argv)
{
	int sep = 0;
	while (sep < argc && strcmp(argv[sep], "--") != 0)
		sep++;
	struct variant vs[MAX_VARIANTS];
	if (reps <= 0 || sep + 1 >= argc || parse_variants(sep, argv, vs) < 0) {
		fputs("benchrun: job REPS VARIANT... -- CMD [ARG...]\n", stderr);
		return 2;
	}
	char **cmd = argv + sep + 1;
	long rss;
	for (int k = 0; k < sep; k++)
		if (check_variant(&vs[k]) < 0)
			return 1;
	if (!run_once(NULL, cmd, &rss))  /* warm-up: page cache, dentries */
		return 1;
	for (long i = 0; i < reps; i++)
		for (int k = 0; k < sep; k++) {
			const struct variant *v = &vs[(k + i) % sep];
			uint64_t t = run_once(v, cmd, &rss);
			if (!t)
				return 1;
			printf("job %s %.3f\n", v->label, (double)t / 1e6);
		}
	return 0;
}

static int rss_main(long reps, char **argv)
{
	for (long i = 0; i < reps; i++) {
		long rss;
		if (!run_once(NULL, argv, &rss))
			return 1;
		printf("rss %ld\n", rss);
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* ns per memfd_create + close with flags, the median of `bursts` bursts of n calls; 0 on error. */
static uint64_t memfd_burst(long n, unsigned flags)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = (int)syscall(SYS_memfd_create, "bench", flags);
		if (fd < 0)
			return 0;
		close(fd);
	}
	return (now_ns() - t0) / (uint64_t)n;
}

static int memfd_main(long n, long bursts)
{
	if (n <= 0 || bursts <= 0 || bursts > 1000)
		return 2;
	static const struct { const char *label; unsigned flags; } kinds[] = {
		{ "plain", 1U /* MFD_CLOEXEC */ }, { "noexec-seal", 1U | 8U /* MFD_NOEXEC_SEAL */ },
	};
	uint64_t ns[2][1000];
	for (long b = 0; b < bursts; b++)
		for (size_t k = 0; k < 2; k++)
			if (!(ns[k][b] = memfd_burst(n, kinds[k].flags))) {
				fprintf(stderr, "benchrun: memfd_create(%s): %s\n", kinds[k].label, strerror(errno));
				return 1;
			}
	for (size_t k = 0; k < 2; k++) {
		qsort(ns[k], (size_t)bursts, sizeof(ns[k][0]), cmp_u64);
		printf("memfd %s %llu\n", kinds[k].label, (unsigned long long)ns[k][bursts / 2]);
	}
	return 0;
}

/* Says on stderr when it replaces itself with CMD, for firstmap -e: the moment the app's exec
 * starts, as the clock of every namespace has it. */
static int stamp_main(char **cmd)
{
	fprintf(stderr, "benchrun-exec %llu\n", (unsigned long long)now_ns());
	execvp(cmd[0], cmd);
	fprintf(stderr, "benchrun: %s: %s\n", cmd[0], strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && strcmp(argv[1], "loop") == 0)
		return loop_main(atol(argv[2]), atol(argv[3]), argc - 4, argv + 4);
	if (argc >= 5 && strcmp(argv[1], "job") == 0)
		return job_main(atol(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && strcmp(argv[1], "rss") == 0)
		return rss_main(atol(argv[2]), argv + 3);
	if (argc == 4 && strcmp(argv[1], "memfd") == 0)
		return memfd_main(atol(argv[2]), atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "stamp") == 0)
		return stamp_main(argv + 2);
	fputs("usage: benchrun loop N BURSTS VARIANT... | job REPS VARIANT... -- CMD [ARG...] |"
	      " rss REPS CMD [ARG...] | memfd N BURSTS | stamp CMD [ARG...]\n", stderr);
	return 2;
}
