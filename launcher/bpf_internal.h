/* Shared by bpf.c and bpf_explain.c. */
#ifndef SBX_BPF_INTERNAL_H
#define SBX_BPF_INTERNAL_H

#include <linux/types.h>
#include <stdbool.h>

#include "../bpf/sbx_bpf.h"

struct sandbox_plan;

/* The device rules of the cgroup/dev program: the sandbox's /dev nodes, devpts, and the plan's
 * dev-bind grants (overflow: more than SBX_DEV_MAX_RULES). */
struct dev_list {
	struct sbx_dev_rule rules[SBX_DEV_MAX_RULES];
	unsigned n;
	bool overflow;
};

void bpf_dev_list_build(const struct sandbox_plan *pl, struct dev_list *l);

#endif
