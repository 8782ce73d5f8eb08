/* forkmany N: forks up to N children that just sleep, stops at the first failing fork, prints
 * "forked K" and "fork failed: ERR" (exit 3) or "forked N" (exit 0). Children die with it (the
 * sandbox kills its pid namespace). Used to hit pids.max. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long want = argc > 1 ? atol(argv[1]) : 1000;
	long made = 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (; made < want; made++) {
		pid_t pid = fork();
		if (pid < 0) {
			int e = errno;
			printf("forked %ld\nfork failed: %s\n", made, strerror(e));
			return 3;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			pause();
			_exit(0);
		}
	}
	printf("forked %ld\n", made);
	return 0;
}
