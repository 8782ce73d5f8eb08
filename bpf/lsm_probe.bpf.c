// SPDX-License-Identifier: GPL-2.0
/* Run-time probe: does this kernel load a per-cgroup BPF-LSM program? (It needs CONFIG_BPF_LSM,
 * "bpf" in the lsm= list and no lockdown forbidding it.) Loaded, never attached. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm_cgroup/file_open")
int BPF_PROG(sbx_lsm_probe, struct file *file)
{
	return 1;
}
