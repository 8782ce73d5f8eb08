#include "apparmor.h"
#include "plan.h"

#include <string.h>
#include <sys/apparmor.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOADED_PROFILES "/sys/kernel/security/apparmor/profiles"

/* Why AppArmor cannot confine here, from aa_is_enabled()'s errno e. */
static const char *disabled_reason(int e)
{
	switch (e) {
	case ENOSYS: return "AppArmor is not built into or not enabled in this kernel";
	case ECANCELED: return "AppArmor is built in but disabled (apparmor=0 or another LSM chosen at boot)";
	case ENOENT: return "securityfs is not mounted at /sys/kernel/security";
	case EPERM:
	case EACCES: return "AppArmor's state cannot be read here (a confined or containerised sbx)";
	default: return "AppArmor is not available";
	}
}

/* The host's side of AppArmor, into the plan's host capabilities: whether it confines here and,
 * if not, why (from aa_is_enabled()'s errno). */
static void probe_host(struct host_caps *host)
{
	host->apparmor = aa_is_enabled();
	host->apparmor_why = host->apparmor ? NULL : disabled_reason(errno);
}

/* Asks the kernel to stack NAME at the next exec in a throwaway child, which exits without one:
 * the answer to "can COMMAND be confined by it" for a user who cannot read the profile list.
 * 0 when it can, else the errno (ENOENT: not loaded). */
static int probe_stack(const char *name)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(aa_stack_onexec(name) < 0 ? errno & 0xff : 0);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

/* 1: NAME is loaded; 0: it is not; -errno: the kernel refuses to stack it for another reason.
 * The list of loaded profiles ("NAME (mode)" lines) is root's; others ask the kernel itself. */
static int profile_loaded(const char *name)
{
	_cleanup_free_ char *list = NULL;
	size_t len;
	int r = read_file(LOADED_PROFILES, &list, &len);
	if (r < 0) {
		r = probe_stack(name);
		return r == 0 ? 1 : r == ENOENT ? 0 : -r;
	}
	size_t n = strlen(name);
	for (char *line = list, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, name, n) == 0 && strncmp(line + n, " (", 2) == 0)
			return 1;
	}
	return 0;
}

int apparmor_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (!p->apparmor_profile)
		return 0;
	probe_host(&pl->host);
	const char *reason = pl->host.apparmor_why;
	int loaded = reason ? 0 : profile_loaded(p->apparmor_profile);
	if (reason)
		pl->apparmor_missing = xstrdup(reason);
	else if (loaded == 0)
		pl->apparmor_missing = xasprintf("the AppArmor profile '%s' is not loaded", p->apparmor_profile);
	else if (loaded < 0)
		pl->apparmor_missing = xasprintf("the kernel refuses to stack it: %s", strerror(-loaded));
	if (!pl->apparmor_missing)
		return 0;
	if (p->apparmor == REQ_OPTIONAL) {
		if (!p->quiet)
			sbx_warn("AppArmor profile '%s' not applied (optional): %s", p->apparmor_profile,
				 pl->apparmor_missing);
		return 0;
	}
	sbx_refuse(err, "cannot confine with the AppArmor profile '%s' [%s]: %s", p->apparmor_profile,
		 p->apparmor_origin ? p->apparmor_origin : "?", pl->apparmor_missing);
	sbx_hint(err, reason ? "mark it optional in the profile (apparmor NAME optional) to run without it"
			     : "load it with apparmor_parser -r FILE, or mark it optional (apparmor NAME optional)");
	return -EPERM;
}

int apparmor_apply(const struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	if (!p->apparmor_profile || pl->apparmor_missing)
		return 0;
	if (aa_stack_onexec(p->apparmor_profile) < 0)
		return sbx_fail(err, errno, "cannot stack the AppArmor profile '%s'", p->apparmor_profile);
	return 0;
}

void apparmor_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	if (!p->apparmor_profile) {
		fputs("apparmor: none requested (the profile has no apparmor line)\n", out);
		return;
	}
	if (pl->apparmor_missing)
		fprintf(out, "apparmor: profile '%s' NOT applied (%s): %s  [%s]\n", p->apparmor_profile,
			p->apparmor == REQ_OPTIONAL ? "optional" : "required: sbx refuses to run",
			pl->apparmor_missing, p->apparmor_origin ? p->apparmor_origin : "");
	else
		fprintf(out, "apparmor: profile '%s' stacked on COMMAND at exec (%s)  [%s]\n", p->apparmor_profile,
			requirement_to_string(p->apparmor),
			p->apparmor_origin ? p->apparmor_origin : "");
}

void apparmor_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	if (!p->apparmor_profile) {
		fputs("null", out);
		return;
	}
	fputs("{\"profile\":", out);
	json_string(out, p->apparmor_profile);
	fprintf(out, ",\"required\":%s,\"enforced\":%s,\"missing\":", p->apparmor == REQ_OPTIONAL ? "false" : "true",
		pl->apparmor_missing ? "false" : "true");
	if (pl->apparmor_missing)
		json_string(out, pl->apparmor_missing);
	else
		fputs("null", out);
	fputc('}', out);
}
