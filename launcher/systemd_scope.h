/* A transient systemd scope with Delegate=yes for the calling process, requested over D-Bus with
 * sd-bus. libsystemd is loaded with dlopen() so sbx builds and runs where it is absent. */
#ifndef SBX_SYSTEMD_SCOPE_H
#define SBX_SYSTEMD_SCOPE_H

#include <stddef.h>

/* Asks the systemd manager (the user manager, or the system manager when euid is 0) to start
 * `unit` (e.g. "sbx-1234.scope") holding the calling process, with Delegate=yes, and waits until
 * the process has moved into it. On success returns 0 and sets *cgroup_path (heap) to the
 * scope's path relative to the cgroup2 mount, read from /proc/self/cgroup. Otherwise returns
 * -errno and writes a one-line reason into why. */
int systemd_scope_start(const char *unit, const char *description, char **cgroup_path, char *why,
			size_t why_size);

#endif
