/* `noexec PATH`: nothing at or below PATH inside the sandbox can be executed or mapped executable.
 *
 * PATH names a place of the sandbox's view, not a host path: the private home, /tmp, /dev/shm, the
 * runtime directory, a grant's destination, or a directory above some of them (noexec /run covers
 * the runtime directory below it). Every mount step at or below PATH gets MOUNT_ATTR_NOEXEC (which
 * also refuses mmap(PROT_EXEC) of its files, so dlopen and ld.so too) and loses Landlock's EXECUTE
 * right. A grant below PATH is such a step whatever order the lines come in, so it never becomes
 * executable again: noexec wins, as in firejail.
 *
 * A PATH with no mount step at or below it is refused: a directory inside a mount (~/bin in the
 * private home) would need a mount of its own, and a PATH that is not in the view at all is most
 * likely a typo. The importer checks the view before it writes the line. */
#ifndef SBX_NOEXEC_H
#define SBX_NOEXEC_H

#include "mount.h"
#include "policy.h"

/* Marks the plan's steps at or below each of p's noexec paths. 0, or -EINVAL with err when a path
 * has no mount step at or below it. */
int noexec_plan(struct mount_plan *plan, const struct policy *p, struct sbx_error *err);

#endif
