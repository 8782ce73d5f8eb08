/* cgroup v2 limits for the sandbox: a leaf cgroup per sandbox, obtained from a delegated subtree,
 * a systemd transient scope (sd-bus), or direct creation as root — in that order. */
#ifndef SBX_CGROUP_H
#define SBX_CGROUP_H

#include <stdbool.h>
#include <stdio.h>

#include "outcome.h"
#include "policy.h"

struct sandbox_cgroup {
	int dirfd;        /* the leaf cgroup directory, for CLONE_INTO_CGROUP; -1 when none */
	char *path;       /* its path, for messages and cleanup */
	const char *how;  /* "delegated", "systemd", "root" */
	/* private state for teardown */
	char *home;          /* cgroup sbx was in before setup (delegated/systemd); moved back there */
	char *launcher_leaf; /* sibling leaf sbx moved itself into (no internal processes rule) */
	char *base;          /* directory the leaf was created in */
	char *enabled;       /* controllers sbx enabled in base's subtree_control, e.g. "+memory +pids" */
	bool remove_base;    /* "root" way: rmdir the shared sbx parent when it is left empty */
	char *note;          /* with REQ_OPTIONAL and no cgroup: why, for --explain and the warning */
};

struct sandbox_plan;
/* Planner (plan.h), after the planners that start processes: gets pl->cgroup, the sandbox's own
 * cgroup, when the policy asks for limits or cgroup eBPF loads here; plan_free removes it. Tries
 * the three ways in order and writes the limits. When none works: with the limits required, a
 * refusal saying which ways were tried and why each failed; otherwise dirfd -1 and a note, for
 * --explain and the warning. Under --explain the cgroup is made too, so that "now:" is what a run
 * would get. */
int cgroup_plan(struct sandbox_plan *pl, struct sbx_error *err);
/* After the sandbox ended: reads memory.events / pids.events into outcome. */
void cgroup_collect(const struct sandbox_cgroup *cg, struct sandbox_outcome *outcome);
/* Kills whatever is left (cgroup.kill) and removes the cgroup. Safe to call when dirfd is -1. */
void cgroup_teardown(struct sandbox_cgroup *cg);

/* True when p asks for any cgroup limit (so cgroup_plan will try to get a cgroup). */
bool cgroup_limits_wanted(const struct cgroup_limits *l);

void cgroup_explain(const struct sandbox_plan *pl, FILE *out);
void cgroup_explain_json(const struct policy *p, FILE *out);

#endif
