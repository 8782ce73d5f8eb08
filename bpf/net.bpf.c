// SPDX-License-Identifier: GPL-2.0
/* Network policy for one sandbox cgroup: which remote addresses and ports it may connect or send
 * to (connect4/6, sendmsg4/6), which local ports it may bind (bind4/6), and which sockets it may
 * create at all (sock_create: only TCP and UDP, since raw, ICMP, SCTP and MPTCP sockets do not pass
 * through the address hooks). Return 1 allows, 0 fails the call with EPERM. */
/* Only UAPI context structs, whose layout the kernel keeps stable and whose loads the verifier
 * rewrites itself: no CO-RE relocations, so libbpf need not parse the kernel's 5 MB BTF at load. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sbx_bpf.h"

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

char LICENSE[] SEC("license") = "GPL";

/* Filled by the loader before load; read-only (frozen) afterwards. */
const volatile struct sbx_net_rule rules[SBX_NET_MAX_RULES];
const volatile __u32 n_rules = 0;
/* caps-keep net_bind_service: an allowed bind also skips the kernel's CAP_NET_BIND_SERVICE check
 * (bit 1 of a bind program's verdict, Linux 5.12), so a granted port below 1024 can be bound. */
const volatile __u32 bind_service = 0;

/* Refusals per hook, for tests and diagnostics: connect, sendmsg, bind, sock_create. */
__u64 denied[4];

static __always_inline int match4(__u32 ip, __u16 port, __u8 bind)
{
	for (__u32 i = 0; i < SBX_NET_MAX_RULES; i++) {
		if (i >= n_rules)
			break;
		const volatile struct sbx_net_rule *r = &rules[i];
		if (r->bind != bind || (r->family != 0 && r->family != 4))
			continue;
		if (port < r->port_lo || port > r->port_hi)
			continue;
		if (r->family == 0 || (ip & r->mask[0]) == r->addr[0])
			return 1;
	}
	return 0;
}

static __always_inline int match6(const __u32 ip[4], __u16 port, __u8 bind)
{
	/* An IPv4-mapped address (::ffff:a.b.c.d) reaches an IPv4 host: judge it by the IPv4 rules. */
	if (ip[0] == 0 && ip[1] == 0 && ip[2] == bpf_htonl(0xffff))
		return match4(ip[3], port, bind);
	for (__u32 i = 0; i < SBX_NET_MAX_RULES; i++) {
		if (i >= n_rules)
			break;
		const volatile struct sbx_net_rule *r = &rules[i];
		if (r->bind != bind || (r->family != 0 && r->family != 6))
			continue;
		if (port < r->port_lo || port > r->port_hi)
			continue;
		if (r->family == 0)
			return 1;
		if ((ip[0] & r->mask[0]) == r->addr[0] && (ip[1] & r->mask[1]) == r->addr[1] &&
		    (ip[2] & r->mask[2]) == r->addr[2] && (ip[3] & r->mask[3]) == r->addr[3])
			return 1;
	}
	return 0;
}

static __always_inline int verdict(int allowed, int hook)
{
	if (!allowed)
		__sync_fetch_and_add(&denied[hook], 1);
	return allowed;
}

/* An allowed bind with bind_service: 3, allow and no capability check for this port. */
static __always_inline int bind_verdict(int allowed)
{
	return allowed && bind_service ? 3 : verdict(allowed, 2);
}

static __always_inline int check4(struct bpf_sock_addr *ctx, __u8 bind, int hook)
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	/* Port 0 in bind asks the kernel for an ephemeral port, as every client's implicit bind does. */
	if (bind && port == 0)
		return 1;
	if (bind)
		return bind_verdict(match4(ctx->user_ip4, port, bind));
	return verdict(match4(ctx->user_ip4, port, bind), hook);
}

static __always_inline int check6(struct bpf_sock_addr *ctx, __u8 bind, int hook)
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);
	if (bind && port == 0)
		return 1;
	__u32 ip[4] = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] };
	if (bind)
		return bind_verdict(match6(ip, port, bind));
	return verdict(match6(ip, port, bind), hook);
}

/* A UDP socket bound to a port a net-bind rule grants is a server: it may answer any client (a
 * DNS server's replies go out by sendmsg to the asker's address). The address it is bound to still
 * limits where (one bound to 127.0.0.1 reaches only loopback). */
static __always_inline int udp_server(struct bpf_sock_addr *ctx, int v6)
{
	struct bpf_sock *sk = ctx->sk;
	if (!sk || sk->type != SOCK_DGRAM || sk->src_port == 0)
		return 0;
	if (!v6)
		return match4(sk->src_ip4, (__u16)sk->src_port, 1);
	__u32 ip[4] = { sk->src_ip6[0], sk->src_ip6[1], sk->src_ip6[2], sk->src_ip6[3] };
	return match6(ip, (__u16)sk->src_port, 1);
}

SEC("cgroup/connect4")
int sbx_connect4(struct bpf_sock_addr *ctx) { return check4(ctx, 0, 0); }

SEC("cgroup/connect6")
int sbx_connect6(struct bpf_sock_addr *ctx) { return check6(ctx, 0, 0); }

SEC("cgroup/sendmsg4")
int sbx_sendmsg4(struct bpf_sock_addr *ctx) { return udp_server(ctx, 0) || check4(ctx, 0, 1); }

SEC("cgroup/sendmsg6")
int sbx_sendmsg6(struct bpf_sock_addr *ctx) { return udp_server(ctx, 1) || check6(ctx, 0, 1); }

SEC("cgroup/bind4")
int sbx_bind4(struct bpf_sock_addr *ctx) { return check4(ctx, 1, 2); }

SEC("cgroup/bind6")
int sbx_bind6(struct bpf_sock_addr *ctx) { return check6(ctx, 1, 2); }

/* Runs for every new AF_INET/AF_INET6 socket. */
SEC("cgroup/sock_create")
int sbx_sock_create(struct bpf_sock *sk)
{
	if ((sk->type == SOCK_STREAM && sk->protocol == IPPROTO_TCP) ||
	    (sk->type == SOCK_DGRAM && sk->protocol == IPPROTO_UDP))
		return 1;
	return verdict(0, 3);
}
