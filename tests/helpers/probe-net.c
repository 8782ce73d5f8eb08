/* Network probe for the Landlock tests: tries one TCP or abstract-unix operation and prints "OK"
 * or the errno name (EACCES, EPERM, ECONNREFUSED...) on stdout. Exit 0 when the probe ran, 2 on
 * a usage error.
 *   probe-net connect PORT        connect to 127.0.0.1:PORT
 *   probe-net bind PORT           bind 127.0.0.1:PORT
 *   probe-net abstract NAME       connect to the abstract unix socket @NAME
 *   probe-net abstract-self NAME  listen on @NAME, then connect to it (same process) */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int report(int r)
{
	if (r == 0)
		puts("OK");
	else
		puts(strerrorname_np(errno) ? strerrorname_np(errno) : "EUNKNOWN");
	return 0;
}

static socklen_t abstract_addr(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t n = strlen(name);
	if (n > sizeof(sa->sun_path) - 1)
		n = sizeof(sa->sun_path) - 1;
	memcpy(sa->sun_path + 1, name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static struct sockaddr_in loopback(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: probe-net connect|bind PORT | abstract|abstract-self NAME\n");
		return 2;
	}
	const char *op = argv[1];
	if (strcmp(op, "connect") == 0 || strcmp(op, "bind") == 0) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0)
			return report(-1);
		struct sockaddr_in sa = loopback(argv[2]);
		if (op[0] == 'c')
			return report(connect(s, (struct sockaddr *)&sa, sizeof(sa)));
		int one = 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		return report(bind(s, (struct sockaddr *)&sa, sizeof(sa)));
	}
	if (strcmp(op, "abstract") == 0 || strcmp(op, "abstract-self") == 0) {
		struct sockaddr_un sa;
		socklen_t len = abstract_addr(&sa, argv[2]);
		if (strcmp(op, "abstract-self") == 0) {
			int l = socket(AF_UNIX, SOCK_STREAM, 0);
			if (l < 0 || bind(l, (struct sockaddr *)&sa, len) < 0 || listen(l, 1) < 0) {
				perror("probe-net: listen");
				return 1;
			}
		}
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			return report(-1);
		return report(connect(s, (struct sockaddr *)&sa, len));
	}
	fprintf(stderr, "probe-net: unknown operation %s\n", op);
	return 2;
}
