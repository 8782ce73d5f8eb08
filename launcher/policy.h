/* struct policy: the single in-memory description of a sandbox. The command line and the profile
 * parser fill it; the launcher applies it; --explain prints it. Pure data: no syscalls here. */
#ifndef SBX_POLICY_H
#define SBX_POLICY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>

#include "netrules.h"
#include "util.h"

/* Where a setting came from, for `profile show`, --explain and error messages: "cli" or
 * "file:line". Owned by the policy. */
typedef char *origin_t;

enum mount_kind {
	MOUNT_BIND,      /* read-write bind of a host path */
	MOUNT_RO_BIND,   /* read-only bind of a host path */
	MOUNT_DEV_BIND,  /* bind of a host device node (keeps device access; read-write) */
	MOUNT_TMPFS,     /* fresh private tmpfs */
};

struct mount_entry {
	enum mount_kind kind;
	char *src;      /* host path (absolute) for binds; NULL for tmpfs */
	char *dst;      /* absolute path inside the sandbox */
	bool optional;  /* a missing source is skipped (and reported by --explain) instead of an error */
	bool create;    /* bind-create: a missing file is created empty (0600) when its directory exists */
	/* grant-args edit, a file whose directory stays out: why (the plan then edits it in a private
	 * copy where it lies in the private home or /tmp, writeback.h). NULL otherwise. */
	char *edit_alone;
	origin_t origin;
};

enum net_mode {
	NET_NONE,  /* new network namespace with only lo, up */
	NET_HOST,  /* the host's network namespace */
};

/* ENV_KEEP: pass NAME (or NAME* as a prefix) from the caller's environment (env.h). */
enum env_op_kind { ENV_SET, ENV_UNSET, ENV_KEEP };
struct env_op {
	enum env_op_kind kind;
	char *name;
	char *value;  /* ENV_SET only */
	origin_t origin;
};

/* Named relaxations of the always-on protections; each one is visible in --explain. */
enum relax {
	RELAX_DEVEL = 1u << 0,      /* ptrace, perf_event_open, personality: debuggers and profilers */
	RELAX_USERNS = 1u << 1,     /* nested user namespaces (Chromium-style browser sandboxes) */
	RELAX_MULTIARCH = 1u << 2,  /* i386/x32 ABIs and modify_ldt (Wine, old binaries) */
	RELAX_JIT = 1u << 3,        /* memfd_create(MFD_EXEC) and execveat(AT_EMPTY_PATH): running code
				     * that is not a file in the view */
};

/* The memfd guard (memfd_guard.h): whether pid 1 turns plain memfd_create calls into
 * MFD_NOEXEC_SEAL ones. UNPLANNED (policy_init) builds the filter without it. */
enum memfd_guard_state {
	MEMFD_GUARD_UNPLANNED,
	MEMFD_GUARD_ON,
	MEMFD_GUARD_LIFTED,       /* 'allow jit' or 'devel': executable memfds are allowed */
	MEMFD_GUARD_UNAVAILABLE,  /* this kernel or process cannot have it; see memfd_guard_why */
};

enum seccomp_action {
	SC_ALLOW,
	SC_ERRNO,  /* fail with errno_value */
	SC_KILL,   /* kill the process */
	SC_LOG,    /* allow and log */
};

enum seccomp_cmp { SC_CMP_EQ, SC_CMP_NE, SC_CMP_LT, SC_CMP_LE, SC_CMP_GT, SC_CMP_GE, SC_CMP_MASKED_EQ };
struct seccomp_arg_cond {
	unsigned arg;  /* 0..5 */
	enum seccomp_cmp op;
	unsigned long long value;
	unsigned long long mask;  /* SC_CMP_MASKED_EQ only */
};

/* One `syscalls` rule: a syscall name or an @group, with an action and argument conditions. */
struct seccomp_rule {
	char *name;
	enum seccomp_action action;
	int errno_value;
	struct seccomp_arg_cond conds[6];
	unsigned n_conds;
	origin_t origin;
};

