/* Unit tests for the precompiled layer 1 (seccomp_precompiled.h): every program in the table that
 * build/sbx carries is the one libseccomp compiles now for its key, the keys cover the
 * relaxations with and without the memfd guard, and a run's plan finds its program there (or, for
 * a key the table lacks, compiles it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mdwe.h"
#include "memfd_guard.h"
#include "plan.h"
#include "policy.h"
#include "seccomp.h"
#include "seccomp_precompiled.h"

static void compile_key(const struct always_on_key *k, struct sock_fprog *out)
{
	struct sbx_error err = { 0 };
	scmp_filter_ctx ctx = NULL;
	assert_int_equal(build_always_on_layer(k, &ctx, &err), 0);
	assert_int_equal(seccomp_compile(ctx, out, &err), 0);
	seccomp_release(ctx);
}

static void test_table_matches_libseccomp(void **state)
{
	(void)state;
	assert_non_null(seccomp_precompiled_table);  /* linked, as into build/sbx */
	size_t n = 0;
	const struct seccomp_precompiled *table = seccomp_precompiled_table(&n);
	/* 16 combinations of the four relaxations, each with and without the memfd guard (this
	 * machine's kernel has user notification). */
	assert_int_equal(n, 32);
	for (size_t i = 0; i < n; i++) {
		struct sock_fprog fresh;
		compile_key(&table[i].key, &fresh);
		assert_int_equal(fresh.len, table[i].len);
		assert_memory_equal(fresh.filter, table[i].insns, fresh.len * sizeof(struct sock_filter));
		free(fresh.filter);
		for (size_t j = 0; j < i; j++)
			assert_false(always_on_key_equal(&table[i].key, &table[j].key));
	}
}

/* The plan's layer 1 equals a fresh compile of its key, from the table or not. */
static void check_plan(unsigned relax, bool mdwe, bool expect_table)
{
	struct policy p;
	policy_init(&p);
	p.relax = relax;
	p.mdwe = mdwe;
	struct identity id = { 0 };
	struct sandbox_plan pl;
	plan_init(&pl, &p, &id, true);
	memfd_guard_plan(&pl);
	struct always_on_key key;
	always_on_key_of(&pl, &key);
	struct sock_fprog copy = { 0 };
	bool found = seccomp_precompiled_copy(&key, &copy);
	assert_int_equal(found, expect_table);
	struct sbx_error err = { 0 };
	assert_int_equal(seccomp_validate(&pl, &err), 0);
	struct sock_fprog fresh;
	compile_key(&key, &fresh);
	assert_int_equal(pl.seccomp[0].len, fresh.len);
	assert_memory_equal(pl.seccomp[0].filter, fresh.filter, fresh.len * sizeof(struct sock_filter));
	if (found) {
		assert_int_equal(copy.len, fresh.len);
		assert_memory_equal(copy.filter, fresh.filter, fresh.len * sizeof(struct sock_filter));
	}
	free(copy.filter);
	free(fresh.filter);
	plan_free(&pl);
	policy_free(&p);
}

static void test_plans(void **state)
{
	(void)state;
	check_plan(0, false, true);
	check_plan(RELAX_USERNS, false, true);
	check_plan(RELAX_DEVEL | RELAX_JIT, false, true);
	check_plan(RELAX_MULTIARCH, false, true);
	/* mdwe on a kernel with its prctl takes no seccomp rule, so the key is in the table. */
	check_plan(0, true, mdwe_mode(&(struct policy){ .mdwe = true }) != MDWE_SECCOMP);
}

/* Keys outside the table: compiled at run time, never matched to a neighbour. */
static void test_unknown_keys(void **state)
{
	(void)state;
	struct always_on_key k = { 0 };
	struct sock_fprog out = { 0 };
	assert_true(seccomp_precompiled_copy(&k, &out));
	free(out.filter);
	out = (struct sock_fprog){ 0 };
	struct always_on_key mdwe = k, x11 = k;
	mdwe.mdwe_seccomp = true;
	x11.x11 = X11_ABSTRACT_ERRNO;
	x11.x11_addrlen = 20;
	assert_false(seccomp_precompiled_copy(&mdwe, &out));
	assert_false(seccomp_precompiled_copy(&x11, &out));
	assert_null(out.filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_libseccomp),
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_unknown_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
