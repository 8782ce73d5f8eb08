/* The eBPF syscall recorder of `sbx learn` (bpf/learn.bpf.c), used when sbx runs as root: raw
 * tracepoints mark the syscall numbers the sandbox's processes make, so the seccomp notifier is
 * only asked about the calls whose arguments learn records (paths, addresses). Order of calls:
 * learn_bpf_open (before the fork) -> learn_bpf_track (the child's pid, before it runs) ->
 * learn_bpf_state (per notification) -> learn_bpf_collect (after the run) -> learn_bpf_close. */
#ifndef SBX_LEARN_BPF_H
#define SBX_LEARN_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where a tracked task stands (the values of bpf/learn.bpf.c). */
enum learn_task_state {
	LEARN_UNTRACKED = -1,
	LEARN_LAUNCHER = 0,  /* the learner's child, which execs sbx: never counts */
	LEARN_SETUP = 1,     /* forked by sbx, not yet exec'd: its next execve is the command's */
	LEARN_APP = 2,       /* the command: every call counts */
};

struct learn_bpf;

/* Loads and attaches the recorder. 0 with *out set, or -errno with why filled ("sbx is not root
 * (uid 1000)", "the kernel has no BTF", ...). */
int learn_bpf_open(struct learn_bpf **out, char *why, size_t size);
/* Tracks pid as the launcher. 0 or -errno. */
int learn_bpf_track(struct learn_bpf *b, pid_t launcher);
/* The state of thread tid (a pid of the initial pid namespace). */
enum learn_task_state learn_bpf_state(struct learn_bpf *b, pid_t tid);
/* What the run made: used[nr] for nr < n, whether a foreign ABI was seen, how many calls were
 * counted, and how many forks could not be tracked (a full map: the set may be incomplete). */
void learn_bpf_collect(struct learn_bpf *b, bool *used, size_t n, bool *foreign_arch,
		       unsigned long long *calls, unsigned long long *lost);
/* Detaches and frees; b may be NULL. */
void learn_bpf_close(struct learn_bpf *b);

#endif
