/* escape-listen: a host-side listener for the escape suite, standing in for the X server's
 * abstract socket (@/tmp/.X11-unix/X0) or a loopback-only service. Prints "READY" (and the port)
 * once listening, then "ACCEPTED" for every connection, until killed.
 *
 *   escape-listen abstract NAME    listen on the abstract unix socket @NAME
 *   escape-listen path FILE        listen on the unix socket FILE (a tmux or agent socket)
 *   escape-listen tcp              listen on 127.0.0.1 on a free port; prints "READY PORT" */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "abstract")) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		size_t len = strlen(argv[2]);
		if (len + 1 > sizeof(sa.sun_path)) {
			fprintf(stderr, "escape-listen: name too long\n");
			return 2;
		}
		memcpy(sa.sun_path + 1, argv[2], len);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0 ||
		    listen(fd, 16) < 0) {
			perror("escape-listen");
			return 2;
		}
		printf("READY\n");
	} else if (argc == 3 && !strcmp(argv[1], "path")) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		if (strlen(argv[2]) >= sizeof(sa.sun_path)) {
			fprintf(stderr, "escape-listen: path too long\n");
			return 2;
		}
		strcpy(sa.sun_path, argv[2]);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
			perror("escape-listen");
			return 2;
		}
		printf("READY\n");
	} else if (argc == 2 && !strcmp(argv[1], "tcp")) {
		struct sockaddr_in sa = { .sin_family = AF_INET };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t slen = sizeof(sa);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
		    getsockname(fd, (struct sockaddr *)&sa, &slen) < 0) {
			perror("escape-listen");
			return 2;
		}
		printf("READY %u\n", ntohs(sa.sin_port));
	} else {
		fprintf(stderr, "usage: escape-listen abstract NAME | escape-listen path FILE | escape-listen tcp\n");
		return 2;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c >= 0) {
			printf("ACCEPTED\n");
			close(c);
		}
	}
}
