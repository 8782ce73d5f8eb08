/* Network: the sandbox's own network namespace holds only the loopback interface, brought up. */
#ifndef SBX_NET_H
#define SBX_NET_H

#include "util.h"

/* Child side, inside the new network namespace: brings lo up (the kernel then gives it 127.0.0.1
 * and ::1). */
int net_setup_loopback(struct sbx_error *err);

#endif
