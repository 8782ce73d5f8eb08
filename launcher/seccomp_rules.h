/* The grammar of a `syscalls` rule (sbx-profile(5)): errno names, syscall and @group names and
 * argument conditions. Pure: no syscalls and no state; the profile parser reads rules with it. */
#ifndef SBX_SECCOMP_RULES_H
#define SBX_SECCOMP_RULES_H

#include <stdbool.h>

#include "policy.h"

/* An errno name (EPERM, EACCES...) or number 1-4095 into *out. */
bool seccomp_rule_parse_errno(const char *s, int *out);
/* A syscall name (lower case, digits, '_') or an @group (also '-'), 1 to 64 characters. */
bool seccomp_rule_name_valid(const char *s);
/* argN==V, argN!=V, argN<V, argN<=V, argN>V, argN>=V, argN&MASK==V (N 0-5) into *c. */
bool seccomp_rule_parse_condition(const char *s, struct seccomp_arg_cond *c);
/* True when the two rule names (syscalls or @groups) share a syscall. */
bool seccomp_rules_overlap(const char *a, const char *b);

#endif
