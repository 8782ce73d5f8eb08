/* mdwe-probe: tries what memory-deny-write-execute forbids and prints one line per try, "NAME OK"
 * or "NAME ERRNO-NAME":
 *   mmap-wx       mmap(PROT_READ|PROT_WRITE|PROT_EXEC) of anonymous memory
 *   mprotect-x    mmap(PROT_READ|PROT_WRITE), then mprotect(PROT_READ|PROT_EXEC)
 *   mmap-rx       mmap(PROT_READ|PROT_EXEC) of anonymous memory (allowed by the prctl)
 *   shmat-x       shmat(SHM_EXEC) of a new System V segment
 * then "get-mdwe N" (prctl(PR_GET_MDWE): 1 is PR_MDWE_REFUSE_EXEC_GAIN, or the errno name), the
 * /proc/self/status line "MDWE:" when there is one, and "clear ERRNO|OK": prctl(PR_SET_MDWE, 0).
 * Exit 0 when every try ran. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#endif
#ifndef SHM_EXEC
#define SHM_EXEC 0100000
#endif

static const char *result(int failed)
{
	if (!failed)
		return "OK";
	const char *n = strerrorname_np(errno);
	return n ? n : "?";
}

int main(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap-wx %s\n", result(m == MAP_FAILED));

	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	printf("mprotect-x %s\n", result(mprotect(m, 4096, PROT_READ | PROT_EXEC) < 0));

	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap-rx %s\n", result(m == MAP_FAILED));

	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0700);
	if (id < 0) {
		printf("shmat-x shmget-%s\n", result(1));
	} else {
		void *s = shmat(id, NULL, SHM_EXEC);
		printf("shmat-x %s\n", result(s == (void *)-1));
		shmctl(id, IPC_RMID, NULL);
	}

	int g = prctl(PR_GET_MDWE, 0, 0, 0, 0);
	if (g < 0)
		printf("get-mdwe %s\n", result(1));
	else
		printf("get-mdwe %d\n", g);
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "MDWE:", 5) == 0)
			fputs(line, stdout);
	if (f)
		fclose(f);
	printf("clear %s\n", result(prctl(PR_SET_MDWE, 0, 0, 0, 0) < 0));
	return 0;
}
