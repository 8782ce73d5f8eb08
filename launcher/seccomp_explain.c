/* --explain and --json for the seccomp layer: what each filter denies, the relaxations, the
 * profile's rules. Prints what seccomp.c and seccomp_always_on.c build; probes nothing. */
#include <seccomp.h>
#include <stdio.h>

#include "memfd_guard.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "x11.h"
#include "plan.h"

static const char *arch_text(const struct policy *p)
{
	if (!multiarch_extra(p))
		return "native only; other ABIs (i386 int 0x80, x32) kill the process";
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64:
		return "x86_64 + i386 + x32 (relaxation 'multiarch'); i386 socketcall() cannot be "
		       "argument-filtered, so 32-bit programs using it are not held to the socket families";
	case SCMP_ARCH_AARCH64:
		return "aarch64 + arm (relaxation 'multiarch')";
	}
	return "native only (multiarch has no second ABI here)";
}

struct name_printer {
	FILE *out;
	bool json;
	bool native_only;  /* leave out names only other ABIs have (umount, stime on x86_64) */
	size_t n;
};

static int print_name(const char *name, void *userdata)
{
	struct name_printer *np = userdata;
	if (!syscall_known(name) || resolve_syscall(name, np->native_only) == __NR_SCMP_ERROR)
		return 0;
	if (np->json)
		fprintf(np->out, "%s\"%s\"", np->n ? "," : "", name);
	else
		fprintf(np->out, "%s%s", np->n ? " " : "", name);
	np->n++;
	return 0;
}

static void relax_list(const struct policy *p, FILE *out, bool json)
{
	size_t n = 0;
	for (unsigned bit = RELAX_DEVEL; bit <= RELAX_JIT; bit <<= 1)
		if (p->relax & bit)
			fprintf(out, json ? "%s\"%s\"" : "%s%s", n++ ? (json ? "," : " ") : "", relax_name(bit));
	if (!n && !json)
		fputs("none", out);
}


static void print_rule_text(const struct seccomp_rule *r, FILE *out)
{
	fprintf(out, "    %s", action_name(r->action));
	if (r->action == SC_ERRNO)
		fprintf(out, " %s", errno_name(r->errno_value));
	fprintf(out, " %s", r->name);
	for (unsigned c = 0; c < r->n_conds && c < ARRAY_SIZE(r->conds); c++) {
		const struct seccomp_arg_cond *ac = &r->conds[c];
		if (ac->op == SC_CMP_MASKED_EQ)
			fprintf(out, " arg%u&%#llx==%#llx", ac->arg, ac->mask, ac->value);
		else
			fprintf(out, " arg%u%s%#llx", ac->arg, cmp_name(ac->op), ac->value);
	}
	fprintf(out, "  [%s]\n", origin_or(r->origin));
}

