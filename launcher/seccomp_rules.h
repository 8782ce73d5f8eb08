/* The grammar of a `syscalls` rule (sbx-profile(5)): errno names, syscall and @group names,
 * argument conditions, and the checks a rule must pass before libseccomp sees it. Pure: no
 * syscalls and no state. The profile parser (profile_security.c) reads rules with it; seccomp.c
 * checks every rule of a policy with seccomp_rule_problem before it compiles them. */
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
/* Why the rule cannot be compiled ("errno 0 is out of range (1-4095)"; all but the first, "syscalls
 * rule without a name", are about rule->name), a heap string; NULL when it can. */
char *seccomp_rule_problem(const struct seccomp_rule *rule);

#endif
