/* The memfd guard: see memfd_guard.h. The filter side is in seccomp.c (build_always_on); this
 * file probes the kernel and serves the notifications in pid 1.
 *
 * Serving is single-threaded and one call at a time: a caller waits in memfd_create until init has
 * answered it, so concurrent calls from many threads queue up and each gets its own memfd. Only
 * the name is read from the caller's memory, and a wrong name harms nobody; the flags come from
 * the registers the filter saw. */
#include "memfd_guard.h"

#include "x11.h"
#include "plan.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/filter.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* The kernel's MFD_NAME_MAX_LEN: NAME_MAX minus "memfd:". */
#define NAME_MAX_LEN 249
/* For a caller whose memory init may not read (it made itself non-dumpable). */
#define FALLBACK_NAME "sbx-memfd"

/* ---- the probe, in sbx before the sandbox is cloned --------------------------------------------- */

/* A throwaway thread installs an allow-all filter with a listener: no_new_privs and the filter are
 * per thread, so sbx itself stays unfiltered, and the kernel answers EBUSY when a filter of this
 * process already has a listener (sbx learn's). Returns the listener or -errno. */
static void *listener_thread(void *unused)
{
	(void)unused;
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	long r = -EPERM;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return (void *)(intptr_t)(r < 0 ? -errno : r);
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The common case without the thread (whose creation, filter and join cost more than the rest of
 * the planning's probes together): sbx under no seccomp filter at all has no listener that could
 * make the kernel answer EBUSY, and no outer sandbox that refuses seccomp. The kernel checks a
 * filter's flags before it reads the program, so EFAULT for a NULL program means it knows
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19), which came after SECCOMP_ADDFD_FLAG_SEND
 * (5.14) and the listener (5.0). Anything else (a filter on sbx, an older kernel) takes the full
 * probe. Were the inference ever wrong, init's SECCOMP_IOCTL_NOTIF_ADDFD would fail and the
 * sandboxed memfd_create with it: closed, never open. */
static enum memfd_guard_state probe_without_thread(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		return MEMFD_GUARD_UNPLANNED;
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, NULL);
	return r < 0 && errno == EFAULT ? MEMFD_GUARD_ON : MEMFD_GUARD_UNPLANNED;
}

static enum memfd_guard_state probe(const char **why)
{
	int fd = (int)syscall(SYS_memfd_create, "sbx-probe", MFD_CLOEXEC | MFD_NOEXEC_SEAL);
	if (fd < 0) {
		*why = errno == EINVAL ? "this kernel has no MFD_NOEXEC_SEAL (Linux 6.3)"
				       : "memfd_create(MFD_NOEXEC_SEAL) fails here";
		return MEMFD_GUARD_UNAVAILABLE;
	}
	close(fd);
	enum memfd_guard_state quick = probe_without_thread();
	if (quick == MEMFD_GUARD_ON)
		return quick;
	pthread_t thread;
	void *ret = NULL;
	if (pthread_create(&thread, NULL, listener_thread, NULL) != 0 || pthread_join(thread, &ret) != 0) {
		*why = "sbx cannot probe for a seccomp listener (no thread)";
		return MEMFD_GUARD_UNAVAILABLE;
	}
	int listener = (int)(intptr_t)ret;
	if (listener == -EBUSY) {
		*why = "another seccomp supervisor (sbx learn, a container manager) already listens on this "
		       "process, and the kernel allows one";
		return MEMFD_GUARD_UNAVAILABLE;
	}
	if (listener < 0) {
		*why = "a seccomp listener cannot be created here (kernel before 5.0, or an outer sandbox "
		       "refuses seccomp)";
		return MEMFD_GUARD_UNAVAILABLE;
	}
	/* The flags are checked before the descriptor: EBADF means SEND is known. */
	struct seccomp_notif_addfd addfd = { .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = UINT32_MAX };
	int r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	int e = errno;
	close(listener);
	if (r < 0 && e == EBADF)
		return MEMFD_GUARD_ON;
	*why = "this kernel has no SECCOMP_ADDFD_FLAG_SEND (Linux 5.14)";
	return MEMFD_GUARD_UNAVAILABLE;
}

void memfd_guard_plan(struct sandbox_plan *pl)
{
	static enum memfd_guard_state probed = MEMFD_GUARD_UNPLANNED;
	static const char *probed_why;
	unsigned relax = pl->policy->relax;
	if (relax & (RELAX_JIT | RELAX_DEVEL)) {
		pl->memfd_guard = MEMFD_GUARD_LIFTED;
		pl->memfd_guard_why = relax & RELAX_JIT ? "relaxation 'jit'" : "relaxation 'devel'";
		return;
	}
	if (probed == MEMFD_GUARD_UNPLANNED)
		probed = probe(&probed_why);
	pl->memfd_guard = probed;
	pl->memfd_guard_why = probed_why;
}

