/* filter_shim.so: LD_PRELOADed into the real build/sbx by `make bench`. It wraps libseccomp's
 * seccomp_load so that the benchmark can (a) run the real sandbox with no filter, everything else
 * (namespaces, view, Landlock, pid 1) unchanged, and (b) get the exact programs sbx loads, in
 * sbx's layout and as a linear list, for benchrun to load itself. sbx strips LD_* from the
 * command's environment, so the command never sees the shim.
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
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
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

/* Prints the program as libseccomp would load it, in hex. */
static void print_bpf(const scmp_filter_ctx ctx)
{
	/* MFD_NOEXEC_SEAL: this runs in sbx's pid 1, where a plain memfd_create would wait for pid 1
	 * itself (the memfd guard). 0x0008U: MFD_NOEXEC_SEAL, newer than some headers. */
	int fd = memfd_create("sbx-bench-bpf", MFD_CLOEXEC | 0x0008U);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("sbx-bench-bpf", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
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

int seccomp_load(const scmp_filter_ctx ctx)
{
	int (*real_load)(const scmp_filter_ctx) =
		(int (*)(const scmp_filter_ctx))dlsym(RTLD_NEXT, "seccomp_load");
	if (!real_load)
		return -ENOSYS;
	layer++;
	uint32_t sbx_layout = 0;
	seccomp_attr_get(ctx, SCMP_FLTATR_CTL_OPTIMIZE, &sbx_layout);
	if (layout)
		seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, layout);
	if (info) {
		fprintf(stderr, "shim layer %d sbx_layout %s\n", layer, sbx_layout == 2 ? "tree" : "linear");
		print_bpf(ctx);
	}
	return skip_load ? 0 : real_load(ctx);
}

/* Without a loaded filter there is no listener: pid 1 gets a descriptor that never becomes
 * readable, so its loop stays as it is. */
int seccomp_notify_fd(const scmp_filter_ctx ctx)
{
	if (skip_load)
		return eventfd(0, EFD_CLOEXEC);
	int (*real_fd)(const scmp_filter_ctx) =
		(int (*)(const scmp_filter_ctx))dlsym(RTLD_NEXT, "seccomp_notify_fd");
	return real_fd ? real_fd(ctx) : -ENOSYS;
}
