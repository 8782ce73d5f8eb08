#include "seccomp_precompiled.h"

#include <string.h>

#include "util.h"

bool seccomp_precompiled_copy(const struct always_on_key *k, struct sock_fprog *out)
{
	if (!seccomp_precompiled_table)
		return false;
	size_t n = 0;
	const struct seccomp_precompiled *table = seccomp_precompiled_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!always_on_key_equal(&table[i].key, k))
			continue;
		struct sock_filter *insns = xmalloc(table[i].len * sizeof(*insns));
		memcpy(insns, table[i].insns, table[i].len * sizeof(*insns));
		*out = (struct sock_fprog){ .len = table[i].len, .filter = insns };
		return true;
	}
	return false;
}
