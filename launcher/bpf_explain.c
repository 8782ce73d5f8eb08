/* --explain for the eBPF policies: which cgroup programs and rules the plan attaches, which it
 * skips or refuses, and why (bpf.h). */
#include "bpf.h"
#include "bpf_internal.h"
#include "netrules.h"
#include "plan.h"

static void print_rule_list(const struct policy *p, FILE *out, const char *how)
{
	for (size_t i = 0; i < p->n_net_rules; i++) {
		const struct net_addr_rule *r = &p->net_rules[i];
		char text[96];
		net_rule_format(r, text, sizeof(text));
		fprintf(out, "    %-7s %-32s %s  [%s]\n", r->bind ? "bind" : "connect", text,
			how ? how : (net_rule_needs_address(r) ? "widened to its ports on any address"
							       : "as Landlock TCP port rules"),
			r->origin ? r->origin : "cli");
	}
}

static void print_devices(const struct sandbox_plan *pl, FILE *out)
{
	struct dev_list l = { 0 };
	bpf_dev_list_build(pl, &l);
	fputs("  devices: cgroup/dev allows read/write on", out);
	for (unsigned i = 0; i < l.n; i++) {
		const struct sbx_dev_rule *r = &l.rules[i];
		if (r->minor_lo == r->minor_hi)
			fprintf(out, " %c%u:%u", r->type == 2 ? 'c' : 'b', r->major, r->minor_lo);
		else
			fprintf(out, " %c%u:*", r->type == 2 ? 'c' : 'b', r->major);
	}
	fprintf(out, "%s; every other device node and mknod fail with EPERM\n",
		l.overflow ? " (too many: the run will fail)" : "");
}

/* Where a file rule stands: "enforced", "skipped" (a missing -try path), "not enforced"
 * (optional, BPF-LSM unavailable) or "refused" (sbx will not run). */
static const char *lsm_rule_status(const struct policy *p, const struct lsm_target *t, bool available)
{
	if (!t->resolved)
		return "skipped";
	if (available)
		return "enforced";
	return p->lsm_rules_requirement == REQ_OPTIONAL ? "not enforced" : "refused";
}

static void explain_lsm_rules(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	if (p->n_lsm_rules == 0) {
		fputs("  file rules: none (no exec-allow or open-deny)\n", out);
		return;
	}
	const char *why = pl->host.bpf_lsm_why;
	bool available = pl->host.bpf_lsm;
	if (available)
		fputs("  file rules: enforced by lsm_cgroup/bprm_check_security (exec-allow: only these "
		      "files may be executed, a script's interpreter too) and lsm_cgroup/file_open "
		      "(open-deny: the file or anything below the directory), EPERM; needs the sandbox "
		      "cgroup:\n", out);
	else if (p->lsm_rules_requirement == REQ_OPTIONAL)
		fprintf(out, "  file rules: NOT enforced (optional): %s\n", why);
	else
		fprintf(out, "  file rules: NOT enforced, so sbx refuses to run (make them optional to run "
			     "without them): %s\n", why);
	for (size_t i = 0; i < p->n_lsm_rules; i++) {
		const struct lsm_rule *r = &p->lsm_rules[i];
		const struct lsm_target *t = &pl->lsm_targets[i];
		char id[64] = "missing";
		if (t->resolved)
			snprintf(id, sizeof(id), "dev %llu:%llu ino %llu", t->dev >> 20, t->dev & 0xfffff, t->ino);
		fprintf(out, "    %-10s %-32s %s (%s)  [%s]\n", lsm_rule_kind_name(r->kind), r->path,
			lsm_rule_status(p, t, available), id, r->origin ? r->origin : "command line");
	}
}

void bpf_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	const char *why = pl->host.cgroup_bpf_why, *lsm_why = pl->host.lsm_loads_why;
	int cg = pl->host.cgroup_bpf ? 0 : -1, lsm = pl->host.lsm_loads ? 0 : -1;
	fprintf(out, "ebpf: %s\n", cg == 0 ? "used (cgroup programs load here)" : "not used");
	if (cg < 0)
		fprintf(out, "  why: %s\n", why);
	if (p->n_net_rules == 0) {
		fputs("  network rules: none (no connect/sendmsg/bind programs)\n", out);
	} else if (cg == 0) {
		fputs("  network: cgroup/connect4, connect6, sendmsg4, sendmsg6, bind4, bind6 allow only "
		      "these (TCP and UDP; a bind to port 0 picks an ephemeral port and is allowed); "
		      "cgroup/sock_create allows only TCP and UDP sockets; needs the sandbox cgroup:\n",
		      out);
		print_rule_list(p, out, "enforced by eBPF");
	} else if (p->net_rules_requirement == REQ_OPTIONAL) {
		fputs("  network: skipped eBPF; rules enforced as Landlock TCP port rules on any address "
		      "(UDP and addresses are not restricted):\n", out);
		print_rule_list(p, out, NULL);
	} else {
		bool refused = false;
		for (size_t i = 0; i < p->n_net_rules; i++)
			refused |= net_rule_needs_address(&p->net_rules[i]);
		fprintf(out, "  network: skipped eBPF; %s\n",
			refused ? "rules name addresses, so sbx refuses to run (make them optional to widen "
				  "them to ports)"
				: "rules enforced as Landlock TCP port rules (UDP is not restricted):");
		for (size_t i = 0; i < p->n_net_rules; i++) {
			const struct net_addr_rule *r = &p->net_rules[i];
			char text[96];
			net_rule_format(r, text, sizeof(text));
			fprintf(out, "    %-7s %-32s %s  [%s]\n", r->bind ? "bind" : "connect", text,
				net_rule_needs_address(r) ? "REFUSED: needs eBPF" : "Landlock TCP port",
				r->origin ? r->origin : "cli");
		}
	}
	if (cg == 0)
		print_devices(pl, out);
	else
		fputs("  devices: no cgroup/dev program (needs root); the sandbox's /dev holds only the "
		      "default nodes and --dev-bind grants\n", out);
	fprintf(out, "  bpf-lsm (file open/exec rules): %s: %s\n", lsm == 0 ? "available" : "not used",
		lsm_why);
	explain_lsm_rules(pl, out);
}