void seccomp_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	bool has_profile = profile_layer_needed(p);
	fprintf(out, "  loaded just before exec of COMMAND; %s\n",
		seccomp_layer_count(pl) == 2 ? "two stacked filters (always-on, then the profile's rules)"
					    : "one filter (always-on protections)");
	fprintf(out, "  architectures: %s\n", arch_text(p));
	fputs("  relaxations: ", out);
	relax_list(p, out, false);
	fputc('\n', out);
	fputs("  always-on denials:\n", out);
	for (size_t i = 0; i < n_always_on_denied; i++) {
		const struct always_on *a = &always_on_denied[i];
		bool lifted = a->lifted_by & p->relax;
		fprintf(out, "    %s %s: ", lifted ? "LIFTED" : errno_name(a->errno_value), a->why);
		struct name_printer np = { .out = out, .native_only = !has_compat_set(p) };
		for_each_name(a->names, print_name, &np);
		if (lifted)
			fprintf(out, " (by '%s')", relax_name(a->lifted_by));
		fputc('\n', out);
	}
	fprintf(out, "    %s clone/unshare with CLONE_NEW* flags (nested namespaces)%s\n",
		p->relax & RELAX_USERNS ? "LIFTED" : "EPERM",
		p->relax & RELAX_USERNS ? " (by 'userns')" : "");
	fputs("    EPERM ioctl TIOCSTI TIOCLINUX TIOCSETD TIOCEXCL, low 32 bits compared (terminal input "
	      "injection, line discipline, exclusive mode)\n", out);
	fprintf(out, "    %s personality other than PER_LINUX%s\n", p->relax & RELAX_DEVEL ? "LIFTED" : "EPERM",
		p->relax & RELAX_DEVEL ? " (by 'devel')" : "");
	bool jit = p->relax & (RELAX_JIT | RELAX_DEVEL);
	fprintf(out, "    %s memfd_create with MFD_EXEC and execveat with AT_EMPTY_PATH (fexecve): code that is "
		     "not a file in the view%s\n", jit ? "LIFTED" : "EACCES",
		!jit ? "" : p->relax & RELAX_JIT ? " (by 'jit')" : " (by 'devel')");
	if (pl->memfd_guard == MEMFD_GUARD_ON)
		fputs("    NOTIFY memfd_create with neither MFD_EXEC nor MFD_NOEXEC_SEAL: sbx's init makes "
		      "the memfd with MFD_NOEXEC_SEAL\n", out);
	fputs("    EAFNOSUPPORT socket families other than AF_UNSPEC AF_UNIX AF_INET AF_INET6 AF_NETLINK\n",
	      out);
	if (x11_abstract_refusal(pl) == X11_ABSTRACT_NOTIFY)
		fprintf(out, "    NOTIFY connect with an address of %u bytes, the length of the X server's "
			     "abstract socket name (socket x11 with the host's network): sbx's init refuses that "
			     "name with ECONNREFUSED and lets other addresses through\n", pl->x11.abstract_addrlen);
	else if (x11_abstract_refusal(pl) == X11_ABSTRACT_ERRNO)
		fprintf(out, "    ECONNREFUSED connect with an address of %u bytes, the length of the X server's "
			     "abstract socket name (socket x11 with the host's network; also any other Unix "
			     "address of that length)\n", pl->x11.abstract_addrlen);
	if (has_compat_set(p))
		fputs("    (32-bit ABIs: syscalls newer than libseccomp, e.g. open_tree_attr, are left to the "
		      "kernel)\n", out);
	fprintf(out, "  executable memfds: %s", memfd_guard_text(pl->memfd_guard));
	if (pl->memfd_guard_why)
		fprintf(out, " (%s)", pl->memfd_guard_why);
	fputc('\n', out);
	if (!has_profile) {
		fputs("  profile rules: none\n", out);
		return;
	}
	fprintf(out, "  profile rules: %s, default %s\n", p->syscall_allowlist ? "allowlist" : "denylist",
		p->syscall_allowlist ? "ENOSYS (plus @sbx-launch, which the launcher needs)" : "allow");
	for (size_t i = 0; i < p->n_syscalls; i++)
		print_rule_text(&p->syscalls[i], out);
	if (!p->syscall_allowlist && seccomp_layer_count(pl) == 1)
		fputs("    (none of these changes an answer of the always-on filter: no second filter)\n", out);
	size_t kept = kept_denied_count(p);
	if (kept)
		fprintf(out, "    (%zu syscalls allowed through groups stay denied by the always-on "
			     "protections)\n", kept);
}