/* How hard a layer is required. REQUIRED: refuse to run if it cannot be applied. OPTIONAL: apply
 * what the kernel supports and say so in --explain. */
enum requirement { REQ_REQUIRED, REQ_OPTIONAL };
/* "required" | "optional", the word of every such option and directive; -EINVAL for others. */
int requirement_from_string(const char *word, enum requirement *out);
const char *requirement_to_string(enum requirement r);

struct rlimit_setting {
	bool set;
	rlim_t soft, hard;
	origin_t origin;
};

/* cgroup v2 limits; 0 / unset means "no limit asked for". */
struct cgroup_limits {
	unsigned long long memory_max, memory_high, memory_swap_max;
	unsigned long long pids_max;
	unsigned long long cpu_quota_us, cpu_period_us;  /* cpu.max */
	unsigned long long cpu_weight, io_weight;
	bool memory_swap_max_set;
	enum requirement requirement;
	origin_t origin;
};

/* A BPF-LSM file rule (bpf.h): exec-allow lists the only files the sandbox may execute,
 * open-deny a file or directory tree it may never open. Matched by (device, inode), which
 * bpf_plan resolves from the host path. */
enum lsm_rule_kind { LSM_EXEC_ALLOW, LSM_OPEN_DENY };
struct lsm_rule {
	enum lsm_rule_kind kind;
	char *path;        /* absolute, as the host sees it (like a bind source) */
	bool optional;     /* -try: a missing path is skipped instead of an error */
	origin_t origin;
};

/* socket x11 (x11.h). */
enum x11_mode { X11_NONE, X11_UNTRUSTED, X11_TRUSTED };
struct x11_grant {
	enum x11_mode mode;
	bool optional;  /* a server without SECURITY: trusted, with a warning, instead of refusing */
	origin_t origin;
};

/* socket wayland|pulseaudio|pipewire (sockets.h): one server socket each, bound alone. */
enum { SBX_SOCK_WAYLAND, SBX_SOCK_PULSEAUDIO, SBX_SOCK_PIPEWIRE, SBX_N_SOCKS };
struct socket_grant {
	bool on;
	bool optional;  /* a missing variable or socket: no grant, a note, instead of refusing */
	origin_t origin;
};

/* device dri|snd|video (devices.h): a class of device nodes, dev-bound. */
enum { SBX_DEV_DRI, SBX_DEV_SND, SBX_DEV_VIDEO, SBX_N_DEVS };
struct device_grant {
	bool on;
	bool optional;  /* device-try: missing nodes are skipped, with a note */
	origin_t origin;
};

/* `overlay PATH` / `overlay-tmp PATH` (overlay.h): PATH shows the host's files, writes go to an
 * upper layer, kept per app (tmp: discarded at exit). */
struct overlay_entry {
	char *path;     /* absolute, the same host path and place inside */
	bool tmp;       /* overlay-tmp: the upper layer is a tmpfs of this run */
	bool optional;  /* where the kernel or the upper's filesystem refuses: skipped, said */
	origin_t origin;
};

/* `mask PATH` (mask.h): whatever host file or directory PATH names is covered, wherever the view
 * shows it, by an empty read-only directory or file. */
struct mask_entry {
	char *path;  /* absolute and clean, as written */
	origin_t origin;
};

/* `private-bin NAME...` / `private-etc NAME...` (privdirs.h): the bin directories or /etc show only
 * these names over an empty read-only tmpfs. A later line adds names; nothing removes one. */
struct private_name {
	char *name;     /* private-bin: a program name, a glob or an absolute path; private-etc: a path
			 * relative to /etc */
	bool optional;  /* -try: skipped when missing */
	origin_t origin;
};
struct private_list {
	bool on;
	struct private_name *names;
	size_t n;
	origin_t origin;  /* the first line: where the directory became private */
};

/* `noexec PATH` (noexec.h): nothing at or below PATH inside the sandbox can be executed or mapped
 * executable. */
struct noexec_entry {
	char *path;  /* absolute and clean, as written: a place inside the sandbox */
	origin_t origin;
};