void bpf_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	const char *why = pl->host.cgroup_bpf_why, *lsm_why = pl->host.lsm_loads_why;
	int cg = pl->host.cgroup_bpf ? 0 : -1, lsm = pl->host.lsm_loads ? 0 : -1;
	fprintf(out, "{\"cgroup_programs\":%s,\"why\":", cg == 0 ? "true" : "false");
	json_string(out, why);
	bool refused = false;
	for (size_t i = 0; cg < 0 && p->net_rules_requirement != REQ_OPTIONAL && i < p->n_net_rules; i++)
		refused |= net_rule_needs_address(&p->net_rules[i]);
	fprintf(out, ",\"network\":{\"enforced_by\":\"%s\",\"requirement\":\"%s\",\"refused\":%s,\"rules\":[",
		p->n_net_rules == 0 ? "none" : cg == 0 ? "ebpf" : "landlock",
		requirement_to_string(p->net_rules_requirement),
		refused ? "true" : "false");
	for (size_t i = 0; i < p->n_net_rules; i++) {
		const struct net_addr_rule *r = &p->net_rules[i];
		char text[96];
		net_rule_format(r, text, sizeof(text));
		const char *status = cg == 0 ? "attached"
				     : !net_rule_needs_address(r) ? "landlock"
				     : p->net_rules_requirement == REQ_OPTIONAL ? "widened"
										: "refused";
		fprintf(out, "%s{\"kind\":\"%s\",\"rule\":", i ? "," : "", r->bind ? "bind" : "connect");
		json_string(out, text);
		fprintf(out, ",\"status\":\"%s\",\"origin\":", status);
		json_string(out, r->origin ? r->origin : "cli");
		fputc('}', out);
	}
	fputs("]},\"devices\":{\"enforced\":", out);
	if (cg == 0) {
		struct dev_list l = { 0 };
		bpf_dev_list_build(pl, &l);
		fputs("true,\"allow\":[", out);
		for (unsigned i = 0; i < l.n; i++) {
			const struct sbx_dev_rule *r = &l.rules[i];
			char buf[48];
			if (r->minor_lo == r->minor_hi)
				snprintf(buf, sizeof(buf), "%c%u:%u", r->type == 2 ? 'c' : 'b', r->major, r->minor_lo);
			else
				snprintf(buf, sizeof(buf), "%c%u:*", r->type == 2 ? 'c' : 'b', r->major);
			fprintf(out, "%s\"%s\"", i ? "," : "", buf);
		}
		fputc(']', out);
	} else {
		fputs("false", out);
	}
	fprintf(out, "},\"lsm\":{\"available\":%s,\"why\":", lsm == 0 ? "true" : "false");
	json_string(out, lsm_why);
	const char *rules_why = pl->host.bpf_lsm_why;
	bool available = pl->host.bpf_lsm;
	fprintf(out, ",\"rules\":{\"enforced\":%s,\"requirement\":\"%s\",\"refused\":%s,\"why\":",
		available && p->n_lsm_rules > 0 ? "true" : "false",
		requirement_to_string(p->lsm_rules_requirement),
		!available && p->n_lsm_rules > 0 && p->lsm_rules_requirement != REQ_OPTIONAL ? "true" : "false");
	json_string(out, rules_why);
	fputs(",\"rules\":[", out);
	for (size_t i = 0; i < p->n_lsm_rules; i++) {
		const struct lsm_rule *r = &p->lsm_rules[i];
		fprintf(out, "%s{\"kind\":\"%s\",\"path\":", i ? "," : "", lsm_rule_kind_name(r->kind));
		json_string(out, r->path);
		const struct lsm_target *t = &pl->lsm_targets[i];
		fprintf(out, ",\"status\":\"%s\"", lsm_rule_status(p, t, available));
		if (t->resolved)
			fprintf(out, ",\"dev\":\"%llu:%llu\",\"ino\":%llu", t->dev >> 20, t->dev & 0xfffff, t->ino);
		fputs(",\"origin\":", out);
		json_string(out, r->origin ? r->origin : "command line");
		fputc('}', out);
	}
	fputs("]}}}", out);
}
