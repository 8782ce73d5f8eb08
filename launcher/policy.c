#include "policy.h"

#include <string.h>
#include <strings.h>

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->net = NET_NONE;
	p->landlock = REQ_REQUIRED;
	p->scope_abstract_unix = true;
	p->scope_signals = true;
	p->cgroup.requirement = REQ_REQUIRED;
	/* Core dumps can leak a sandboxed app's memory to wherever the host writes them. */
	p->rlimits[RLIMIT_CORE] = (struct rlimit_setting){ .set = true, .soft = 0, .hard = 0 };
}

void policy_free(struct policy *p)
{
	mount_list_free(p->mounts, p->n_mounts);
	env_list_free(p->env, p->n_env);
	for (size_t i = 0; i < p->n_syscalls; i++) {
		free(p->syscalls[i].name);
		free(p->syscalls[i].origin);
	}
	free(p->syscalls);
	for (size_t i = 0; i < p->n_net_rules; i++)
		free(p->net_rules[i].origin);
	free(p->net_rules);
	for (size_t i = 0; i < p->n_lsm_rules; i++) {
		free(p->lsm_rules[i].path);
		free(p->lsm_rules[i].origin);
	}
	free(p->lsm_rules);
	free(p->x11.origin);
	for (size_t i = 0; i < SBX_N_SOCKS; i++) {
		free(p->sockets[i].origin);
	}
	for (size_t i = 0; i < SBX_N_DEVS; i++) {
		free(p->devices[i].origin);
	}
	for (size_t i = 0; i < p->dbus.n_rules; i++) {
		free(p->dbus.rules[i].value);
		free(p->dbus.rules[i].origin);
	}
	free(p->dbus.rules);
	for (size_t i = 0; i < DBUS_N_BUSES; i++) {
		free(p->dbus.bus[i].raw_origin);
	}
	for (size_t i = 0; i < RLIM_NLIMITS; i++)
		free(p->rlimits[i].origin);
	free(p->cgroup.origin);
	free(p->pass_fds);
	free(p->hostname);
	free(p->keep_discarded);
	free(p->app);
	free(p->home_origin);
	for (size_t i = 0; i < p->n_overlays; i++) {
		free(p->overlays[i].path);
		free(p->overlays[i].origin);
	}
	free(p->overlays);
	for (size_t i = 0; i < p->n_masks; i++) {
		free(p->masks[i].path);
		free(p->masks[i].origin);
	}
	free(p->masks);
	struct private_list *lists[] = { &p->private_bin, &p->private_etc };
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			free(lists[l]->names[i].name);
			free(lists[l]->names[i].origin);
		}
		free(lists[l]->names);
		free(lists[l]->origin);
	}
	free(p->machine_id_origin);
	for (size_t i = 0; i < p->n_noexecs; i++) {
		free(p->noexecs[i].path);
		free(p->noexecs[i].origin);
	}
	free(p->noexecs);
	free(p->mdwe_origin);
	free(p->apparmor_profile);
	free(p->apparmor_origin);
	free(p->user);
	free(p->user_origin);
	free(p->bind_service_origin);
	free(p->profile_name);
	free(p->profile_path);
	for (size_t i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	memset(p, 0, sizeof(*p));
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

struct mount_entry *mount_list_add(struct mount_entry **v, size_t *n, enum mount_kind kind, const char *src,
				   const char *dst, bool optional, const char *origin)
{
	struct mount_entry *m = ARRAY_PUSH(*v, *n);
	m->kind = kind;
	m->src = dup_or_null(src);
	m->dst = xstrdup(dst);
	m->optional = optional;
	m->origin = dup_or_null(origin);
	return m;
}

void mount_list_free(struct mount_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].src);
		free(v[i].dst);
		free(v[i].edit_alone);
		free(v[i].origin);
	}
	free(v);
}

void env_list_add(struct env_op **v, size_t *n, enum env_op_kind kind, const char *name, const char *value,
		  const char *origin)
{
	struct env_op *e = ARRAY_PUSH(*v, *n);
	e->kind = kind;
	e->name = xstrdup(name);
	e->value = dup_or_null(value);
	e->origin = dup_or_null(origin);
}

void env_list_free(struct env_op *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
		free(v[i].origin);
	}
	free(v);
}

struct mount_entry *policy_add_mount(struct policy *p, enum mount_kind kind, const char *src,
				     const char *dst, bool optional, const char *origin)
{
	return mount_list_add(&p->mounts, &p->n_mounts, kind, src, dst, optional, origin);
}

void policy_add_env(struct policy *p, enum env_op_kind kind, const char *name, const char *value,
		    const char *origin)
{
	env_list_add(&p->env, &p->n_env, kind, name, value, origin);
}

