/* The device nodes every sandbox's /dev holds (see devnodes.h). */
#include "devnodes.h"

const struct dev_node sandbox_dev_nodes[] = {
	{ "null", 1, 3, false },   { "zero", 1, 5, false },    { "full", 1, 7, false },
	{ "random", 1, 8, false }, { "urandom", 1, 9, false },
	/* the controlling terminal: the sandbox has one only when it gets a pty */
	{ "tty", 5, 0, true },
};
const size_t n_sandbox_dev_nodes = sizeof(sandbox_dev_nodes) / sizeof(sandbox_dev_nodes[0]);
