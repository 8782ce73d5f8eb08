#include "net.h"

#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

/* The sync socket's message that carries the namespace: this byte and the descriptor. */
#define NET_MSG 'n'

/* Brings lo up (the kernel then gives it 127.0.0.1 and ::1) through fd, a socket in the namespace. */
static int loopback_up(int fd, struct sbx_error *err)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return sbx_fail(err, errno, "loopback: cannot read the flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return sbx_fail(err, errno, "loopback: cannot bring lo up");
	return 0;
}

/* Shared with the child even where vfork_call copies the memory (AddressSanitizer). */
struct net_maker {
	int userns;  /* pid 1's pidfd */
	int netns;
	struct sbx_error err;
};

/* In the vfork_call child, which shares sbx's descriptors: the namespace's descriptor stays behind. */
static int make_namespace(void *arg)
{
	struct net_maker *m = arg;
	if (setns(m->userns, CLONE_NEWUSER) < 0)
		return sbx_fail(&m->err, errno, "cannot enter the sandbox's user namespace") < 0;
	if (unshare(CLONE_NEWNET) < 0) {
		int e = errno;
		sbx_fail(&m->err, e, "cannot create the sandbox's network namespace");
		if (e == ENOSPC)
			sbx_hint(&m->err, "the network namespace limit is reached: user.max_net_namespaces is too low");
		return 1;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sbx_fail(&m->err, errno, "loopback: cannot open a socket") < 0;
	int r = loopback_up(fd, &m->err);
	if (r == 0) {
		m->netns = ioctl(fd, SIOCGSKNS);
		if (m->netns < 0)
			r = sbx_fail(&m->err, errno, "cannot open the sandbox's network namespace");
	}
	close(fd);
	return r < 0;
}

int net_create(int pidfd, int *netns, struct sbx_error *err)
{
	struct net_maker *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return sbx_fail(err, errno, "cannot create the sandbox's network namespace (mmap)");
	*m = (struct net_maker){ .userns = pidfd, .netns = -1 };
	int r = 0, status;
	pid_t pid = vfork_call(make_namespace, m, 64 * 1024, CLONE_FILES);
	if (pid < 0)
		r = sbx_fail(err, errno, "cannot create the sandbox's network namespace (clone)");
	else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || m->netns < 0)
		r = sbx_fail(err, 0, "cannot create the sandbox's network namespace");
	if (r < 0 && m->err.msg[0]) {  /* the child said why */
		*err = m->err;
		r = -(m->err.code ? m->err.code : EIO);
	}
	if (r < 0 && m->netns >= 0)
		close(m->netns);
	if (r == 0)
		*netns = m->netns;
	munmap(m, sizeof(*m));
	return r;
}

int net_send(int sock, int netns, struct sbx_error *err)
{
	char tag = NET_MSG;
	/* pid 1 may have failed already: then sbx collects its error, as for the go byte. */
	if (send_fds(sock, &tag, 1, &netns, 1) < 0 && errno != EPIPE && errno != ECONNRESET)
		return sbx_fail(err, errno, "cannot hand the network namespace to the sandbox");
	return 0;
}

int net_join(int sock, struct sbx_error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	memset(&control, 0, sizeof(control));
	char tag = 0;
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	ssize_t n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n == 0)
		_exit(SBX_EXIT_FAILURE);  /* sbx failed to make it (and said why) or died */
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	int fd = -1;
	if (n == 1 && tag == NET_MSG && c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (fd < 0)
		return sbx_fail(err, n < 0 ? errno : EPROTO, "did not receive the sandbox's network namespace");
	int r = setns(fd, CLONE_NEWNET) < 0 ? sbx_fail(err, errno, "cannot join the sandbox's network namespace") : 0;
	close(fd);
	return r;
}
