/* The seccomp layer: always-on protections plus the profile's syscall rules, built with libseccomp
 * and loaded last, just before the command is executed.
 *
 * Two stacked filters: layer 1 holds the always-on protections (the same for every profile, minus
 * the named relaxations); layer 2 holds the profile's rules and exists only when the profile has
 * syscall rules or asks for an allowlist. The kernel applies the stricter answer of the two, so a
 * profile can never loosen layer 1. Semantics of the rules: see the top of seccomp.c. */
#ifndef SBX_SECCOMP_H
#define SBX_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdio.h>

#include "policy.h"

struct sandbox_plan;


enum seccomp_layer {
	SECCOMP_LAYER_ALWAYS_ON = 0,
	SECCOMP_LAYER_PROFILE = 1,
};

/* Loads the plan's compiled filters (seccomp_validate) for the calling thread and its future
 * children. Needs no_new_privs set first. Returns 0 or -errno with err filled; on error the
 * caller must not exec anything. With the memfd guard on (the plan's memfd_guard), *listener is
 * the close-on-exec seccomp listener that must serve it (memfd_guard_serve), else -1. */
int seccomp_apply(const struct sandbox_plan *pl, int *listener, struct sbx_error *err);

/* Writes the filter as PFC text to pfc (may be NULL) and raw BPF to bpf_fd (-1 to skip). With two
 * layers the PFC has one section per layer and bpf_fd receives the two programs back to back, in
 * load order; use seccomp_export_layer to get one loadable program per file. */
int seccomp_export(const struct sandbox_plan *pl, FILE *pfc, int bpf_fd, struct sbx_error *err);

/* Writes one layer (PFC and/or raw BPF). Returns -ENOENT (err untouched) when the policy has no
 * such layer, i.e. SECCOMP_LAYER_PROFILE for a profile without syscall rules. */
int seccomp_export_layer(const struct sandbox_plan *pl, enum seccomp_layer layer, FILE *pfc, int bpf_fd,
			 struct sbx_error *err);

/* How many filters seccomp_apply would load (1 or 2); 0 if the policy does not build. */
size_t seccomp_layer_count(const struct sandbox_plan *pl);

/* Checks the profile's syscall rules (unknown names, unknown groups, bad conditions, allows that
 * conflict with the always-on protections) by building both layers, and compiles them into the
 * plan's seccomp programs without loading anything: seccomp_apply, in this process or in a child
 * cloned from it, only loads them. */
int seccomp_validate(struct sandbox_plan *pl, struct sbx_error *err);
/* Frees compiled programs (plan_free). */
void seccomp_programs_free(struct sock_fprog programs[2]);

/* Human-readable and JSON summaries for --explain. json prints one JSON object (no newline). */
void seccomp_explain(const struct sandbox_plan *pl, FILE *out);
void seccomp_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
