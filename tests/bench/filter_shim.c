/* filter_shim.so: LD_PRELOADed into the real sbx (built against the shared libseccomp) by `make
 * bench`. sbx compiles its filters in its plan with libseccomp's seccomp_export_bpf and its pid 1
 * loads them with syscall(SYS_seccomp, ...); the shim wraps both, so that the benchmark can (a)
 * run the real sandbox with no filter, everything else (namespaces, view, Landlock, pid 1)
 * unchanged, and (b) get the exact programs sbx loads, in sbx's layout and as a linear list, for
 * benchrun to load itself. sbx strips LD_* from the command's environment, so the command never
 * sees the shim.
 *
 *   SBX_BENCH_LAYOUT=sbx|linear|tree  lay the rules out as sbx chose (default), as a linear list
 *                                     (SCMP_FLTATR_CTL_OPTIMIZE=1) or as a binary tree (=2)
 *   SBX_BENCH_SKIP_LOAD=1             do not load the filter
 *   SBX_BENCH_SHIM_INFO=1             print to stderr, per filter, "shim layer N sbx_layout L"
 *                                     and "shim bpf N HEX" (the program in the chosen layout)
 *
 * The variables are read in a constructor because the launcher may clear its environment before
 * it loads the filter. */
#include <dlfcn.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint32_t layout;  /* 0: as sbx chose; else the SCMP_FLTATR_CTL_OPTIMIZE value */
static int skip_load;
static int info;
static int layer;

__attribute__((constructor)) static void shim_init(void)
{
	const char *l = getenv("SBX_BENCH_LAYOUT");
	layout = !l ? 0 : !strcmp(l, "linear") ? 1 : !strcmp(l, "tree") ? 2 : 0;
	const char *s = getenv("SBX_BENCH_SKIP_LOAD");
	skip_load = s && *s == '1';
	const char *i = getenv("SBX_BENCH_SHIM_INFO");
	info = i && *i == '1';
}

typedef int (*export_fn)(const scmp_filter_ctx, int);

/* Prints the program as libseccomp compiles it, in hex. */
static void print_bpf(export_fn real_export, const scmp_filter_ctx ctx)
{
	int fd = memfd_create("sbx-bench-bpf", MFD_CLOEXEC);
	if (fd < 0 || real_export(ctx, fd) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		fprintf(stderr, "shim: cannot export the filter\n");
		if (fd >= 0)
			close(fd);
		return;
	}
	fprintf(stderr, "shim bpf %d ", layer);
	unsigned char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t k = 0; k < n; k++)
			fprintf(stderr, "%02x", buf[k]);
	fputc('\n', stderr);
	close(fd);
}

/* sbx compiles each layer once, in load order: the layout is swapped here. */
int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)
{
	export_fn real_export = (export_fn)dlsym(RTLD_NEXT, "seccomp_export_bpf");
	if (!real_export)
		return -ENOSYS;
	layer++;
	uint32_t sbx_layout = 0;
	seccomp_attr_get(ctx, SCMP_FLTATR_CTL_OPTIMIZE, &sbx_layout);
	if (layout)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, layout);
	if (info) {
		fprintf(stderr, "shim layer %d sbx_layout %s\n", layer, sbx_layout == 2 ? "tree" : "linear");
		print_bpf(real_export, ctx);
	}
	return real_export(ctx, fd);
}

/* pid 1 loads each program with syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog).
 * Skipped, it "succeeds": with the listener flag, pid 1 gets a descriptor that never becomes
 * readable, so its loop stays as it is. Everything else (libseccomp's and sbx's probes, which pass
 * no program) goes through. */
long syscall(long number, ...)
{
	va_list ap;
	va_start(ap, number);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (skip_load && number == SYS_seccomp && a[0] == SECCOMP_SET_MODE_FILTER && a[2] != 0)
		return (a[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? eventfd(0, EFD_CLOEXEC) : 0;
	long (*real_syscall)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
