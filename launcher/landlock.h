/* The Landlock layer: a ruleset mirroring the mount plan (defence in depth), TCP port rules and
 * IPC scoping, applied after the root is built and before capabilities are dropped. */
#ifndef SBX_LANDLOCK_H
#define SBX_LANDLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"
#include "view.h"

/* Our own copy of the UAPI constants up to ABI 7: Debian 12's <linux/landlock.h> stops at ABI 2.
 * Spelled exactly as the kernel header spells them, so including both is harmless. */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION			(1U << 0)
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA			(1U << 1)
#endif
#define SBX_LANDLOCK_RULE_PATH_BENEATH 1
#define SBX_LANDLOCK_RULE_NET_PORT 2
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE			(1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE			(1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE			(1ULL << 2)
#define LANDLOCK_ACCESS_FS_READ_DIR			(1ULL << 3)
#define LANDLOCK_ACCESS_FS_REMOVE_DIR			(1ULL << 4)
#define LANDLOCK_ACCESS_FS_REMOVE_FILE			(1ULL << 5)
#define LANDLOCK_ACCESS_FS_MAKE_CHAR			(1ULL << 6)
#define LANDLOCK_ACCESS_FS_MAKE_DIR			(1ULL << 7)
#define LANDLOCK_ACCESS_FS_MAKE_REG			(1ULL << 8)
#define LANDLOCK_ACCESS_FS_MAKE_SOCK			(1ULL << 9)
#define LANDLOCK_ACCESS_FS_MAKE_FIFO			(1ULL << 10)
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK			(1ULL << 11)
#define LANDLOCK_ACCESS_FS_MAKE_SYM			(1ULL << 12)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER			(1ULL << 13)  /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE			(1ULL << 14)  /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV			(1ULL << 15)  /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP			(1ULL << 0)  /* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP			(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET		(1ULL << 0)  /* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL				(1ULL << 1)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF	(1U << 0)  /* ABI 7 */
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON		(1U << 1)
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF	(1U << 2)
#endif

/* The newest ABI this build knows every right of; newer kernels are used at this level. */
#define SBX_LANDLOCK_ABI_MAX 7

/* Rights that make sense on a non-directory; the kernel rejects the others on file rules. */
#define SBX_LANDLOCK_FS_FILE_RIGHTS                                                            \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Returns the kernel's Landlock ABI version (0 when Landlock is unavailable). */
int landlock_abi(void);
/* The same, and *why the errno of the version query (0 when there is a version). */
int landlock_probe_abi(int *why);

struct sandbox_plan;

/* Decides the plan's ruleset for this kernel (landlock_plan_build with the plan's port rules). A
 * requirement the kernel cannot meet is a refusal, with a hint. */
int landlock_plan(struct sandbox_plan *pl, struct sbx_error *err);

/* Restricts the calling process to the view (paths as seen inside the sandbox, after pivot_root),
 * following the plan's ruleset (landlock_plan), its TCP port rules and the policy's scoping flags. Needs no_new_privs. With p->landlock == REQ_REQUIRED it fails
 * when the kernel lacks Landlock or a feature the policy needs; with REQ_OPTIONAL it applies what
 * it can. Returns 0 or -errno with err filled. */
int landlock_apply(const struct sandbox_plan *pl, const struct view *v, struct sbx_error *err);

/* Plain-words and JSON summaries for --explain: ABI, what is enforced, what is not. The JSON form
 * prints one object, without a trailing newline. */
void landlock_explain(const struct sandbox_plan *pl, const struct view *v, FILE *out);
void landlock_explain_json(const struct sandbox_plan *pl, const struct view *v, FILE *out);

/* ---- Pure parts (no syscalls), shared by apply and explain, unit-tested. ---- */

/* Every filesystem right the given ABI knows (0 for ABI <= 0). */
uint64_t landlock_fs_rights_for_abi(int abi);

/* The rights a view entry grants at the given ABI; for a non-directory only file rights. */
uint64_t landlock_view_rights(enum view_access access, int abi, bool is_dir);

/* One thing the policy asked for (or sbx adds by default) that this kernel does not enforce. */
struct landlock_gap {
	const char *what;    /* e.g. "signal scoping" */
	const char *effect;  /* what happens instead, e.g. "signals to host processes are allowed" */
	int needs_abi;       /* the ABI that would enforce it */
};

/* What will be (or would be) enforced on a kernel with a given ABI. */
struct landlock_plan {
	int abi;                  /* ABI the ruleset is built for: min(kernel, SBX_LANDLOCK_ABI_MAX) */
	bool enforce;             /* false: nothing is applied (no Landlock, optional) */
	uint64_t handled_fs;
	uint64_t handled_net;     /* 0: TCP not restricted */
	uint64_t scoped;
	uint32_t restrict_flags;
	struct landlock_gap gaps[8];
	size_t n_gaps;
};

/* Decides the ruleset for kernel ABI `abi` (0 = no Landlock), with n_ports TCP port rules.
 * Fails with err naming the missing feature and the ABI when p->landlock is REQ_REQUIRED and the
 * kernel cannot enforce what the policy explicitly needs. */
int landlock_plan_build(const struct policy *p, size_t n_ports, int abi, struct landlock_plan *plan,
			struct sbx_error *err);

/* The explain functions for a given kernel ABI (and errno of the version query when it is 0). */
void landlock_explain_at(const struct sandbox_plan *pl, const struct view *v, int kernel_abi, int why,
			 FILE *out);
void landlock_explain_json_at(const struct sandbox_plan *pl, const struct view *v, int kernel_abi, int why,
			      FILE *out);

#endif
