/* memhog MiB: allocates and touches MiB mebibytes, one at a time, printing "allocated N MiB" every
 * 8 MiB; prints "done N MiB" and exits 0 when all of it fit. Used to hit memory.max. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long want = argc > 1 ? atol(argv[1]) : 256;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (long i = 1; i <= want; i++) {
		char *p = malloc(1 << 20);
		if (!p) {
			printf("malloc failed at %ld MiB\n", i);
			return 2;
		}
		memset(p, 0x5a, 1 << 20);  /* touch every page: RSS, not just address space */
		if (i % 8 == 0)
			printf("allocated %ld MiB\n", i);
	}
	printf("done %ld MiB\n", want);
	return 0;
}
