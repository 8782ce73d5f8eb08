/* Network: the sandbox's own network namespace holds only the loopback interface, brought up. */
#ifndef SBX_NET_H
#define SBX_NET_H

#include "util.h"

/* sbx's side, once pid 1 exists (pidfd): makes the sandbox's network namespace, owned by pid 1's
 * user namespace, with lo up, in a short-lived child that joins that user namespace, so that the
 * kernel's work of making it (half a millisecond and more here) runs while pid 1 sets up its
 * mounts on another CPU instead of before pid 1 exists. *netns gets a descriptor of it for
 * net_send. */
int net_create(int pidfd, int *netns, struct sbx_error *err);
/* Hands the namespace to pid 1 over the sync socket, and pid 1's side: takes it and joins it. */
int net_send(int sock, int netns, struct sbx_error *err);
int net_join(int sock, struct sbx_error *err);

#endif
