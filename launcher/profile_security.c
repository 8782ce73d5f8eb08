/* Profiles: the directives of the kernel's protections: allow (relaxations), syscalls, landlock,
 * apparmor, caps-keep, the BPF-LSM file rules (exec-allow, open-deny, lsm-rules) and the network
 * (net, net-connect, net-bind, net-rules). */
#include "profile_internal.h"

#include <string.h>

#include "bpf.h"
#include "seccomp_rules.h"

int d_net(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "none") == 0) {
		ps->p->net = NET_NONE;
	} else if (strcmp(t->text, "host") == 0) {
		if (ps->p->net == NET_NONE && ps->net_origin) {
			int r = loosens(ps, ln, "'net none'", ps->net_origin);
			if (r < 0)
				return r;
		}
		ps->p->net = NET_HOST;
	} else {
		return FAIL_TOK(ps, ln, t, "expected 'none' or 'host'");
	}
	free(ps->net_origin);
	ps->net_origin = xstrdup(ln->origin);
	return 0;
}

/* net-connect / net-bind: the rules of --connect / --bind-port, parsed by net_rule_parse (netrules.h).
 * Where sbx has the privilege eBPF enforces them as written; otherwise bpf_plan turns port-only
 * rules into Landlock TCP port rules and refuses address rules (or widens them when optional). */
static int do_net_rules(struct parser *ps, struct line *ln, bool bind)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		struct sbx_error e = { 0 };
		if (net_rule_parse(t->text, bind, ps->p, ln->origin, &e) < 0)
			return FAIL_TOK(ps, ln, t, "%s", e.msg);  /* the error points at the rule */
	}
	return 0;
}

int d_net_connect(struct parser *ps, struct line *ln) { return do_net_rules(ps, ln, false); }
int d_net_bind(struct parser *ps, struct line *ln) { return do_net_rules(ps, ln, true); }

/* exec-allow / open-deny (and -try): BPF-LSM file rules (bpf.h), paths as the host sees them,
 * like bind sources. bpf_plan resolves them to (device, inode): a missing path is an error
 * there, unless the line is a -try line. */
static int do_lsm_rules(struct parser *ps, struct line *ln, enum lsm_rule_kind kind, bool optional)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		int r = path_arg(ps, ln, t);
		if (r < 0)
			return r;
		if (r == 1) {
			if (!optional)
				return undefined_word(ps, ln, t);
			note(ps, ln, "skipped %s: ${%s} is not defined: %s", t->text, t->undefined,
			     t->why ? t->why : "no value");
			continue;
		}
		policy_add_lsm_rule(ps->p, kind, t->text, optional, ln->origin);
	}
	return 0;
}

int d_exec_allow(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_EXEC_ALLOW, false); }
int d_exec_allow_try(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_EXEC_ALLOW, true); }
int d_open_deny(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_OPEN_DENY, false); }
int d_open_deny_try(struct parser *ps, struct line *ln) { return do_lsm_rules(ps, ln, LSM_OPEN_DENY, true); }

/* A "required|optional" word into *out; optional is a relaxation (an include cannot say it). */
static int requirement_arg(struct parser *ps, struct line *ln, enum requirement *out)
{
	struct token *t = arg(ln, 0);
	enum requirement want;
	if (requirement_from_string(t->text, &want) < 0)
		return FAIL_TOK(ps, ln, t, "expected 'required' or 'optional'");
	int r = want == REQ_OPTIONAL ? relaxation_allowed(ps, ln, t) : 0;
	if (r == 0)
		*out = want;
	return r;
}

/* lsm-rules required|optional: whether sbx refuses to run where BPF-LSM cannot enforce the file
 * rules (the default), or runs without them. */
int d_lsm_rules(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->lsm_rules_requirement);
}

/* net-rules required|optional: whether sbx refuses to run where the address rules of net-connect
 * and net-bind cannot be enforced as written (the default), or widens them to ports. */
int d_net_rules(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->net_rules_requirement);
}

int d_allow(struct parser *ps, struct line *ln)
{
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	/* Checked whole before any takes effect. */
	struct policy scratch;
	policy_init(&scratch);
	for (size_t i = 0; i < ln->n; i++)
		if (policy_allow(&scratch, arg(ln, i)->text) < 0) {
			policy_free(&scratch);
			return FAIL_TOK(ps, ln, arg(ln, i), "expected " POLICY_ALLOW_NAMES);
		}
	policy_free(&scratch);
	for (size_t i = 0; i < ln->n; i++)
		policy_allow(ps->p, arg(ln, i)->text);
	return 0;
}

/* caps-keep net_bind_service: the command may bind the ports below 1024 that its bind rules grant
 * (root runs; bpf.h says how). Any other capability is refused: sbx keeps none. */
int d_caps_keep(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (!capability_keepable(t->text))
		return FAIL_TOK(ps, ln, t, "net_bind_service is the only capability sbx can keep");
	int r = relaxation_allowed(ps, ln, ln->kw);
	if (r < 0)
		return r;
	ps->p->bind_service = true;
	free(ps->p->bind_service_origin);
	ps->p->bind_service_origin = xstrdup(ln->origin);
	return 0;
}

/* apparmor NAME [optional]: stack a loaded AppArmor profile on COMMAND (apparmor.h). Accepting its
 * absence is a relaxation, which an include may not make. */
