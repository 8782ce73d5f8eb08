/* Network rules (`net-connect`, `net-bind`, --connect, --bind-port): their syntax, parsing and
 * printing, matching, and the Landlock fallback that turns them into TCP port rules. Pure: no
 * syscalls, unit-tested (tests/unit/test_bpf.c). The eBPF programs that enforce them as written are
 * loaded by bpf.c. */
#include "netrules.h"

#include <arpa/inet.h>
#include <string.h>

#include "policy.h"

static int parse_ports(const char *s, struct net_addr_rule *r, struct sbx_error *err)
{
	if (strcmp(s, "*") == 0) {
		r->port_lo = 0;
		r->port_hi = 65535;
		return 0;
	}
	char lo[16] = "", hi[16] = "";
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);
	if (n == 0 || n >= sizeof(lo) || (dash && strlen(dash + 1) >= sizeof(hi)))
		return sbx_fail(err, 0, "bad port '%s' (want N, N-M or *)", s);
	memcpy(lo, s, n);
	snprintf(hi, sizeof(hi), "%s", dash ? dash + 1 : lo);
	long long a, b;
	if (!parse_int(lo, 1, 65535, &a) || !parse_int(hi, 1, 65535, &b))
		return sbx_fail(err, 0, "bad port '%s' (ports are 1-65535, or *)", s);
	if (a > b)
		return sbx_fail(err, 0, "port range %s is backwards", s);
	r->port_lo = (unsigned short)a;
	r->port_hi = (unsigned short)b;
	return 0;
}

/* addr is "A.B.C.D", an IPv6 address (brackets already removed) or "*"; prefix_s may be NULL. */
static int parse_address(const char *addr, const char *prefix_s, struct net_addr_rule *r,
			 struct sbx_error *err)
{
	if (strcmp(addr, "*") == 0) {
		if (prefix_s)
			return sbx_fail(err, 0, "'*' takes no prefix length");
		r->family = 0;
		r->prefix = 0;
		return 0;
	}
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->family = AF_INET6;
	else
		return sbx_fail(err, 0, "'%s' is not an IPv4 or IPv6 address "
				"(host names are not resolved in rules)", addr);
	unsigned bits = r->family == AF_INET ? 32 : 128;
	r->prefix = bits;
	if (prefix_s) {
		long long n;
		if (!parse_int(prefix_s, 0, bits, &n))
			return sbx_fail(err, 0, "prefix length '/%s' is not 0-%u", prefix_s, bits);
		r->prefix = (unsigned)n;
	}
	for (unsigned bit = r->prefix; bit < bits; bit++)
		if (r->addr[bit / 8] & (0x80 >> (bit % 8)))
			return sbx_fail(err, 0, "address has bits set beyond /%u", r->prefix);
	return 0;
}

int net_rule_parse_one(const char *text, bool bind, struct net_addr_rule *out, struct sbx_error *err)
{
	struct net_addr_rule r = { .bind = bind };
	if (!text || !*text || strlen(text) > 128)
		return sbx_fail(err, 0, "empty or too long");
	char buf[132];
	snprintf(buf, sizeof(buf), "%s", text);
	char *addr = NULL, *prefix = NULL, *ports;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return sbx_fail(err, 0, "missing ']'");
		*close = '\0';
		addr = buf + 1;
		char *rest = close + 1;
		if (*rest == '/') {  /* [fd00::]/8:443 */
			prefix = rest + 1;
			rest = strchr(prefix, ':');
			if (!rest)
				return sbx_fail(err, 0, "missing ':PORT'");
			*rest = '\0';
		} else if (*rest != ':') {
			return sbx_fail(err, 0, "missing ':PORT' after ']'");
		}
		ports = rest + 1;
		char *slash = strchr(addr, '/');  /* [fd00::/8]:443 */
		if (slash) {
			if (prefix)
				return sbx_fail(err, 0, "two prefix lengths");
			*slash = '\0';
			prefix = slash + 1;
		}
	} else {
		char *colon = strrchr(buf, ':');
		if (colon) {
			*colon = '\0';
			addr = buf;
			ports = colon + 1;
			if (strchr(addr, ':'))
				return sbx_fail(err, 0, "write IPv6 addresses in brackets, "
						"e.g. [::1]:8080");
			char *slash = strchr(addr, '/');
			if (slash) {
				*slash = '\0';
				prefix = slash + 1;
			}
		} else {
			ports = buf;  /* port only: any address */
		}
	}
	int ret = parse_address(addr ? addr : "*", prefix, &r, err);
	if (ret == 0)
		ret = parse_ports(ports, &r, err);
	if (ret < 0)
		return ret;
	*out = r;
	return 0;
}

