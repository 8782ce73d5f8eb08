/* The memfd guard: no executable memfd without 'allow jit'.
 *
 * A memfd made without MFD_EXEC or MFD_NOEXEC_SEAL is executable while the host's vm.memfd_noexec
 * is 0, and exec of its /proc/self/fd/N link gives seccomp only a pointer; Landlock does not check
 * memfd's internal mount, and an unprivileged sbx cannot set vm.memfd_noexec for its pid namespace.
 * So the always-on filter sends such a memfd_create to the sandbox's pid 1 (seccomp user
 * notification), which makes the memfd itself with MFD_NOEXEC_SEAL and installs it in the caller
 * (SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND: the fd number becomes the call's
 * return value). MFD_NOEXEC_SEAL needs Linux 6.3, ADDFD_FLAG_SEND 5.14, and a process may have
 * only one seccomp listener in its filter chain: where any of these is missing (sbx learn holds
 * the listener), the old rules stay and --explain says that executable memfds are open. */
#ifndef SBX_MEMFD_GUARD_H
#define SBX_MEMFD_GUARD_H

#include "policy.h"

struct sandbox_plan;

/* Decides the plan's memfd_guard (and memfd_guard_why) for this kernel and process: probes once
 * per process (a memfd_create and a listener in a throwaway thread), before the sandbox is cloned. */
void memfd_guard_plan(struct sandbox_plan *pl);

/* Text for --explain: whether executable memfds are blocked here, and why. */
const char *memfd_guard_text(enum memfd_guard_state state);

/* In pid 1, before the filter is loaded: sizes the notification buffers. Returns 0 or -errno. */
int memfd_guard_prepare(struct sbx_error *err);

/* In pid 1: takes one pending notification from listener and answers it. Never blocks for long:
 * the caller polls the listener first. The listener also carries socket x11's connect() calls
 * (x11_connect_verdict). */
void memfd_guard_serve(int listener);

#endif