/* `memory-deny-write-execute` (mdwe.h): how this kernel enforces it, decided when the seccomp
 * filter is built. */
enum mdwe_mode {
	MDWE_OFF,
	MDWE_PRCTL,    /* prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN), Linux 6.3+ */
	MDWE_SECCOMP,  /* seccomp rules on mmap, mprotect, pkey_mprotect, shmat (systemd's) */
};

/* The home inside: an empty tmpfs (default) or the app's own directory kept across runs. */
enum home_mode { HOME_TMPFS, HOME_PERSISTENT };

/* D-Bus grants (dbus_proxy.h): filtered names through xdg-dbus-proxy, or a raw bus socket. */
enum dbus_bus { DBUS_SESSION, DBUS_SYSTEM, DBUS_N_BUSES };
enum dbus_rule_kind { DBUS_SEE, DBUS_TALK, DBUS_OWN, DBUS_CALL, DBUS_BROADCAST };
struct dbus_rule {
	enum dbus_bus bus;
	enum dbus_rule_kind kind;
	char *value;  /* NAME, NAME.* or NAME=RULE */
	origin_t origin;
};
struct dbus_bus_grant {
	bool raw;           /* socket session-bus / system-bus: the bus itself, unfiltered */
	origin_t raw_origin;
};
struct dbus_grants {
	struct dbus_rule *rules;
	size_t n_rules;
	struct dbus_bus_grant bus[DBUS_N_BUSES];
};

struct policy {
	/* Identity of the run. */
	char *profile_name;  /* e.g. "curl", "default" */
	char *profile_path;  /* file the profile was read from, or NULL */

	/* Filesystem view, in order. The fixed skeleton (usr, etc, tmp, proc, dev, home...) is added
	 * by the mount module; these are the grants on top. */
	struct mount_entry *mounts;
	size_t n_mounts;

	enum net_mode net;
	char *hostname;  /* NULL: "sbx" */

	/* Environment. */
	bool clearenv;
	struct env_op *env;
	size_t n_env;

	int *pass_fds;
	size_t n_pass_fds;

	/* Syscalls. */
	unsigned relax;  /* enum relax bits */
	struct seccomp_rule *syscalls;
	size_t n_syscalls;
	bool syscall_allowlist;  /* default action denies; rules list what is allowed */

	/* Landlock. */
	enum requirement landlock;
	bool scope_abstract_unix;  /* ABI 6: default true */
	bool scope_signals;        /* ABI 6: default true */

	/* AppArmor (apparmor.h): a loaded profile stacked on COMMAND, or NULL. */
	char *apparmor_profile;
	enum requirement apparmor;
	origin_t apparmor_origin;

	/* Resources. */
	struct rlimit_setting rlimits[RLIM_NLIMITS];
	struct cgroup_limits cgroup;
	unsigned long long timeout_ms;  /* 0: none */

	/* Root runs only (userns.h): the account COMMAND runs as instead of nobody (NULL: nobody),
	 * and whether it may bind the privileged ports its bind rules grant (caps-keep
	 * net_bind_service; bpf.h). Unprivileged runs refuse or ignore both (main.c). */
	char *user;
	origin_t user_origin;
	bool bind_service;
	origin_t bind_service_origin;

	/* The command, NULL-terminated. argv[0] as typed. */
	char **argv;
	size_t argc;

	/* Behaviour of the front end. */
	bool quiet;
	bool json_status;  /* --json without --explain: how the sandbox ended, as JSON on stderr */
	char *keep_discarded;  /* --keep-discarded DIR: copy what the sandbox discards there */

	/* Network address/port rules (netrules.h): eBPF cgroup programs (bpf.c) enforce them where sbx
	 * has the privilege; otherwise port-only rules become Landlock port rules (bpf_plan) and
	 * address rules refuse to run unless REQ_OPTIONAL. */
	struct net_addr_rule *net_rules;
	size_t n_net_rules;
	enum requirement net_rules_requirement;

	struct x11_grant x11;
	struct socket_grant sockets[SBX_N_SOCKS];
	struct device_grant devices[SBX_N_DEVS];
	struct dbus_grants dbus;