int net_rule_parse(const char *text, bool bind, struct policy *p, const char *origin,
		   struct sbx_error *err)
{
	struct net_addr_rule r;
	int ret = net_rule_parse_one(text, bind, &r, err);
	if (ret < 0)
		return ret;
	if (p->n_net_rules >= NET_RULES_MAX)
		return sbx_fail(err, 0, "more than %d network rules", NET_RULES_MAX);
	struct net_addr_rule *slot = ARRAY_PUSH(p->net_rules, p->n_net_rules);
	*slot = r;
	slot->origin = origin ? xstrdup(origin) : NULL;
	return 0;
}

bool net_rule_needs_address(const struct net_addr_rule *r) { return r->family != 0; }

void net_rule_format(const struct net_addr_rule *r, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN + 8] = "*", ports[16];
	if (r->family == AF_INET || r->family == AF_INET6) {
		char a[INET6_ADDRSTRLEN] = "";
		inet_ntop(r->family, r->addr, a, sizeof(a));
		unsigned bits = r->family == AF_INET ? 32 : 128;
		char pfx[8] = "";
		if (r->prefix != bits)
			snprintf(pfx, sizeof(pfx), "/%u", r->prefix);
		snprintf(addr, sizeof(addr), r->family == AF_INET6 ? "[%s%s]" : "%s%s", a, pfx);
	}
	if (r->port_lo == 0 && r->port_hi == 65535)
		snprintf(ports, sizeof(ports), "*");
	else if (r->port_lo == r->port_hi)
		snprintf(ports, sizeof(ports), "%u", r->port_lo);
	else
		snprintf(ports, sizeof(ports), "%u-%u", r->port_lo, r->port_hi);
	snprintf(buf, size, "%s:%s", addr, ports);
}

bool net_rule_matches(const struct net_addr_rule *r, int family, const unsigned char *addr,
		      unsigned short port)
{
	if (port < r->port_lo || port > r->port_hi)
		return false;
	if (r->family == 0)
		return true;
	if (r->family != family)
		return false;
	for (unsigned bit = 0; bit < r->prefix; bit++) {
		unsigned char m = 0x80 >> (bit % 8);
		if ((addr[bit / 8] & m) != (r->addr[bit / 8] & m))
			return false;
	}
	return true;
}

int net_rules_to_ports(const struct net_addr_rule *rules, size_t n_rules, bool widen_addresses,
		       struct port_rule **ports, size_t *n_ports, struct sbx_error *err)
{
	size_t total = 0;
	for (size_t i = 0; i < n_rules; i++) {
		const struct net_addr_rule *r = &rules[i];
		char text[96];
		net_rule_format(r, text, sizeof(text));
		if (net_rule_needs_address(r) && !widen_addresses) {
			sbx_refuse(err, "network rule %s %s (%s) names an address: only eBPF cgroup programs "
				   "can enforce that, and they need privilege", r->bind ? "bind" : "connect", text,
				   r->origin ? r->origin : "command line");
			sbx_hint(err, "write it as *:%s so that Landlock enforces its TCP port, run sbx as root, "
				      "or make network rules optional (--net-rules optional) to widen it",
				 strchr(text, ':') + 1);
			return -EPERM;
		}
		total += (size_t)r->port_hi - r->port_lo + 1;
		if (r->port_lo == 0)
			total--;  /* port 0 is never a real destination */
		if (total > NET_RULES_MAX_FALLBACK_PORTS)
			return sbx_fail(err, E2BIG, "network rule %s: without eBPF each port becomes one "
					"Landlock rule, and the rules add up to more than %d ports", text,
					NET_RULES_MAX_FALLBACK_PORTS);
	}
	for (size_t i = 0; i < n_rules; i++) {
		const struct net_addr_rule *r = &rules[i];
		char text[96];
		net_rule_format(r, text, sizeof(text));
		for (unsigned port = r->port_lo ? r->port_lo : 1; port <= r->port_hi; port++) {
			struct port_rule *pr = ARRAY_PUSH(*ports, *n_ports);
			pr->bind = r->bind;
			pr->port = (unsigned short)port;
			pr->origin = xasprintf("%s (%s %s, Landlock fallback)", r->origin ? r->origin : "cli",
					       r->bind ? "bind" : "connect", text);
		}
	}
	return 0;
}