void seccomp_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	bool has_profile = profile_layer_needed(p);
	fprintf(out, "{\"filters\":%zu,\"multiarch\":%s,\"bad_arch\":\"kill-process\",\"relax\":[",
		seccomp_layer_count(pl), multiarch_extra(p) ? "true" : "false");
	relax_list(p, out, true);
	fputs("],\"always_on\":[", out);
	for (size_t i = 0; i < n_always_on_denied; i++) {
		const struct always_on *a = &always_on_denied[i];
		fprintf(out, "%s{\"why\":", i ? "," : "");
		json_string(out, a->why);
		fprintf(out, ",\"errno\":\"%s\",\"lifted\":%s,\"syscalls\":[", errno_name(a->errno_value),
			a->lifted_by & p->relax ? "true" : "false");
		struct name_printer np = { .out = out, .json = true, .native_only = !has_compat_set(p) };
		for_each_name(a->names, print_name, &np);
		fputs("]}", out);
	}
	fprintf(out, ",{\"why\":\"nested namespaces\",\"errno\":\"EPERM\",\"lifted\":%s,"
		     "\"syscalls\":[\"clone\",\"unshare\"],\"args\":\"CLONE_NEW*\"}",
		p->relax & RELAX_USERNS ? "true" : "false");
	fputs(",{\"why\":\"terminal input injection, line discipline, exclusive mode\",\"errno\":\"EPERM\","
	      "\"lifted\":false,\"syscalls\":[\"ioctl\"],\"args\":\"TIOCSTI TIOCLINUX TIOCSETD TIOCEXCL (low 32 bits)\"}",
	      out);
	fprintf(out, ",{\"why\":\"personality\",\"errno\":\"EPERM\",\"lifted\":%s,"
		     "\"syscalls\":[\"personality\"],\"args\":\"!= PER_LINUX\"}",
		p->relax & RELAX_DEVEL ? "true" : "false");
	fprintf(out, ",{\"why\":\"executable memfds and fexecve\",\"errno\":\"EACCES\",\"lifted\":%s,"
		     "\"syscalls\":[\"memfd_create\",\"execveat\"],\"args\":\"MFD_EXEC; AT_EMPTY_PATH\"}",
		p->relax & (RELAX_JIT | RELAX_DEVEL) ? "true" : "false");
	fputs(",{\"why\":\"socket families\",\"errno\":\"EAFNOSUPPORT\",\"lifted\":false,"
	      "\"syscalls\":[\"socket\"],\"args\":\"family not in AF_UNSPEC AF_UNIX AF_INET AF_INET6 "
	      "AF_NETLINK\"}", out);
	if (x11_abstract_refusal(pl) != X11_ABSTRACT_NONE)
		fprintf(out, ",{\"why\":\"the X server's abstract socket (socket x11, host network)\","
			     "\"errno\":\"ECONNREFUSED\",\"lifted\":false,\"syscalls\":[\"connect\"],"
			     "\"args\":\"address length %u%s\"}", pl->x11.abstract_addrlen,
			x11_abstract_refusal(pl) == X11_ABSTRACT_NOTIFY ? ", that name only (sbx's init)" : "");
	fputc(']', out);
	static const char *const guard_states[] = {
		[MEMFD_GUARD_UNPLANNED] = "unchecked", [MEMFD_GUARD_ON] = "blocked",
		[MEMFD_GUARD_LIFTED] = "allowed", [MEMFD_GUARD_UNAVAILABLE] = "open",
	};
	fprintf(out, ",\"executable_memfds\":{\"state\":\"%s\",\"text\":", guard_states[pl->memfd_guard]);
	json_string(out, memfd_guard_text(pl->memfd_guard));
	fputs(",\"why\":", out);
	if (pl->memfd_guard_why)
		json_string(out, pl->memfd_guard_why);
	else
		fputs("null", out);
	fputc('}', out);
	if (!has_profile) {
		fputs(",\"profile\":null}", out);
		return;
	}
	fprintf(out, ",\"profile\":{\"mode\":\"%s\",\"default\":\"%s\",\"kept_denied\":%zu,\"rules\":[",
		p->syscall_allowlist ? "allowlist" : "denylist", p->syscall_allowlist ? "ENOSYS" : "allow",
		kept_denied_count(p));
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct seccomp_rule *r = &p->syscalls[i];
		fprintf(out, "%s{\"name\":", i ? "," : "");
		json_string(out, r->name);
		fprintf(out, ",\"action\":\"%s\"", action_name(r->action));
		if (r->action == SC_ERRNO)
			fprintf(out, ",\"errno\":%d", r->errno_value);
		fputs(",\"conditions\":[", out);
		for (unsigned c = 0; c < r->n_conds && c < ARRAY_SIZE(r->conds); c++)
			fprintf(out, "%s{\"arg\":%u,\"op\":\"%s\",\"value\":%llu,\"mask\":%llu}", c ? "," : "",
				r->conds[c].arg, cmp_name(r->conds[c].op), r->conds[c].value, r->conds[c].mask);
		fputs("],\"origin\":", out);
		json_string(out, origin_or(r->origin));
		fputc('}', out);
	}
	fputs("]}}", out);
}