	/* BPF-LSM file rules (exec-allow, open-deny): lsm_cgroup programs on the sandbox's cgroup
	 * enforce them where the kernel loads BPF-LSM and sbx has the privilege; otherwise sbx refuses
	 * to run, or with REQ_OPTIONAL warns and runs without them. */
	struct lsm_rule *lsm_rules;
	size_t n_lsm_rules;
	enum requirement lsm_rules_requirement;

	/* Per-app state (appstate.h, overlay.h). app: the name the state is kept under (--app, else
	 * the command's profile lookup name; set by main). */
	char *app;
	enum home_mode home;
	origin_t home_origin;
	struct overlay_entry *overlays;
	size_t n_overlays;

	/* --launched-from (launched.h): the desktop file and the files it handed over, for --explain.
	 * Owned by main, not freed with the policy. */
	const struct launched *launched;
	struct mask_entry *masks;
	size_t n_masks;

	/* private-bin, private-etc, machine-id random (privdirs.h). */
	struct private_list private_bin, private_etc;
	bool machine_id_random;  /* a random id of this run over /etc/machine-id (default: the host's) */
	origin_t machine_id_origin;
	struct noexec_entry *noexecs;
	size_t n_noexecs;
	bool mdwe;  /* memory-deny-write-execute */
	origin_t mdwe_origin;
};

/* Initialises a policy with sbx's defaults (strict). */
void policy_init(struct policy *p);
void policy_free(struct policy *p);

/* Lists of grants and environment changes (the policy's, and the plan's copies); the builders
 * copy their strings. */
struct mount_entry *mount_list_add(struct mount_entry **v, size_t *n, enum mount_kind kind, const char *src,
				   const char *dst, bool optional, const char *origin);
void mount_list_free(struct mount_entry *v, size_t n);
void env_list_add(struct env_op **v, size_t *n, enum env_op_kind kind, const char *name, const char *value,
		  const char *origin);
void env_list_free(struct env_op *v, size_t n);

/* Builders used by the CLI and the profile parser; they copy their strings. */
struct mount_entry *policy_add_mount(struct policy *p, enum mount_kind kind, const char *src,
				     const char *dst, bool optional, const char *origin);
void policy_add_env(struct policy *p, enum env_op_kind kind, const char *name, const char *value,
		    const char *origin);
void policy_add_pass_fd(struct policy *p, int fd);
struct lsm_rule *policy_add_lsm_rule(struct policy *p, enum lsm_rule_kind kind, const char *path,
				     bool optional, const char *origin);
const char *lsm_rule_kind_name(enum lsm_rule_kind kind);
void policy_add_mask(struct policy *p, const char *path, const char *origin);
/* Adds a name to private-bin or private-etc (turning it on); a name already listed is kept once,
 * required if any line requires it. */
void policy_add_private_name(struct private_list *l, const char *name, bool optional, const char *origin);
void policy_add_noexec(struct policy *p, const char *path, const char *origin);

const char *mount_kind_name(enum mount_kind kind);

struct overlay_entry *policy_add_overlay(struct policy *p, const char *path, bool tmp, bool optional,
					 const char *origin);
/* An app name: 1 to 64 letters, digits, '.', '_', '+', '-', not starting with '.' or '-'. */
bool app_name_valid(const char *name);

/* An account name for `user` / --user: letters, digits, '_', '-', '.', an optional trailing '$',
 * at most 32 bytes, not starting with '-' or '.'. Whether it exists is looked up later. */
bool user_name_valid(const char *name);
/* caps-keep NAME: true only for net_bind_service (any case, with or without "cap_"), the one
 * capability whose effect sbx can grant. */
bool capability_keepable(const char *name);

/* `allow NAME` (profile) and `--allow NAME`: lifts one always-on protection. -EINVAL for a name
 * that is none of POLICY_ALLOW_NAMES. */
#define POLICY_ALLOW_NAMES "devel, userns, multiarch, jit, abstract-unix or signals"
int policy_allow(struct policy *p, const char *name);

#endif
