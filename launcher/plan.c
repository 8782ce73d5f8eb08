/* The plan of one run: see plan.h. */
#include "plan.h"

#include <string.h>

#include "apparmor.h"
#include "bpf.h"
#include "cgroup.h"
#include "landlock.h"
#include "memfd_guard.h"
#include "seccomp.h"
#include "writeback.h"

void plan_init(struct sandbox_plan *pl, const struct policy *p, const struct identity *id, bool explain)
{
	memset(pl, 0, sizeof(*pl));
	pl->cgroup.dirfd = -1;
	pl->policy = p;
	pl->id = id;
	pl->explain = explain;
	pl->memfd_guard = MEMFD_GUARD_UNPLANNED;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		struct mount_entry *copy = plan_add_mount(pl, m->kind, m->src, m->dst, m->optional, m->origin);
		copy->create = m->create;
		copy->edit_alone = m->edit_alone ? xstrdup(m->edit_alone) : NULL;
	}
	for (size_t i = 0; i < p->n_env; i++)
		plan_add_env(pl, p->env[i].kind, p->env[i].name, p->env[i].value, p->env[i].origin);
}

struct mount_entry *plan_add_mount(struct sandbox_plan *pl, enum mount_kind kind, const char *src,
				   const char *dst, bool optional, const char *origin)
{
	return mount_list_add(&pl->mounts, &pl->n_mounts, kind, src, dst, optional, origin);
}

void plan_add_env(struct sandbox_plan *pl, enum env_op_kind kind, const char *name, const char *value,
		  const char *origin)
{
	env_list_add(&pl->env, &pl->n_env, kind, name, value, origin);
}

int plan_refusal(struct sandbox_plan *pl, int r, struct sbx_error *err)
{
	if (r >= 0 || !err->refused || !pl->explain)
		return r;
	*ARRAY_PUSH(pl->refusals, pl->n_refusals) = *err;
	*err = (struct sbx_error){ 0 };
	return 0;
}

int plan_build(struct sandbox_plan *pl, char *const *protect, struct sbx_error *err)
{
	struct host_caps *host = &pl->host;
	host->landlock_abi = landlock_probe_abi(&host->landlock_why);
	/* Network and file rules first: what they refuse stops the run before anything starts. */
	int r = bpf_plan(pl, err);
	/* After bpf_plan, which decides the TCP port rules Landlock must handle. */
	if (r == 0)
		r = plan_refusal(pl, landlock_plan(pl, err), err);
	if (r == 0)
		r = plan_refusal(pl, apparmor_plan(pl, err), err);
	/* Starts the bus proxies (plan_free ends them); sets the bus address before x11 looks. */
	if (r == 0)
		r = dbus_plan(pl, err);
	/* Last of the checks that can refuse; the cookie sbx makes at launch is revoked by plan_free. */
	if (r == 0)
		r = x11_plan(pl, err);
	if (r == 0)
		r = sockets_plan(pl, err);
	if (r == 0)
		r = devices_plan(pl, err);
	if (r == 0 && !pl->explain)
		mount_create_files(pl);
	if (r == 0)
		memfd_guard_plan(pl);
	/* Both seccomp programs are built here, once; the sandbox's pid 1 only loads them. */
	if (r == 0)
		r = seccomp_validate(pl, err);
	if (r == 0)
		r = mount_plan_build(pl, protect, &pl->view, err);
	if (r == 0 && !pl->explain)
		r = mount_plan_open_state(&pl->view, pl->id, pl->policy->app, err);
	if (r == 0 && !pl->explain)
		r = writeback_open(&pl->view, err);
	/* After every planner that starts a process (the bus proxies): the systemd and delegated ways
	 * move sbx itself into a leaf of its own, which must be empty again when the sandbox ends. */
	if (r == 0)
		r = cgroup_plan(pl, err);
	if (r == 0)
		r = plan_refusal(pl, bpf_plan_cgroup(pl, err), err);
	return r;
}

static void free_string(char **s)
{
	free(*s);
	*s = NULL;
}

void plan_free(struct sandbox_plan *pl)
{
	cgroup_teardown(&pl->cgroup);
	x11_release(&pl->x11);
	free_string((char **)&pl->x11.xauth);
	free_string(&pl->x11.xauth_path);
	free_string(&pl->x11.refused);
	seccomp_programs_free(pl->seccomp);
	dbus_release(pl->dbus);
	for (size_t b = 0; b < DBUS_N_BUSES; b++) {
		free_string(&pl->dbus[b].host_socket);
		free_string(&pl->dbus[b].inside);
		free_string(&pl->dbus[b].refused);
	}
	for (size_t i = 0; i < SBX_N_SOCKS; i++) {
		free_string(&pl->sockets[i].host);
		free_string(&pl->sockets[i].inside);
		free_string(&pl->sockets[i].skipped);
		free_string(&pl->sockets[i].refused);
	}
	for (size_t i = 0; i < SBX_N_DEVS; i++) {
		free_string(&pl->devices[i].skipped);
		free_string(&pl->devices[i].refused);
	}
	free(pl->pulse_conf_path);
	free(pl->pulse_conf);
	for (size_t i = 0; i < pl->n_ports; i++)
		free(pl->ports[i].origin);
	free(pl->ports);
	free(pl->lsm_targets);
	free(pl->apparmor_missing);
	mount_list_free(pl->mounts, pl->n_mounts);
	env_list_free(pl->env, pl->n_env);
	mount_plan_free(&pl->view);
	free(pl->refusals);
	memset(pl, 0, sizeof(*pl));
}
