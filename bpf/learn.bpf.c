// SPDX-License-Identifier: GPL-2.0
/* The syscall recorder of `sbx learn` as root (launcher/learn_bpf.c loads it): marks which
 * syscall numbers the sandboxed command makes, without stopping it for each call as the seccomp
 * notifier does.
 *
 * Only tasks in `tracked` are looked at. The loader seeds the launcher (the learner's child, which
 * execs sbx) as LAUNCHER; every task it or its descendants fork is tracked (fork), and a task starts
 * counting at its execve once it is not the launcher itself (sys_enter and exec), as the notifier
 * decides: sbx's own setup (mounts, namespaces, its filters) is not recorded. Runs after seccomp:
 * a call the sandbox's filters deny is never recorded either. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Kept in step with launcher/learn_bpf.c. */
#define LEARN_MAX_NR 1024
#define LEARN_LAUNCHER 0  /* the launcher itself: never counts */
#define LEARN_SETUP 1     /* sbx's setup in a forked task: counts from its execve */
#define LEARN_APP 2       /* the command: every call counts */

#define X32_SYSCALL_BIT 0x40000000
#define TS_COMPAT 0x0002  /* arch/x86/include/asm/thread_info.h: in an i386 syscall */

/* Set by the loader before load: this architecture's execve and execveat numbers. */
const volatile __s64 nr_execve = -1;
const volatile __s64 nr_execveat = -1;

/* thread id (the kernel's pid, initial pid namespace) -> LEARN_* state */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

/* Read by the loader after the run (the .bss is memory-mapped). */
__u8 used[LEARN_MAX_NR];
__u64 calls;
__u8 foreign_arch;  /* a tracked task made a call in another ABI (i386, x32) */
__u64 lost;         /* forks that could not be tracked (the map was full) */

static __always_inline bool foreign_abi(long id)
{
#ifdef __TARGET_ARCH_x86
	if (id & X32_SYSCALL_BIT)
		return true;
	struct task_struct *task = bpf_get_current_task_btf();
	if (bpf_core_field_exists(task->thread_info.status) && (task->thread_info.status & TS_COMPAT))
		return true;
#endif
	return false;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(learn_sys_enter, struct pt_regs *regs, long id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u8 *state = bpf_map_lookup_elem(&tracked, &tid);
	if (!state)
		return 0;
	if (foreign_abi(id)) {
		foreign_arch = 1;
		return 0;
	}
	/* Counted from the execve call itself, as the notifier sees it, even if that attempt fails. */
	if (*state == LEARN_SETUP && (id == nr_execve || id == nr_execveat))
		*state = LEARN_APP;
	if (*state != LEARN_APP)
		return 0;
	__sync_fetch_and_add(&calls, 1);
	if (id >= 0 && id < LEARN_MAX_NR)
		used[id] = 1;
	return 0;
}

/* parent is the task calling clone: a thread or a process inherits its state. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(learn_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptid = (__u32)parent->pid;
	__u8 *state = bpf_map_lookup_elem(&tracked, &ptid);
	if (!state)
		return 0;
	/* Only the launcher's own thread id is the launcher. */
	__u8 inherited = *state == LEARN_LAUNCHER ? LEARN_SETUP : *state;
	__u32 ctid = (__u32)child->pid;
	if (bpf_map_update_elem(&tracked, &ctid, &inherited, BPF_ANY) != 0)
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

/* A thread other than the leader that execs takes the leader's thread id (old_pid is its own). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(learn_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 old_tid = (__u32)old_pid, tid = (__u32)p->pid;
	__u8 *state = bpf_map_lookup_elem(&tracked, &old_tid);
	if (!state)
		return 0;
	__u8 next = *state == LEARN_SETUP ? LEARN_APP : *state;
	if (old_tid != tid)
		bpf_map_delete_elem(&tracked, &old_tid);
	if (bpf_map_update_elem(&tracked, &tid, &next, BPF_ANY) != 0)
		__sync_fetch_and_add(&lost, 1);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(learn_exit, struct task_struct *p)
{
	__u32 tid = (__u32)p->pid;
	bpf_map_delete_elem(&tracked, &tid);
	return 0;
}
