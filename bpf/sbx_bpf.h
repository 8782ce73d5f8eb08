/* Data shared by the BPF programs (bpf/NAME.bpf.c) and their loader (launcher/bpf.c). Plain fixed-size
 * types only: the programs read these from their read-only data, frozen at load time, so the
 * sandbox's rules cannot be changed once attached. */
#ifndef SBX_BPF_SHARED_H
#define SBX_BPF_SHARED_H

#define SBX_NET_MAX_RULES 128
#define SBX_DEV_MAX_RULES 64

/* One network rule. Addresses and masks are in network byte order, as the kernel hands them to
 * cgroup/sock_addr programs; ports are in host order. family 0 matches IPv4 and IPv6. */
struct sbx_net_rule {
	__u32 addr[4];  /* IPv4 in addr[0] */
	__u32 mask[4];
	__u16 port_lo, port_hi;
	__u8 family;    /* 0, 4 or 6 */
	__u8 bind;      /* 1: a local port a server may bind; 0: a remote address to connect/send to */
	__u8 pad[2];
};

/* One device grant: char or block, a major, a minor range, and the accesses allowed. */
#define SBX_DEV_ACC_READ 2   /* BPF_DEVCG_ACC_READ */
#define SBX_DEV_ACC_WRITE 4  /* BPF_DEVCG_ACC_WRITE */
struct sbx_dev_rule {
	__u32 major, minor_lo, minor_hi;
	__u16 type;    /* BPF_DEVCG_DEV_BLOCK (1) or BPF_DEVCG_DEV_CHAR (2) */
	__u16 access;  /* SBX_DEV_ACC_* bits */
};

/* BPF-LSM file rules (bpf/lsm.bpf.c): a hash of (device, inode, kind). dev is the kernel's
 * encoding of the superblock's s_dev (MAJOR << 20 | MINOR). open-deny walks at most
 * SBX_LSM_MAX_DEPTH dentries up from the opened file and refuses the open when the walk neither
 * matches nor reaches the filesystem root within that bound. */
#define SBX_LSM_MAX_RULES 256
#define SBX_LSM_MAX_DEPTH 64
#define SBX_LSM_EXEC_ALLOW 1
#define SBX_LSM_OPEN_DENY 2
struct sbx_lsm_key {
	__u64 ino;
	__u32 dev;
	__u32 kind;  /* SBX_LSM_EXEC_ALLOW or SBX_LSM_OPEN_DENY */
};

#endif
