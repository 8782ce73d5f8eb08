/* Network rules (netrules.c), the pure parts of the eBPF policy. Network rule parsing (IPv4/IPv6, prefixes, port ranges, the
 * mistakes people make), formatting round trips, matching, and the Landlock fallback (port rules
 * appended, address rules refused or widened, the port budget). The programs themselves are tested
 * by tests/integration/bpf.bats against the real sbx. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "netrules.h"
#include "policy.h"

static struct net_addr_rule parse_ok(const char *text, bool bind)
{
	struct net_addr_rule r;
	struct sbx_error err = { 0 };
	int ret = net_rule_parse_one(text, bind, &r, &err);
	if (ret != 0)
		fail_msg("'%s' should parse: %s", text, err.msg);
	return r;
}

static void parse_bad(const char *text, const char *needle)
{
	struct net_addr_rule r;
	struct sbx_error err = { 0 };
	assert_int_equal(net_rule_parse_one(text, false, &r, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, needle);
}

static void test_parse_ipv4_cidr(void **state)
{
	(void)state;
	struct net_addr_rule r = parse_ok("10.0.0.0/8:443", false);
	assert_int_equal(r.family, AF_INET);
	assert_int_equal(r.prefix, 8);
	assert_int_equal(r.addr[0], 10);
	assert_int_equal(r.port_lo, 443);
	assert_int_equal(r.port_hi, 443);
	assert_false(r.bind);
	assert_true(net_rule_needs_address(&r));

	r = parse_ok("127.0.0.1:*", false);
	assert_int_equal(r.prefix, 32);
	assert_int_equal(r.port_lo, 0);
	assert_int_equal(r.port_hi, 65535);
}

static void test_parse_ipv6(void **state)
{
	(void)state;
	struct net_addr_rule r = parse_ok("[::1]:8000-8080", true);
	assert_int_equal(r.family, AF_INET6);
	assert_int_equal(r.prefix, 128);
	assert_int_equal(r.addr[15], 1);
	assert_int_equal(r.port_lo, 8000);
	assert_int_equal(r.port_hi, 8080);
	assert_true(r.bind);
	/* Both prefix spellings. */
	r = parse_ok("[fd00::/8]:53", false);
	assert_int_equal(r.prefix, 8);
	assert_int_equal(r.addr[0], 0xfd);
	r = parse_ok("[fd00::]/8:53", false);
	assert_int_equal(r.prefix, 8);
}

static void test_parse_port_only(void **state)
{
	(void)state;
	const char *forms[] = { "443", "*:443" };
	for (size_t i = 0; i < 2; i++) {
		struct net_addr_rule r = parse_ok(forms[i], false);
		assert_int_equal(r.family, 0);
		assert_int_equal(r.port_lo, 443);
		assert_false(net_rule_needs_address(&r));
	}
	struct net_addr_rule r = parse_ok("1000-2000", true);
	assert_int_equal(r.port_lo, 1000);
	assert_int_equal(r.port_hi, 2000);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_bad("", "empty");
	parse_bad("::1:80", "brackets");
	parse_bad("[::1]80", "missing ':PORT'");
	parse_bad("[::1:80", "missing ']'");
	parse_bad("10.0.0.1/33:80", "prefix length");
	parse_bad("10.0.0.1/8:80", "bits set beyond /8");
	parse_bad("example.com:443", "not an IPv4 or IPv6 address");
	parse_bad("10.0.0.1:0", "ports are 1-65535");
	parse_bad("10.0.0.1:65536", "ports are 1-65535");
	parse_bad("10.0.0.1:90-80", "backwards");
	parse_bad("10.0.0.1:80-", "ports are");
	parse_bad("10.0.0.1:", "bad port");
	parse_bad("*/8:80", "no prefix");
	parse_bad("999.0.0.1:80", "not an IPv4");
}

static void test_format_round_trip(void **state)
{
	(void)state;
	const char *rules[] = { "10.0.0.0/8:443", "[::1]:8000-8080", "127.0.0.1:*", "*:53",
				"[fd00::/8]:1-1024", "0.0.0.0/0:80" };
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		struct net_addr_rule r = parse_ok(rules[i], false);
		char buf[96];
		net_rule_format(&r, buf, sizeof(buf));
		assert_string_equal(buf, rules[i]);
	}
	struct net_addr_rule r = parse_ok("443", false);
	char buf[96];
	net_rule_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, "*:443");
}

