// SPDX-License-Identifier: GPL-2.0
/* Device policy for one sandbox cgroup: opening a device node (and mknod) is allowed only for the
 * nodes listed by the loader; everything else fails with EPERM. */
/* Only UAPI context structs, whose layout the kernel keeps stable and whose loads the verifier
 * rewrites itself: no CO-RE relocations, so libbpf need not parse the kernel's 5 MB BTF at load. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "sbx_bpf.h"

#define BPF_DEVCG_ACC_MKNOD 1

char LICENSE[] SEC("license") = "GPL";

const volatile struct sbx_dev_rule dev_rules[SBX_DEV_MAX_RULES];
const volatile __u32 n_dev_rules = 0;

__u64 dev_denied;

SEC("cgroup/dev")
int sbx_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	__u16 type = ctx->access_type & 0xffff;
	__u16 access = ctx->access_type >> 16;
	/* Creating device nodes is never part of a grant. */
	if (!(access & BPF_DEVCG_ACC_MKNOD)) {
		for (__u32 i = 0; i < SBX_DEV_MAX_RULES; i++) {
			if (i >= n_dev_rules)
				break;
			const volatile struct sbx_dev_rule *r = &dev_rules[i];
			if (r->type == type && r->major == ctx->major && ctx->minor >= r->minor_lo &&
			    ctx->minor <= r->minor_hi && (access & ~r->access) == 0)
				return 1;
		}
	}
	__sync_fetch_and_add(&dev_denied, 1);
	return 0;
}
