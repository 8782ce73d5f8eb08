/* Network rules: `net-connect` / `net-bind` in a profile, --connect / --bind-port on the command
 * line. Pure (no syscalls): parsing, printing, matching, and the Landlock fallback. Where sbx has the
 * privilege, bpf.c loads them into eBPF cgroup programs that enforce them as written; elsewhere
 * bpf_plan turns them into Landlock TCP port rules with net_rules_to_ports.
 *
 * This header needs nothing but util.h: policy.h includes it for struct net_addr_rule, and the
 * functions that take a whole policy only know it by name. */
#ifndef SBX_NETRULES_H
#define SBX_NETRULES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct policy;

/* A port rule for TCP (Landlock ABI 4): what a network rule becomes where eBPF cannot enforce it. */
struct port_rule {
	bool bind;  /* true: bind; false: connect */
	unsigned short port;
	char *origin;  /* the network rule's origin, and what it became */
};

/* One network rule: `[ADDR[/PREFIX]:]PORTS`. ADDR is an IPv4 address, an IPv6 address in brackets,
 * or `*` (any address, both families; also what an omitted ADDR means). PORTS is `N`, `N-M` or `*`.
 * Examples: "10.0.0.0/8:443", "[::1]:8000-8080", "127.0.0.1:*", "443", "*:53". */
struct net_addr_rule {
	bool bind;                /* true: a local port a server may bind; false: a remote to connect/send to */
	int family;               /* 0 (any address), AF_INET or AF_INET6 */
	unsigned char addr[16];   /* network order; IPv4 in the first 4 bytes */
	unsigned prefix;          /* significant bits of addr (0..32 or 0..128) */
	unsigned short port_lo, port_hi;
	char *origin;             /* an origin_t (policy.h): "file:line", or NULL for the command line */
};

/* Most network rules one sandbox takes (the programs' fixed table, SBX_NET_MAX_RULES). */
#define NET_RULES_MAX 128

/* Most ports a rule set may expand to in the Landlock fallback (one Landlock rule per port). */
#define NET_RULES_MAX_FALLBACK_PORTS 1024

/* Parses text into *out (origin left NULL). Returns 0 or -EINVAL with err saying what is wrong. */
int net_rule_parse_one(const char *text, bool bind, struct net_addr_rule *out, struct sbx_error *err);
/* Parses text and appends the rule to p->net_rules with a copy of origin. (policy_free frees them.) */
int net_rule_parse(const char *text, bool bind, struct policy *p, const char *origin,
		   struct sbx_error *err);
/* True when the rule names addresses (so only eBPF can enforce it exactly). */
bool net_rule_needs_address(const struct net_addr_rule *r);
/* The rule in the syntax net_rule_parse reads ("10.0.0.0/8:443", "[::1]:80", "*:1000-2000"). */
void net_rule_format(const struct net_addr_rule *r, char *buf, size_t size);
/* True when addr (family AF_INET/AF_INET6, network order) and port fall under the rule. */
bool net_rule_matches(const struct net_addr_rule *r, int family, const unsigned char *addr,
		      unsigned short port);

/* The Landlock fallback: appends to *ports one entry per port of every rule. A rule that names
 * addresses is refused with err (what is missing, how to get it) unless widen_addresses, which
 * turns it into its ports on any address. Fails when the ports exceed
 * NET_RULES_MAX_FALLBACK_PORTS. */
int net_rules_to_ports(const struct net_addr_rule *rules, size_t n_rules, bool widen_addresses,
		       struct port_rule **ports, size_t *n_ports, struct sbx_error *err);

#endif
