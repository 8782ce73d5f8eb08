/* eBPF policies, used where sbx legitimately has the privilege (root, or CAP_BPF + CAP_NET_ADMIN in
 * the initial user namespace): cgroup programs on the sandbox's own cgroup for network rules
 * (connect/sendmsg/bind allow-lists, TCP/UDP only) and device nodes. Without the privilege,
 * port-only network rules fall back to Landlock TCP port rules and rules that name addresses make
 * sbx refuse to run (or, with net_rules_requirement == REQ_OPTIONAL, are widened to their ports).
 * The BPF-LSM file rules (exec-allow, open-deny: lsm_cgroup programs on the same cgroup) need
 * root and a kernel that loads BPF-LSM; elsewhere sbx refuses to run, or with
 * lsm_rules_requirement == REQ_OPTIONAL warns and runs without them.
 *
 * Order of calls in a run: net_rule_parse (netrules.h: CLI / profile) -> bpf_plan -> cgroup_plan
 * (a leaf also when host_caps.cgroup_bpf) -> bpf_policy_attach -> sandbox runs -> bpf_policy_detach ->
 * cgroup_teardown. */
#ifndef SBX_BPF_H
#define SBX_BPF_H

#include <stdbool.h>
#include <stdio.h>

#include "netrules.h"
#include "policy.h"

/* Most BPF-LSM file rules one sandbox takes (SBX_LSM_MAX_RULES). */
#define LSM_RULES_MAX 256

/* Whether cgroup programs load here: 0, or -errno with why filled ("sbx is not root (uid 1000)"). */
int bpf_probe_cgroup(char *why, size_t size);
/* Whether per-cgroup BPF-LSM programs load here: 0, or -errno with why filled. */
int bpf_probe_lsm(char *why, size_t size);
/* Whether the file rules can be enforced here: the BPF-LSM probe and the cgroup probe both pass.
 * 0, or -errno with why filled (the first probe that failed). */
int bpf_lsm_available(char *why, size_t size);

/* Resolves every file rule's path (following symlinks, as the host sees it) to the (device,
 * inode) the programs compare; the device is the mount's superblock (mountinfo), not st_dev. A
 * missing path is an error naming the rule, unless the rule is optional (-try): then it stays
 * unresolved and matches nothing. Called by bpf_plan. */
struct lsm_target;
struct host_caps;
struct sandbox_plan;
int lsm_rules_resolve(const struct policy *p, struct lsm_target *targets, struct sbx_error *err);
/* True when the policy has a rule of that kind (resolved or not): an exec-allow line whose
 * paths are all missing still allows no exec at all. */
bool lsm_rules_given(const struct policy *p, enum lsm_rule_kind kind);

/* Fills the host's eBPF capabilities: cgroup programs always, BPF-LSM when lsm (the probes run
 * once per process). */
void bpf_probe_host(struct host_caps *host, bool lsm);

/* Before the launch (and before --explain): decides how the network rules are enforced. With
 * the privilege nothing changes (eBPF enforces them after bpf_policy_attach); without it the
 * rules become the plan's Landlock port rules (net_rules_to_ports), and address rules are refused
 * unless p->net_rules_requirement is REQ_OPTIONAL (then they are widened and a warning says so,
 * unless p->quiet). Then the file rules: resolved (lsm_rules_resolve) into the plan, and where
 * BPF-LSM cannot be used here, a refusal (naming the first rule and the probe's reason) unless
 * p->lsm_rules_requirement is REQ_OPTIONAL (a warning). Refusals go through plan_refusal. */
int bpf_plan(struct sandbox_plan *pl, struct sbx_error *err);

/* After cgroup_plan: network or file rules that have the privilege but no cgroup to attach to are
 * a refusal (plan_refusal), or a warning when optional, before anything is started. */
int bpf_plan_cgroup(const struct sandbox_plan *pl, struct sbx_error *err);

struct bpf_state;

/* Parent side, after pid 1 entered cgroup_fd and while it sets up its mounts; pid 1 starts
 * COMMAND only after sbx's go, so the rules hold from COMMAND's first instruction. Loads and
 * attaches (BPF links) the network programs when p has rules, the device program, and the BPF-LSM
 * file rule programs when p has file rules and they load here, to cgroup_fd. Unprivileged or
 * without a cgroup (cgroup_fd < 0; bpf_plan_cgroup decided): *out = NULL and 0. */
int bpf_policy_attach(const struct sandbox_plan *pl, int cgroup_fd, struct bpf_state **out,
		      struct sbx_error *err);
/* After the sandbox ended (before cgroup_teardown): destroys the links, detaching the programs.
 * NULL is fine. */
void bpf_policy_detach(struct bpf_state *s);

/* --explain: which eBPF rules are attached or skipped, and why. The text form prints an "ebpf:"
 * heading and indented lines; the JSON form one object without a newline. */
void bpf_explain(const struct sandbox_plan *pl, FILE *out);
void bpf_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
