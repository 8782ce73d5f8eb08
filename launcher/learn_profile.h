/* The profile fragment `sbx learn` writes (learn_profile.c), and the record it is written from:
 * learn.c's recorders fill a struct learned_run while the command runs, learn_write_fragment turns
 * it into profile lines, and learn_output_* put them in place at FILE after the sandbox is gone. */
#ifndef SBX_LEARN_PROFILE_H
#define SBX_LEARN_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* Syscall numbers a run can mark (the size of bpf/learn.bpf.c's table). */
#define LEARN_MAX_NR 1024

/* A host path the run reached (read, write, exec: what succeeded), or tried to and could not
 * (failed: the errno the view gives, for a comment). */
struct learned_path {
	char *path;
	bool read;
	bool write;  /* opened for writing, or a file created in it (a directory) */
	bool exec;
	int failed;
	bool failed_write;
};

struct learned_net {
	bool bind;
	int family;
	unsigned char addr[16];
	unsigned short port;
};

/* What one run did. */
struct learned_run {
	bool used[LEARN_MAX_NR];  /* the syscall numbers the command made */
	bool foreign_arch;        /* a call in another ABI (i386, x32) reached us */
	struct learned_path *paths;
	size_t n_paths;
	struct learned_net *nets;
	size_t n_nets;
	unsigned long long calls;
	unsigned long long lost;  /* forks the eBPF recorder could not track */
};

void learned_run_free(struct learned_run *run);

/* Collapses a set of used syscall names into groups: a group from syscall_groups.def is used when
 * every member that exists on this architecture was used (and it is not covered by a larger group
 * already chosen). Calls emit(name, userdata) for each chosen group, then for each used name no
 * chosen group covers, in sorted order. names need not be sorted or unique. */
void learn_collapse(const char *const *names, size_t n,
		    void (*emit)(const char *item, bool is_group, void *userdata), void *userdata);

/* "eBPF recorder" or "seccomp notifier": which one marked the syscalls. */
const char *learn_recorder_name(bool ebpf);

/* Writes the fragment of run (a profile `sbx profile check` accepts) to out: a header naming cmd
 * and the base options, the syscalls, the host paths, the network rules. ebpf: the eBPF recorder
 * marked the syscalls. */
void learn_write_fragment(const struct learned_run *run, bool ebpf, char **cmd, char **base_opts,
			  size_t n_base, FILE *out);

/* FILE, held by its directory from before the run (see learn_profile.c). */
struct learn_output {
	int dirfd;   /* FILE's directory, opened before the run */
	char *name;  /* FILE's last component */
};

/* Before the run: opens path's directory. 0, or -errno with err filled. */
int learn_output_open(struct learn_output *o, const char *path, struct sbx_error *err);
/* After the run: writes len bytes of text to a new file next to FILE and renames it over FILE. */
int learn_output_commit(const struct learn_output *o, const char *text, size_t len, const char *path,
			struct sbx_error *err);
void learn_output_close(struct learn_output *o);

#endif
