/* The device nodes every sandbox's /dev holds: one table for the mount plan (mount_plan.c binds each
 * node from the host's /dev) and the cgroup/dev program (bpf.c allows each node's number), so the
 * two cannot disagree. The devpts nodes (ptmx, the ptys) come with the sandbox's own devpts and are
 * not in it. */
#ifndef SBX_DEVNODES_H
#define SBX_DEVNODES_H

#include <stdbool.h>
#include <stddef.h>

struct dev_node {
	const char *name;    /* under /dev */
	unsigned major, minor; /* a character device */
	bool terminal_only;  /* bound only when the sandbox gets a terminal (/dev/tty) */
};

/* null zero full random urandom tty, in the order the mount plan binds them. */
extern const struct dev_node sandbox_dev_nodes[];
extern const size_t n_sandbox_dev_nodes;

#endif
