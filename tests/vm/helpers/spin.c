/* spin SECONDS: busy-loops for SECONDS of wall time, then prints "wall_ms=W cpu_ms=C ratio_pct=R"
 * (CPU time this process got over wall time). Used to see cpu.max throttling. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2;
	long long w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
	volatile unsigned long x = 0;
	while (ms(CLOCK_MONOTONIC) - w0 < (long long)(seconds * 1000))
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
	long long wall = ms(CLOCK_MONOTONIC) - w0, cpu = ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("wall_ms=%lld cpu_ms=%lld ratio_pct=%lld\n", wall, cpu, wall ? cpu * 100 / wall : 0);
	return 0;
}
