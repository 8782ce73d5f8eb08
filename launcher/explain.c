#include "explain.h"
#include "launched.h"
#include "hostpath.h"

#include "bpf.h"
#include "netrules.h"

#include <string.h>

#include "apparmor.h"
#include "cgroup.h"
#include "env.h"
#include "landlock.h"
#include "rlimits.h"
#include "mdwe.h"
#include "seccomp.h"
#include "x11.h"
#include "sockets.h"
#include "devices.h"
#include "dbus_proxy.h"

static void explain_view(const struct mount_plan *plan, struct view *v)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->steps[i].in_view)
			view_add(v, plan->steps[i].dst, plan->steps[i].access, plan->steps[i].label);
}

static const char *env_op_name(enum env_op_kind kind)
{
	return kind == ENV_SET ? "set" : kind == ENV_UNSET ? "unset" : "keep";
}

/* The names of the caller's variables that the sandbox will not get, as text or JSON strings. */
static void explain_dropped_env(const struct policy *p, FILE *out, bool json)
{
	extern char **environ;
	bool first = true;
	for (char **v = environ; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		if (!eq || eq == *v || env_passes(p, *v, (size_t)(eq - *v)))
			continue;
		_cleanup_free_ char *name = xstrndup(*v, (size_t)(eq - *v));
		if (json) {
			fputs(first ? "" : ",", out);
			json_string(out, name);
		} else {
			fprintf(out, " %s", name);
		}
		first = false;
	}
	if (first && !json)
		fputs(" none", out);
}

static const char *namespaces_text(const struct policy *p)
{
	return p->net == NET_HOST ? "user mount pid ipc uts cgroup (network: the host's)"
				  : "user mount pid ipc uts cgroup net (network: own, lo only)";
}

/* Who the command is, in words. */
static void explain_identity(const struct policy *p, const struct identity *id, FILE *out)
{
	fprintf(out, "identity: uid %u gid %u inside and on the host", (unsigned)id->uid, (unsigned)id->gid);
	if (id->user) {
		fprintf(out, " (started by root: runs as %s, from %s; groups", id->user,
			p->user_origin ? p->user_origin : "command line");
		for (size_t i = 0; i < id->n_groups; i++)
			fprintf(out, " %u", (unsigned)id->groups[i]);
		fputc(')', out);
	} else if (id->outer_uid == 0) {
		fputs(" (started by root: runs as nobody)", out);
	}
	fputs("; setgroups denied; no capabilities (all sets empty, securebits locked); no_new_privs\n", out);
}

/* The bind rules' ports below 1024, as text (" 80 443") or JSON strings. */
static void privileged_bind_ports(const struct policy *p, FILE *out, bool json)
{
	bool first = true;
	for (size_t i = 0; i < p->n_net_rules; i++) {
		const struct net_addr_rule *r = &p->net_rules[i];
		if (!r->bind || r->port_lo >= 1024)
			continue;
		char text[96];
		net_rule_format(r, text, sizeof(text));
		if (json) {
			fputs(first ? "" : ",", out);
			json_string(out, text);
		} else {
			fprintf(out, " %s", text);
		}
		first = false;
	}
	if (first && !json)
		fputs(" none", out);
}

/* caps-keep net_bind_service: what it does here, and why not through a capability. */
static void explain_bind_service(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	if (!p->bind_service) {
		fputs("privileged ports: none (below 1024 the kernel asks for CAP_NET_BIND_SERVICE, which the "
		      "command never has)\n", out);
		return;
	}
	const char *why = pl->host.cgroup_bpf_why;
	bool ebpf = pl->host.cgroup_bpf;
	fprintf(out, "privileged ports (caps-keep net_bind_service, %s):", p->bind_service_origin);
	privileged_bind_ports(p, out, false);
	if (ebpf)
		fputs(" may be bound: the eBPF bind programs let these granted ports skip the kernel's "
		      "CAP_NET_BIND_SERVICE check; the capability itself is not kept, as in sbx's user "
		      "namespace it would not count on the host's network\n", out);
	else
		fprintf(out, " REFUSED: it needs eBPF bind programs: %s\n", why);
}