int d_apparmor(struct parser *ps, struct line *ln)
{
	int r = no_undefined(ps, ln);
	if (r < 0)
		return r;
	struct token *name = arg(ln, 0);
	for (const char *c = name->text; *c; c++)
		if (*c <= ' ' || *c == 0x7f)
			return FAIL_TOK(ps, ln, name, "expected an AppArmor profile name without spaces");
	enum requirement req = REQ_REQUIRED;
	if (ln->n == 2) {
		struct token *t = arg(ln, 1);
		if (strcmp(t->text, "optional") != 0)
			return FAIL_TOK(ps, ln, t, "expected 'optional' or nothing");
		r = relaxation_allowed(ps, ln, t);
		if (r < 0)
			return r;
		req = REQ_OPTIONAL;
	}
	free(ps->p->apparmor_profile);
	free(ps->p->apparmor_origin);
	ps->p->apparmor_profile = xstrdup(name->text);
	ps->p->apparmor_origin = xstrdup(ln->origin);
	ps->p->apparmor = req;
	return 0;
}

int d_landlock(struct parser *ps, struct line *ln)
{
	return requirement_arg(ps, ln, &ps->p->landlock);
}

int d_syscalls(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "allowlist") == 0) {
		if (ln->n != 1)
			return FAIL_TOK(ps, ln, arg(ln, 1), "'syscalls allowlist' takes no names");
		ps->p->syscall_allowlist = true;
		return 0;
	}
	enum seccomp_action action;
	int errno_value = 0;
	size_t first = 1;
	if (strcmp(t->text, "allow") == 0) {
		action = SC_ALLOW;
	} else if (strcmp(t->text, "log") == 0) {
		action = SC_LOG;
	} else if (strcmp(t->text, "kill") == 0) {
		action = SC_KILL;
	} else if (strcmp(t->text, "deny") == 0) {
		action = SC_ERRNO;
		errno_value = EPERM;
	} else if (strcmp(t->text, "errno") == 0) {
		action = SC_ERRNO;
		if (ln->n < 2 || !seccomp_rule_parse_errno(arg(ln, 1)->text, &errno_value))
			return FAIL_TOK(ps, ln, ln->n < 2 ? t : arg(ln, 1),
					"expected an errno name (EPERM, EACCES, ENOSYS...) or number 1-4095");
		first = 2;
	} else {
		return FAIL_TOK(ps, ln, t, "expected allow, deny, errno ERRNO, kill, log or allowlist");
	}
	size_t n_names = 0, n_conds = 0;
	struct seccomp_arg_cond conds[6];
	for (size_t i = first; i < ln->n; i++) {
		struct token *w = arg(ln, i);
		if (strncmp(w->text, "arg", 3) == 0 && w->text[3] >= '0' && w->text[3] <= '9') {
			if (n_conds >= ARRAY_SIZE(conds))
				return FAIL_TOK(ps, ln, w, "more than 6 argument conditions");
			if (!seccomp_rule_parse_condition(w->text, &conds[n_conds]))
				return FAIL_TOK(ps, ln, w, "expected a condition such as arg1==0x5401, arg0!=0, "
							   "arg2&0x3==1 (arguments 0-5)");
			n_conds++;
		} else {
			if (n_conds)
				return FAIL_TOK(ps, ln, w, "argument conditions come after the syscall name");
			if (!seccomp_rule_name_valid(w->text))
				return FAIL_TOK(ps, ln, w, "expected a syscall name or an @group");
			n_names++;
		}
	}
	if (n_names == 0)
		return FAIL_LINE(ps, ln, "no syscall named");
	if (n_conds && (n_names != 1 || arg(ln, first)->text[0] == '@'))
		return FAIL_TOK(ps, ln, arg(ln, first), "argument conditions need exactly one syscall, not a group or a list");
	/* The checks seccomp.c makes of every rule, here with the line's place (seccomp_rules.h). */
	struct seccomp_rule shape = { .name = arg(ln, first)->text, .action = action, .errno_value = errno_value,
				      .n_conds = (unsigned)n_conds };
	memcpy(shape.conds, conds, sizeof(conds[0]) * n_conds);
	_cleanup_free_ char *why = seccomp_rule_problem(&shape);
	if (why)
		return FAIL_TOK(ps, ln, arg(ln, first), "%s", why);
	if (action == SC_ALLOW || action == SC_LOG) {
		bool checked = false;
		for (size_t i = first; i < first + n_names && !checked; i++) {
			for (size_t k = 0; k < ps->p->n_syscalls; k++) {
				const struct seccomp_rule *old = &ps->p->syscalls[k];
				if ((old->action == SC_ERRNO || old->action == SC_KILL) &&
				    seccomp_rules_overlap(old->name, arg(ln, i)->text)) {
					_cleanup_free_ char *what = xasprintf("the rule denying %s", old->name);
					int r = loosens(ps, ln, what, old->origin ? old->origin : "?");
					if (r < 0)
						return r;
					checked = true;
					break;
				}
			}
		}
	}
	for (size_t i = first; i < first + n_names; i++) {
		struct seccomp_rule *rule = ARRAY_PUSH(ps->p->syscalls, ps->p->n_syscalls);
		rule->name = xstrdup(arg(ln, i)->text);
		rule->action = action;
		rule->errno_value = errno_value;
		memcpy(rule->conds, conds, sizeof(conds[0]) * n_conds);
		rule->n_conds = (unsigned)n_conds;
		rule->origin = xstrdup(ln->origin);
	}
	return 0;
}

/* memory-deny-write-execute (mdwe.h): more restrictive only; there is no way to turn it off. */
int d_memory_deny_write_execute(struct parser *ps, struct line *ln)
{
	ps->p->mdwe = true;
	free(ps->p->mdwe_origin);
	ps->p->mdwe_origin = xstrdup(ln->origin);
	return 0;
}