static void test_matches(void **state)
{
	(void)state;
	unsigned char a4[16] = { 0 }, a6[16] = { 0 };
	struct net_addr_rule r = parse_ok("10.0.0.0/8:443", false);
	inet_pton(AF_INET, "10.200.3.4", a4);
	assert_true(net_rule_matches(&r, AF_INET, a4, 443));
	assert_false(net_rule_matches(&r, AF_INET, a4, 444));
	inet_pton(AF_INET, "11.0.0.1", a4);
	assert_false(net_rule_matches(&r, AF_INET, a4, 443));
	inet_pton(AF_INET6, "::1", a6);
	assert_false(net_rule_matches(&r, AF_INET6, a6, 443));

	r = parse_ok("[fd00::/8]:1-1024", false);
	inet_pton(AF_INET6, "fdab::5", a6);
	assert_true(net_rule_matches(&r, AF_INET6, a6, 22));
	inet_pton(AF_INET6, "fe80::5", a6);
	assert_false(net_rule_matches(&r, AF_INET6, a6, 22));

	r = parse_ok("*:53", false);
	assert_true(net_rule_matches(&r, AF_INET6, a6, 53));
	assert_true(net_rule_matches(&r, AF_INET, a4, 53));
	assert_false(net_rule_matches(&r, AF_INET, a4, 54));

	r = parse_ok("0.0.0.0/0:80", false);
	assert_true(net_rule_matches(&r, AF_INET, a4, 80));
	assert_false(net_rule_matches(&r, AF_INET6, a6, 80));
}

static void add(struct policy *p, const char *text, bool bind)
{
	struct sbx_error err = { 0 };
	if (net_rule_parse(text, bind, p, "test:1", &err) < 0)
		fail_msg("%s: %s", text, err.msg);
}

static void ports_free(struct port_rule **ports, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*ports)[i].origin);
	free(*ports);
	*ports = NULL;
	*n = 0;
}

static void test_fallback_ports(void **state)
{
	(void)state;
	struct policy p = { 0 };
	struct sbx_error err = { 0 };
	struct port_rule *ports = NULL;
	size_t n_ports = 0;
	add(&p, "443", false);
	add(&p, "*:8000-8002", true);
	assert_string_equal(p.net_rules[0].origin, "test:1");
	assert_int_equal(net_rules_to_ports(p.net_rules, p.n_net_rules, false, &ports, &n_ports, &err), 0);
	assert_int_equal(n_ports, 4);
	assert_false(ports[0].bind);
	assert_int_equal(ports[0].port, 443);
	assert_true(ports[1].bind);
	assert_int_equal(ports[1].port, 8000);
	assert_int_equal(ports[3].port, 8002);
	assert_non_null(strstr(ports[0].origin, "test:1"));
	assert_non_null(strstr(ports[0].origin, "Landlock fallback"));
	policy_free(&p);
	ports_free(&ports, &n_ports);
}

static void test_fallback_refuses_addresses(void **state)
{
	(void)state;
	struct policy p = { 0 };
	struct sbx_error err = { 0 };
	struct port_rule *ports = NULL;
	size_t n_ports = 0;
	add(&p, "443", false);
	add(&p, "10.0.0.0/8:443", false);
	assert_int_equal(net_rules_to_ports(p.net_rules, p.n_net_rules, false, &ports, &n_ports, &err), -EPERM);
	assert_non_null(strstr(err.msg, "10.0.0.0/8:443"));
	assert_non_null(strstr(err.msg, "test:1"));
	assert_non_null(strstr(err.msg, "need privilege"));
	assert_non_null(strstr(err.hint, "*:443"));
	assert_int_equal(n_ports, 0);  /* nothing half-applied */

	/* Optional: widened to the port on any address. */
	assert_int_equal(net_rules_to_ports(p.net_rules, p.n_net_rules, true, &ports, &n_ports, &err), 0);
	assert_int_equal(n_ports, 2);
	assert_int_equal(ports[1].port, 443);
	policy_free(&p);
	ports_free(&ports, &n_ports);
}

static void test_fallback_port_budget(void **state)
{
	(void)state;
	struct policy p = { 0 };
	struct sbx_error err = { 0 };
	struct port_rule *ports = NULL;
	size_t n_ports = 0;
	add(&p, "1-1024", true);
	assert_int_equal(net_rules_to_ports(p.net_rules, p.n_net_rules, false, &ports, &n_ports, &err), 0);
	assert_int_equal(n_ports, 1024);
	policy_free(&p);
	ports_free(&ports, &n_ports);
	add(&p, "*", false);  /* every port: 65535 Landlock rules */
	assert_int_equal(net_rules_to_ports(p.net_rules, p.n_net_rules, false, &ports, &n_ports, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "Landlock"));
	assert_int_equal(n_ports, 0);
	policy_free(&p);
	ports_free(&ports, &n_ports);
}

static void test_rule_limit(void **state)
{
	(void)state;
	struct policy p = { 0 };
	struct sbx_error err = { 0 };
	int ret = 0;
	for (int i = 0; i < 200 && ret == 0; i++)
		ret = net_rule_parse("80", false, &p, NULL, &err);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err.msg, "more than"));
	assert_true(p.n_net_rules > 0);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4_cidr),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_parse_port_only),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_fallback_ports),
		cmocka_unit_test(test_fallback_refuses_addresses),
		cmocka_unit_test(test_fallback_port_budget),
		cmocka_unit_test(test_rule_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