/* The desktop entry GLib started sbx from (gio launch, gtk-launch, menus, xdg-open through GIO):
 * GIO_LAUNCHED_DESKTOP_FILE, believed only when GIO_LAUNCHED_DESKTOP_FILE_PID is this process,
 * so an app started from an entry does not pass the name on to what it starts. For display. */
static const char *launched_from(void)
{
	const char *file = getenv("GIO_LAUNCHED_DESKTOP_FILE");
	const char *pid = getenv("GIO_LAUNCHED_DESKTOP_FILE_PID");
	long long n;
	if (!file || !*file || !pid || !parse_int(pid, 1, INT32_MAX, &n) || n != (long long)getpid())
		return NULL;
	return file;
}

/* --launched-from: the entry whose Exec matched and what its launcher handed over. */
static void explain_launched(const struct sandbox_plan *pl, FILE *out)
{
	const struct launched *l = pl->policy->launched;
	if (!l)
		return;
	fprintf(out, "launched from: %s, [%s] Exec=%s\n", l->file, l->group, l->exec);
	if (!l->n_args)
		fputs("  handed over: nothing (no argument at a %f %F %u %U position)\n", out);
	for (size_t i = 0; i < l->n_args; i++) {
		if (!l->args[i].path) {
			fprintf(out, "  handed over: %s -> not granted: %s\n", l->args[i].arg, l->args[i].why);
			continue;
		}
		_cleanup_free_ char *real = canonical_path(l->args[i].path);
		const struct mount_entry *m = NULL;
		for (size_t k = 0; k < pl->n_mounts && !m; k++)
			if (pl->mounts[k].origin && strncmp(pl->mounts[k].origin, "handed over by ", 15) == 0 &&
			    pl->mounts[k].src && path_within(real, pl->mounts[k].src))
				m = &pl->mounts[k];
		if (m)
			fprintf(out, "  handed over: %s -> %s granted %s for this run\n", l->args[i].arg, m->src,
				m->kind == MOUNT_BIND ? "read-write" : "read-only");
		else
			fprintf(out, "  handed over: %s -> %s: no grant of its own (inside a grant of the profile, "
				"or refused: see the notes)\n", l->args[i].arg, l->args[i].path);
	}
}

/* What the plan would refuse on this host: a run stops on the first (plan.h). */
static void explain_refusals(const struct sandbox_plan *pl, FILE *out, bool json)
{
	for (size_t i = 0; i < pl->n_refusals; i++) {
		if (json) {
			fputs(i ? "," : "", out);
			json_string(out, pl->refusals[i].msg);
		} else {
			fprintf(out, "REFUSED here, sbx would not run: %s\n", pl->refusals[i].msg);
		}
	}
}

