// SPDX-License-Identifier: GPL-2.0
/* BPF-LSM file rules for one sandbox cgroup (lsm_cgroup: they apply to the tasks in that cgroup).
 * exec-allow: when any rule is given, bprm_check_security lets only the listed files be executed
 * (it runs for every stage, so a script's interpreter must be listed too). open-deny: file_open
 * refuses the listed files and everything below the listed directories, whatever the mounts
 * grant. Return 1 allows, 0 fails the call with EPERM. Files are matched by (s_dev, i_ino). */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sbx_bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Filled by the loader before attach, then frozen against writes from user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SBX_LSM_MAX_RULES);
	__type(key, struct sbx_lsm_key);
	__type(value, __u8);
} lsm_rules SEC(".maps");

/* Whether each kind of rule is in use (an empty exec-allow list allows everything). */
const volatile __u8 exec_allow_on = 0;
const volatile __u8 open_deny_on = 0;

/* Refusals: exec, open. */
__u64 lsm_denied[2];

static __always_inline int listed(struct inode *inode, __u32 kind)
{
	if (!inode)
		return 0;
	struct sbx_lsm_key key = {
		.ino = BPF_CORE_READ(inode, i_ino),
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.kind = kind,
	};
	return bpf_map_lookup_elem(&lsm_rules, &key) != NULL;
}

SEC("lsm_cgroup/bprm_check_security")
int BPF_PROG(sbx_exec, struct linux_binprm *bprm)
{
	if (!exec_allow_on)
		return 1;
	if (listed(BPF_CORE_READ(bprm, file, f_inode), SBX_LSM_EXEC_ALLOW))
		return 1;
	__sync_fetch_and_add(&lsm_denied[0], 1);
	return 0;
}

SEC("lsm_cgroup/file_open")
int BPF_PROG(sbx_open, struct file *file)
{
	if (!open_deny_on)
		return 1;
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	for (int i = 0; i < SBX_LSM_MAX_DEPTH; i++) {
		if (!d)
			return 1;
		if (listed(BPF_CORE_READ(d, d_inode), SBX_LSM_OPEN_DENY))
			break;
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		if (parent == d)
			return 1;  /* the filesystem's root: nothing above it matched */
		d = parent;
	}
	/* Matched, or deeper than the walk goes: fail closed. */
	__sync_fetch_and_add(&lsm_denied[1], 1);
	return 0;
}
