/* tiocsti: pushes bytes into its stdin terminal's input queue with TIOCSTI, the CVE-2017-5226
 * attack: whatever reads that terminal next (the shell that started the sandbox) would execute
 * them. Prints "ctty=yes|no" (whether stdin is our controlling terminal: without one the kernel
 * refuses TIOCSTI by itself, which would hide what seccomp does) and then "TIOCSTI <result>"
 * (OK or an errno name). Exits 0 when the injection was refused, 1 when it succeeded.
 *   tiocsti [TEXT]   default TEXT: "sbx-injected\n" */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "sbx-injected\n";
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	printf("ctty=%s\n", tty >= 0 ? "yes" : "no");
	if (tty >= 0)
		close(tty);
	int result = 0;
	for (const char *c = text; *c; c++)
		if (ioctl(0, TIOCSTI, c) < 0) {
			result = errno;
			break;
		}
	printf("TIOCSTI %s\n", result ? strerrorname_np(result) : "OK");
	return result ? 0 : 1;
}
