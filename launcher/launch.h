/* Launching: creates the namespaces, runs each layer's parent- and child-side step in the fixed
 * order (user namespace -> mounts -> net -> limits -> Landlock -> capabilities -> seccomp -> exec),
 * and waits for the sandbox while forwarding signals. */
#ifndef SBX_LAUNCH_H
#define SBX_LAUNCH_H

#include "mount.h"
#include "policy.h"
#include "userns.h"

/* Runs p->argv in a sandbox. Returns the exit code sbx should exit with (COMMAND's status, 128+N,
 * 126, 127), or -errno with err filled when the sandbox could not be created. */
int sandbox_run(const struct policy *p, const struct identity *id, struct mount_plan *plan,
		struct sbx_error *err);

#endif
