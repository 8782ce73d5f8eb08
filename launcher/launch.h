/* Launching: creates the namespaces, runs each layer's parent- and child-side step in the fixed
 * order, and waits for the sandbox while forwarding signals. The parent: cgroup -> terminal ->
 * clone -> id maps (root) -> eBPF programs and network namespace (while pid 1 sets up) -> go. The
 * child (the sandbox's pid 1, init.c): user namespace -> mounts -> network namespace and hostname
 * -> nested user namespaces locked -> AppArmor -> Landlock -> capabilities dropped -> seccomp ->
 * waits for go. COMMAND's process: rlimits -> exec. */
#ifndef SBX_LAUNCH_H
#define SBX_LAUNCH_H

#include "plan.h"

/* Runs the plan's command (policy->argv) in a sandbox and reports how it ended (outcome.h): a
 * setup failure, in sbx or in the sandbox's pid 1, once on stderr and in --json's sbx-status line.
 * Returns the exit code sbx should exit with: COMMAND's status, 128+N, 126, 127, or 125 when the
 * sandbox could not be set up (err then holds why). */
int sandbox_run(struct sandbox_plan *pl, struct sbx_error *err);

#endif
