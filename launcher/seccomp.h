/* The seccomp layer: always-on protections plus the profile's syscall rules, built with libseccomp
 * and loaded last, just before the command is executed. */
#ifndef SBX_SECCOMP_H
#define SBX_SECCOMP_H

#include <stdio.h>

#include "policy.h"

/* Builds and loads the filter for the calling thread (and its future children). Needs
 * no_new_privs set first. Returns 0 or -errno with err filled. */
int seccomp_apply(const struct policy *p, struct sbx_error *err);

/* Writes the filter as PFC text to pfc (may be NULL) and raw BPF to bpf_fd (-1 to skip). */
int seccomp_export(const struct policy *p, FILE *pfc, int bpf_fd, struct sbx_error *err);

/* Checks the profile's syscall rules (unknown names, unknown groups) without loading anything. */
int seccomp_validate(const struct policy *p, struct sbx_error *err);

/* Human-readable and JSON summaries for --explain. json prints one JSON object (no newline). */
void seccomp_explain(const struct policy *p, FILE *out);
void seccomp_explain_json(const struct policy *p, FILE *out);

#endif