void policy_add_pass_fd(struct policy *p, int fd)
{
	for (size_t i = 0; i < p->n_pass_fds; i++)
		if (p->pass_fds[i] == fd)
			return;
	*ARRAY_PUSH(p->pass_fds, p->n_pass_fds) = fd;
}

struct lsm_rule *policy_add_lsm_rule(struct policy *p, enum lsm_rule_kind kind, const char *path,
				     bool optional, const char *origin)
{
	struct lsm_rule *r = ARRAY_PUSH(p->lsm_rules, p->n_lsm_rules);
	r->kind = kind;
	r->path = xstrdup(path);
	r->optional = optional;
	r->origin = dup_or_null(origin);
	return r;
}

static const char *const lsm_rule_kind_names[] = {
	[LSM_EXEC_ALLOW] = "exec-allow",
	[LSM_OPEN_DENY] = "open-deny",
};

const char *lsm_rule_kind_name(enum lsm_rule_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(lsm_rule_kind_names) ? lsm_rule_kind_names[kind] : "open-deny";
}

static const char *const mount_kind_names[] = {
	[MOUNT_BIND] = "bind",
	[MOUNT_RO_BIND] = "ro-bind",
	[MOUNT_DEV_BIND] = "dev-bind",
	[MOUNT_TMPFS] = "tmpfs",
};

const char *mount_kind_name(enum mount_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(mount_kind_names) ? mount_kind_names[kind] : "?";
}

bool user_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 32 || name[0] == '-' || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '-' || c == '.' || (c == '$' && i == n - 1);
		if (!ok)
			return false;
	}
	return true;
}

bool capability_keepable(const char *name)
{
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	return strcasecmp(name, "net_bind_service") == 0;
}

int policy_allow(struct policy *p, const char *name)
{
	static const struct {
		const char *name;
		unsigned relax;
	} relaxations[] = {
		{ "devel", RELAX_DEVEL }, { "userns", RELAX_USERNS }, { "multiarch", RELAX_MULTIARCH }, { "jit", RELAX_JIT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(relaxations); i++)
		if (strcmp(name, relaxations[i].name) == 0) {
			p->relax |= relaxations[i].relax;
			return 0;
		}
	if (strcmp(name, "abstract-unix") == 0)
		p->scope_abstract_unix = false;
	else if (strcmp(name, "signals") == 0)
		p->scope_signals = false;
	else
		return -EINVAL;
	return 0;
}

static const char *const requirement_words[] = {
	[REQ_REQUIRED] = "required",
	[REQ_OPTIONAL] = "optional",
};

int requirement_from_string(const char *word, enum requirement *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(requirement_words); i++)
		if (strcmp(word, requirement_words[i]) == 0) {
			*out = (enum requirement)i;
			return 0;
		}
	return -EINVAL;
}

const char *requirement_to_string(enum requirement r)
{
	return requirement_words[r == REQ_OPTIONAL ? REQ_OPTIONAL : REQ_REQUIRED];
}

struct overlay_entry *policy_add_overlay(struct policy *p, const char *path, bool tmp, bool optional,
					 const char *origin)
{
	/* The last line for a path wins, as for binds at one place. */
	for (size_t i = 0; i < p->n_overlays; i++) {
		struct overlay_entry *o = &p->overlays[i];
		if (strcmp(o->path, path) == 0) {
			o->tmp = tmp;
			o->optional = optional;
			free(o->origin);
			o->origin = xstrdup(origin);
			return o;
		}
	}
	struct overlay_entry *o = ARRAY_PUSH(p->overlays, p->n_overlays);
	*o = (struct overlay_entry){ .path = xstrdup(path), .tmp = tmp, .optional = optional,
				     .origin = xstrdup(origin) };
	return o;
}

void policy_add_mask(struct policy *p, const char *path, const char *origin)
{
	for (size_t i = 0; i < p->n_masks; i++)
		if (strcmp(p->masks[i].path, path) == 0)
			return;
	*ARRAY_PUSH(p->masks, p->n_masks) = (struct mask_entry){ .path = xstrdup(path), .origin = xstrdup(origin) };
}

void policy_add_noexec(struct policy *p, const char *path, const char *origin)
{
	for (size_t i = 0; i < p->n_noexecs; i++)
		if (strcmp(p->noexecs[i].path, path) == 0)
			return;
	*ARRAY_PUSH(p->noexecs, p->n_noexecs) = (struct noexec_entry){ .path = xstrdup(path),
									.origin = xstrdup(origin) };
}

bool app_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

void policy_add_private_name(struct private_list *l, const char *name, bool optional, const char *origin)
{
	if (!l->on) {
		l->on = true;
		l->origin = xstrdup(origin);
	}
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i].name, name) == 0) {
			l->names[i].optional &= optional;
			return;
		}
	*ARRAY_PUSH(l->names, l->n) = (struct private_name){ .name = xstrdup(name), .optional = optional,
							      .origin = xstrdup(origin) };
}