void explain_text(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	const struct mount_plan *plan = &pl->view;
	fprintf(out, "sandbox for: ");
	for (size_t i = 0; i < p->argc; i++)
		fprintf(out, "%s%s", i ? " " : "", p->argv[i]);
	fprintf(out, "\nprofile: %s%s%s\n", p->profile_name ? p->profile_name : "(none)",
		p->profile_path ? " from " : "", p->profile_path ? p->profile_path : "");
	if (launched_from())
		fprintf(out, "started from desktop entry: %s\n", launched_from());
	explain_refusals(pl, out, false);
	explain_launched(pl, out);
	explain_identity(p, id, out);
	explain_bind_service(pl, out);
	fprintf(out, "namespaces: %s\n", namespaces_text(p));
	fprintf(out, "hostname: %s\n", p->hostname ? p->hostname : "sbx");
	fprintf(out, "nested user namespaces: %s\n",
		p->relax & RELAX_USERNS ? "ALLOWED (relaxation 'userns')"
					: "blocked (limit of one, already used; seccomp refuses namespace flags)");
	fputs("filesystem, in order (the root itself is a read-only tmpfs; every mount nosuid, "
	      "and nodev except device nodes):\n", out);
	mount_plan_explain(plan, out);
	fputs(p->clearenv ? "environment: none of the caller's (--clearenv)\n"
			  : "environment: of the caller's, only locale, terminal, PATH, XDG dirs and what keepenv "
			    "names; never loader variables (LD_*, PYTHONPATH, ...) unless named\n",
	      out);
	for (size_t i = 0; i < pl->n_env; i++)
		fprintf(out, "  %s %s%s%s  [%s]\n", env_op_name(pl->env[i].kind), pl->env[i].name,
			pl->env[i].kind == ENV_SET ? "=" : "", pl->env[i].kind == ENV_SET ? pl->env[i].value : "",
			pl->env[i].origin ? pl->env[i].origin : "");
	fputs("  dropped from yours:", out);
	explain_dropped_env(p, out, false);
	fputc('\n', out);
	x11_explain(pl, out);
	sockets_explain(pl, out);
	devices_explain(pl, out);
	dbus_explain(pl, out);
	fputs("file descriptors: 0 1 2", out);
	for (size_t i = 0; i < p->n_pass_fds; i++)
		fprintf(out, " %d", p->pass_fds[i]);
	fputs(" (all others closed)\n", out);
	struct view v = { 0 };
	explain_view(plan, &v);
	fputs("landlock:\n", out);
	landlock_explain(pl, &v, out);
	view_free(&v);
	fputs("seccomp:\n", out);
	seccomp_explain(pl, out);
	if (p->mdwe)
		mdwe_explain(p, out);
	apparmor_explain(pl, out);
	fputs("resource limits:\n", out);
	rlimits_explain(p, out);
	cgroup_explain(pl, out);
	bpf_explain(pl, out);
	if (p->timeout_ms)
		fprintf(out, "  timeout: %llu ms, then SIGTERM and SIGKILL 5 s later\n", p->timeout_ms);
}

void explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	const struct mount_plan *plan = &pl->view;
	fputs("{\"command\":[", out);
	for (size_t i = 0; i < p->argc; i++) {
		if (i)
			fputc(',', out);
		json_string(out, p->argv[i]);
	}
	fputs("],\"profile\":", out);
	json_string(out, p->profile_name ? p->profile_name : "");
	fputs(",\"profile_path\":", out);
	if (p->profile_path)
		json_string(out, p->profile_path);
	else
		fputs("null", out);
	fputs(",\"refusals\":[", out);
	explain_refusals(pl, out, true);
	fputs("],\"desktop_entry\":", out);
	if (launched_from())
		json_string(out, launched_from());
	else
		fputs("null", out);
	fputs(",\"launched_from\":", out);
	if (p->launched) {
		fputs("{\"file\":", out);
		json_string(out, p->launched->file);
		fputs(",\"group\":", out);
		json_string(out, p->launched->group);
		fputs(",\"exec\":", out);
		json_string(out, p->launched->exec);
		fputs(",\"handed\":[", out);
		for (size_t i = 0; i < p->launched->n_args; i++) {
			const struct launched_arg *a = &p->launched->args[i];
			fputs(i ? ",{\"arg\":" : "{\"arg\":", out);
			json_string(out, a->arg);
			fputs(",\"granted\":", out);
			if (a->path)
				json_string(out, a->path);
			else
				fputs("null", out);
			fputs(",\"why\":", out);
			if (a->why)
				json_string(out, a->why);
			else
				fputs("null", out);
			fputc('}', out);
		}
		fputs("]}", out);
	} else {
		fputs("null", out);
	}
	fprintf(out, ",\"uid\":%u,\"gid\":%u,\"started_by_root\":%s", (unsigned)id->uid, (unsigned)id->gid,
		id->outer_uid == 0 ? "true" : "false");
	fputs(",\"user\":", out);
	if (id->user)
		json_string(out, id->user);
	else
		fputs("null", out);
	fputs(",\"groups\":[", out);
	for (size_t i = 0; i < id->n_groups; i++)
		fprintf(out, "%s%u", i ? "," : "", (unsigned)id->groups[i]);
	fprintf(out, "],\"caps_keep\":[%s]", p->bind_service ? "\"net_bind_service\"" : "");
	if (p->bind_service) {
		fprintf(out, ",\"privileged_ports\":{\"enforced\":%s,\"by\":\"ebpf\",\"why\":",
			pl->host.cgroup_bpf ? "true" : "false");
		json_string(out, pl->host.cgroup_bpf_why);
		fputs(",\"origin\":", out);
		json_string(out, p->bind_service_origin);
		fputs(",\"rules\":[", out);
		privileged_bind_ports(p, out, true);
		fputs("]}", out);
	}
	fprintf(out, ",\"namespaces\":[\"user\",\"mount\",\"pid\",\"ipc\",\"uts\",\"cgroup\"%s]",
		p->net == NET_NONE ? ",\"net\"" : "");
	fprintf(out, ",\"network\":\"%s\",\"hostname\":", p->net == NET_HOST ? "host" : "none");
	json_string(out, p->hostname ? p->hostname : "sbx");
	fprintf(out, ",\"relaxations\":{\"devel\":%s,\"userns\":%s,\"multiarch\":%s,\"jit\":%s}",
		p->relax & RELAX_DEVEL ? "true" : "false", p->relax & RELAX_USERNS ? "true" : "false",
		p->relax & RELAX_MULTIARCH ? "true" : "false", p->relax & RELAX_JIT ? "true" : "false");
	fputs(",\"mounts\":", out);
	mount_plan_explain_json(plan, out);
	fprintf(out, ",\"clearenv\":%s,\"env\":[", p->clearenv ? "true" : "false");
	for (size_t i = 0; i < pl->n_env; i++) {
		const struct env_op *e = &pl->env[i];
		fprintf(out, "%s{\"op\":\"%s\",\"name\":", i ? "," : "", env_op_name(e->kind));
		json_string(out, e->name);
		if (e->kind == ENV_SET) {
			fputs(",\"value\":", out);
			json_string(out, e->value);
		}
		fputc('}', out);
	}
	fputs("],\"env_dropped\":[", out);
	explain_dropped_env(p, out, true);
	fputs("],\"x11\":", out);
	x11_explain_json(pl, out);
	fputs(",\"sockets\":", out);
	sockets_explain_json(pl, out);
	fputs(",\"devices\":", out);
	devices_explain_json(pl, out);
	fputs(",\"dbus\":", out);
	dbus_explain_json(pl, out);
	fputs(",\"pass_fds\":[", out);
	for (size_t i = 0; i < p->n_pass_fds; i++)
		fprintf(out, "%s%d", i ? "," : "", p->pass_fds[i]);
	fputs("],\"landlock\":", out);
	struct view v = { 0 };
	explain_view(plan, &v);
	landlock_explain_json(pl, &v, out);
	view_free(&v);
	fputs(",\"seccomp\":", out);
	seccomp_explain_json(pl, out);
	fputs(",\"memory_deny_write_execute\":", out);
	mdwe_explain_json(p, out);
	fputs(",\"apparmor\":", out);
	apparmor_explain_json(pl, out);
	fputs(",\"rlimits\":", out);
	rlimits_explain_json(p, out);
	fputs(",\"cgroup\":", out);
	cgroup_explain_json(p, out);
	fputs(",\"ebpf\":", out);
	bpf_explain_json(pl, out);
	fprintf(out, ",\"timeout_ms\":%llu}\n", p->timeout_ms);
}
