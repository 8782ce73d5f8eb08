/* The eBPF syscall recorder of `sbx learn`: loads bpf/learn.bpf.c, seeds the launcher, reads the
 * marked syscall numbers back. See learn_bpf.h. */
#include "learn_bpf.h"

#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util.h"

#ifdef __clang_analyzer__
/* As in bpf.c: the skeleton's error paths hand their allocations to this libbpf function. */
void bpf_object__destroy_skeleton(struct bpf_object_skeleton *s) __attribute__((ownership_takes(malloc, 1)));
#endif

#if __has_include(<learn.skel.h>)
#define SBX_HAVE_LEARN_SKELETON 1
#include <learn.skel.h>
#else
#define SBX_HAVE_LEARN_SKELETON 0
#endif

/* The kernel's fixed inode number of the initial pid namespace (PROC_PID_INIT_INO). */
#define INIT_PID_NS_INO 0xEFFFFFFCU

#if SBX_HAVE_LEARN_SKELETON

_Static_assert(sizeof(((struct sbx_learn__bss *)0)->used) == 1024, "learn.bpf.c's LEARN_MAX_NR changed");

struct learn_bpf {
	struct sbx_learn *skel;
};

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap) { return 0; }

int learn_bpf_open(struct learn_bpf **out, char *why, size_t size)
{
	*out = NULL;
	if (geteuid() != 0) {
		snprintf(why, size, "sbx is not root (uid %u)", (unsigned)geteuid());
		return -EPERM;
	}
	/* The programs see thread ids of the initial pid namespace; the learner's must be the same. */
	struct stat st;
	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino != INIT_PID_NS_INO) {
		snprintf(why, size, "sbx is not in the initial pid namespace, where the recorder names tasks");
		return -EOPNOTSUPP;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(why, size, "the kernel has no BTF (/sys/kernel/btf/vmlinux): CONFIG_DEBUG_INFO_BTF is off");
		return -ENOENT;
	}
	libbpf_set_print(silent_print);
	struct sbx_learn *skel = sbx_learn__open();
	if (!skel) {
		int e = errno;
		snprintf(why, size, "cannot open the recorder's programs: %s", strerror(e));
		return -e;
	}
	skel->rodata->nr_execve = SYS_execve;
	skel->rodata->nr_execveat = SYS_execveat;
	int r = sbx_learn__load(skel);
	if (r < 0) {
		if (-r == EPERM || -r == EACCES)
			snprintf(why, size, "the kernel refuses tracing programs (%s): root without CAP_BPF "
				 "and CAP_PERFMON in the initial user namespace, or lockdown", strerror(-r));
		else
			snprintf(why, size, "loading the tp_btf programs fails: %s", strerror(-r));
		sbx_learn__destroy(skel);
		return r;
	}
	r = sbx_learn__attach(skel);
	if (r < 0) {
		snprintf(why, size, "attaching the raw tracepoints fails: %s", strerror(-r));
		sbx_learn__destroy(skel);
		return r;
	}
	struct learn_bpf *b = xcalloc(1, sizeof(*b));
	b->skel = skel;
	*out = b;
	snprintf(why, size, "tp_btf programs attached");
	return 0;
}

int learn_bpf_track(struct learn_bpf *b, pid_t launcher)
{
	__u32 tid = (__u32)launcher;
	__u8 state = LEARN_LAUNCHER;
	if (bpf_map__update_elem(b->skel->maps.tracked, &tid, sizeof(tid), &state, sizeof(state), BPF_ANY) < 0)
		return -errno;
	return 0;
}

enum learn_task_state learn_bpf_state(struct learn_bpf *b, pid_t tid)
{
	__u32 key = (__u32)tid;
	__u8 state;
	if (bpf_map__lookup_elem(b->skel->maps.tracked, &key, sizeof(key), &state, sizeof(state), 0) < 0)
		return LEARN_UNTRACKED;
	return (enum learn_task_state)state;
}

void learn_bpf_collect(struct learn_bpf *b, bool *used, size_t n, bool *foreign_arch,
		       unsigned long long *calls, unsigned long long *lost)
{
	const struct sbx_learn__bss *bss = b->skel->bss;
	for (size_t nr = 0; nr < n && nr < ARRAY_SIZE(bss->used); nr++)
		used[nr] |= bss->used[nr] != 0;
	*foreign_arch |= bss->foreign_arch != 0;
	*calls += bss->calls;
	*lost += bss->lost;
}

void learn_bpf_close(struct learn_bpf *b)
{
	if (!b)
		return;
	sbx_learn__destroy(b->skel);
	free(b);
}

#else

struct learn_bpf {
	int unused;
};

int learn_bpf_open(struct learn_bpf **out, char *why, size_t size)
{
	*out = NULL;
	snprintf(why, size, "sbx was built without its BPF programs (bpf/bpf.mk)");
	return -ENOSYS;
}

int learn_bpf_track(struct learn_bpf *b, pid_t launcher) { return -ENOSYS; }

enum learn_task_state learn_bpf_state(struct learn_bpf *b, pid_t tid) { return LEARN_UNTRACKED; }

void learn_bpf_collect(struct learn_bpf *b, bool *used, size_t n, bool *foreign_arch,
		       unsigned long long *calls, unsigned long long *lost)
{
}

void learn_bpf_close(struct learn_bpf *b) { free(b); }

#endif
