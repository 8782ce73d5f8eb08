/* Layer 1's programs as compiled when sbx was built. Layer 1 (seccomp_always_on.c) is a pure
 * function of a small key (struct always_on_key): its relaxations, whether the i386/x32 rules are
 * merged in, the memfd guard's notification, the mdwe fallback and socket x11's refusal. The build
 * runs build/seccomp-precompile (launcher/gen/seccomp_precompile.c), which compiles layer 1 with
 * the same code and the same static libseccomp for every key made from the relaxations, with and
 * without the memfd guard, into build/gen/seccomp_table.c, linked into build/sbx. At run time sbx
 * copies the program for its key from there instead of spending libseccomp's ~2,000 allocations
 * on it; any other key (mdwe's fallback, socket x11 with the host's network) is compiled as before.
 * tests/unit/test_seccomp_precompiled.c compiles every entry afresh and compares. */
#ifndef SBX_SECCOMP_PRECOMPILED_H
#define SBX_SECCOMP_PRECOMPILED_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "seccomp_internal.h"

struct seccomp_precompiled {
	struct always_on_key key;
	unsigned short len;
	const struct sock_filter *insns;
};

/* The generated table (*n entries); a weak symbol, so that what links the launcher's objects
 * without the table (the unit tests, the fuzzers, make bench's sbx-shared) has none. */
const struct seccomp_precompiled *seccomp_precompiled_table(size_t *n) __attribute__((weak));

/* Copies the program for k into *out (heap, for seccomp_programs_free); false without one. */
bool seccomp_precompiled_copy(const struct always_on_key *k, struct sock_fprog *out);

#endif