const char *memfd_guard_text(enum memfd_guard_state state)
{
	switch (state) {
	case MEMFD_GUARD_ON:
		return "blocked: memfd_create without MFD_NOEXEC_SEAL goes to sbx's init (seccomp user "
		       "notification), which makes the memfd with MFD_NOEXEC_SEAL";
	case MEMFD_GUARD_LIFTED:
		return "ALLOWED";
	case MEMFD_GUARD_UNAVAILABLE:
		return "OPEN on this kernel: a memfd made without flags runs through /proc/self/fd/N while "
		       "the host's vm.memfd_noexec is 0 (setting it to 2 on the host closes this)";
	case MEMFD_GUARD_UNPLANNED:
		break;
	}
	return "not checked";
}

/* ---- serving, in pid 1 ------------------------------------------------------------------------ */

static struct seccomp_notif *req;
static struct seccomp_notif_resp *resp;
static size_t req_size, resp_size;

int memfd_guard_prepare(struct sbx_error *err)
{
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		return sbx_fail(err, errno, "seccomp: SECCOMP_GET_NOTIF_SIZES");
	req_size = sizes.seccomp_notif > sizeof(*req) ? sizes.seccomp_notif : sizeof(*req);
	resp_size = sizes.seccomp_notif_resp > sizeof(*resp) ? sizes.seccomp_notif_resp : sizeof(*resp);
	req = xcalloc(1, req_size);
	resp = xcalloc(1, resp_size);
	return 0;
}

/* The name the caller passed, into name[NAME_MAX_LEN + 1]. Returns 0, -EFAULT or -EINVAL as
 * memfd_create itself would, or -ENOENT when the call is gone. A caller whose memory init cannot
 * open (not dumpable) gets FALLBACK_NAME. */
static int read_name(int listener, char name[NAME_MAX_LEN + 1])
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%u/mem", req->pid);
	_cleanup_close_ int mem = req->pid ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* The pid named the caller only while its call is pending: check after opening. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return -ENOENT;
	if (mem < 0) {
		memcpy(name, FALLBACK_NAME, sizeof(FALLBACK_NAME));
		return 0;
	}
	ssize_t n = pread(mem, name, NAME_MAX_LEN + 1, (off_t)req->data.args[0]);
	if (n < 0 && errno != EIO) {  /* EIO: unmapped memory; others: init may not read it */
		memcpy(name, FALLBACK_NAME, sizeof(FALLBACK_NAME));
		return 0;
	}
	if (n > 0 && memchr(name, '\0', (size_t)n))
		return 0;
	return n == NAME_MAX_LEN + 1 ? -EINVAL : -EFAULT;
}

static void answer_error(int listener, int e)
{
	memset(resp, 0, resp_size);
	resp->id = req->id;
	resp->error = -e;
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

static bool is_call(const struct seccomp_data *d, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(d->arch, name);
	if (nr == __NR_SCMP_ERROR)
		return false;
	if (d->arch == SCMP_ARCH_X32)  /* x32 numbers carry __X32_SYSCALL_BIT */
		return (d->nr & ~0x40000000) == (nr & ~0x40000000);
	return d->nr == nr;
}

void memfd_guard_serve(int listener)
{
	memset(req, 0, req_size);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return;  /* the caller is gone (killed, or its call interrupted) */
	/* socket x11 with the host's network sends the connect() calls of one address length (x11.h). */
	if (is_call(&req->data, "connect")) {
		int v = x11_connect_verdict(listener, req);
		if (v > 0) {
			answer_error(listener, v);
		} else if (v == 0) {
			memset(resp, 0, resp_size);
			resp->id = req->id;
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
		}
		return;
	}
	if (!is_call(&req->data, "memfd_create")) {
		answer_error(listener, ENOSYS);  /* only memfd_create and connect are ever sent here */
		return;
	}
	char name[NAME_MAX_LEN + 1];
	int r = read_name(listener, name);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		answer_error(listener, -r);
		return;
	}
	unsigned flags = (unsigned)req->data.args[1];
	_cleanup_close_ int fd = (int)syscall(SYS_memfd_create, name,
					      (flags & ~MFD_EXEC) | MFD_NOEXEC_SEAL | MFD_CLOEXEC);
	if (fd < 0) {
		answer_error(listener, errno);
		return;
	}
	/* MFD_NOEXEC_SEAL also allows sealing (6.3 onwards); a memfd asked for without
	 * MFD_ALLOW_SEALING stays unsealable, except for F_SEAL_EXEC. */
	if (!(flags & MFD_ALLOW_SEALING))
		fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL);
	struct seccomp_notif_addfd addfd = {
		.id = req->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd_flags = flags & MFD_CLOEXEC ? O_CLOEXEC : 0,
	};
	/* Atomically installs the fd and makes its number the call's return value. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 && errno != ENOENT)
		answer_error(listener, errno);  /* e.g. EMFILE: the caller's RLIMIT_NOFILE */
}
