/* The plan: what one run of sbx will be on this host, decided once in the parent before anything
 * is cloned, from a policy that no longer changes.
 *
 * parse -> policy (const from here on) -> plan_build -> explain prints the plan, or launch.c
 * applies it (and the sandbox's pid 1 only loads what the plan built).
 *
 * Each mechanism's planner reads the policy and the host, and writes only its part of the plan:
 * the host's capabilities it probed, the grants it adds (a display's socket, a bus proxy's socket,
 * device nodes, with their environment), its decision (Landlock port rules for network rules that
 * eBPF cannot enforce here, the inodes of BPF-LSM file rules, AppArmor's verdict, the memfd
 * guard), and, where the host cannot give a protection the policy requires, a refusal. Refusals
 * are data: a run stops on the first one; --explain shows them all. */
#ifndef SBX_PLAN_H
#define SBX_PLAN_H

#include <linux/filter.h>
#include <stdbool.h>

#include "cgroup.h"
#include "dbus_proxy.h"
#include "devices.h"
#include "landlock.h"
#include "mount.h"
#include "policy.h"
#include "sockets.h"
#include "userns.h"
#include "x11.h"

/* What the host can do, as the planners found it (each probe runs once per run, when a decision
 * needs it). */
struct host_caps {
	int landlock_abi;      /* 0: no Landlock */
	int landlock_why;      /* errno of the version query when landlock_abi is 0 */
	bool cgroup_bpf;       /* cgroup eBPF programs load for this caller */
	char cgroup_bpf_why[200];
	/* Probed only for file rules and --explain: */
	bool bpf_lsm_probed;
	bool lsm_loads;        /* the kernel loads BPF-LSM programs */
	char lsm_loads_why[240];
	bool bpf_lsm;          /* and lsm_cgroup programs attach for this caller: file rules can be enforced */
	char bpf_lsm_why[240];
	/* Probed only when the policy names an AppArmor profile (apparmor_plan): */
	bool apparmor;             /* AppArmor confines processes here */
	const char *apparmor_why;  /* why not, when it does not (a static string) */
};

/* A BPF-LSM file rule's file, as the kernel identifies it (policy's lsm_rules[i]). */
struct lsm_target {
	bool resolved;                /* false: an optional rule whose path is missing */
	unsigned long long dev, ino;  /* dev in the kernel's encoding (MAJOR << 20 | MINOR) */
};

struct sandbox_plan {
	const struct policy *policy;
	const struct identity *id;
	bool explain;  /* only described: no proxy started, no cookie made, no file created */
	struct host_caps host;

	/* What COMMAND is given: the policy's grants and environment, then what the planners add
	 * for this host, in that order. */
	struct mount_entry *mounts;
	size_t n_mounts;
	struct env_op *env;
	size_t n_env;

	/* Landlock's TCP port rules: network rules that eBPF cannot enforce here, as ports. */
	struct port_rule *ports;
	size_t n_ports;
	struct lsm_target *lsm_targets;  /* one per policy->lsm_rules[i] */
	char *apparmor_missing;          /* why the policy's AppArmor profile cannot be applied here */
	enum memfd_guard_state memfd_guard;
	const char *memfd_guard_why;     /* static text: why it is not ON */

	struct x11_session x11;
	struct socket_session sockets[SBX_N_SOCKS];
	char *pulse_conf_path;  /* socket pulseaudio: the private client.conf inside */
	char *pulse_conf;       /* and its text */
	struct device_session devices[SBX_N_DEVS];
	struct dbus_session dbus[DBUS_N_BUSES];

	struct sandbox_cgroup cgroup;   /* the sandbox's own cgroup (cgroup_plan); dirfd -1: none */
	struct landlock_plan landlock;  /* what Landlock enforces on this kernel (landlock_plan) */
	struct mount_plan view;  /* the mount steps (mount_plan.c); Landlock derives its rules from them */
	struct sock_fprog seccomp[2];  /* both filters, compiled (seccomp_validate); [1]: none without rules */

	/* Protections the policy requires and this host cannot give (sbx_refuse). */
	struct sbx_error *refusals;
	size_t n_refusals;
};

/* An empty plan of p for id: the policy's grants and environment copied, nothing probed. The
 * planners and tests start from it. */
void plan_init(struct sandbox_plan *pl, const struct policy *p, const struct identity *id, bool explain);

/* Runs every planner in order, builds both seccomp programs and the mount steps (protect: the
 * NULL-terminated directories the sandbox must never write, mount_plan_build). 0, or -errno with
 * err filled: a failure, or (unless explain) the first refusal. Under explain refusals are
 * collected instead. Whatever it returns, plan_free ends what it started (bus proxies, the X
 * authorization). */
int plan_build(struct sandbox_plan *pl, char *const *protect, struct sbx_error *err);
void plan_free(struct sandbox_plan *pl);

/* For the planners: a grant or an environment change of this host, after the policy's. */
struct mount_entry *plan_add_mount(struct sandbox_plan *pl, enum mount_kind kind, const char *src,
				   const char *dst, bool optional, const char *origin);
void plan_add_env(struct sandbox_plan *pl, enum env_op_kind kind, const char *name, const char *value,
		  const char *origin);

/* A planner's result: a refusal (err->refused) under explain is recorded and cleared (0); anything
 * else is returned as it is. */
int plan_refusal(struct sandbox_plan *pl, int r, struct sbx_error *err);

#endif
