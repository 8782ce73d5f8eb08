#include "outcome.h"

#include <limits.h>
#include <signal.h>
#include <string.h>

#include "discarded.h"
#include "rlimits.h"

static bool is_limit(unsigned long long v) { return v && v != ULLONG_MAX; }

static const char *signal_name(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, size, "SIG%s", abbrev);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

void outcome_report(const struct policy *p, const struct sandbox_outcome *o, FILE *out)
{
	if (o->setup_error)
		sbx_report_to(o->setup_error, out);
	const char *cmd = p->argv && p->argv[0] ? p->argv[0] : "COMMAND";
	char sig[32], v[32];
	if (o->timed_out) {
		duration_format(p->timeout_ms, v, sizeof(v));
		if (o->signal)
			fprintf(out, "sbx: timed out after %s: %s was stopped with %s\n", v, cmd,
				signal_name(o->signal, sig, sizeof(sig)));
		else
			fprintf(out, "sbx: timed out after %s: %s was stopped\n", v, cmd);
	}
	if (o->oom_killed) {
		char limit[48] = "the cgroup memory limit";
		if (is_limit(p->cgroup.memory_max)) {
			size_format(p->cgroup.memory_max, v, sizeof(v));
			snprintf(limit, sizeof(limit), "memory.max %s", v);
		}
		if (o->signal == SIGKILL)
			fprintf(out, "sbx: %s was killed: out of memory (%s)\n", cmd, limit);
		else
			fprintf(out, "sbx: a process in the sandbox was killed: out of memory (%s)\n", limit);
	}
	if (o->pids_max_hit)
		fprintf(out, "sbx: pids limit reached (pids.max %llu): %llu fork%s refused\n",
			p->cgroup.pids_max, o->pids_max_events, o->pids_max_events == 1 ? " was" : "s were");
	if (o->signal && !o->timed_out && !o->oom_killed && !p->quiet)
		fprintf(out, "sbx: %s was killed by signal %d (%s)\n", cmd, o->signal,
			signal_name(o->signal, sig, sizeof(sig)));
}

static void error_json(const struct sbx_error *err, FILE *out)
{
	char text[sizeof(err->msg) + 128];
	sbx_error_text(err, text, sizeof(text));
	fputs("{\"message\":", out);
	json_string(out, text);
	if (err->code > 0)
		fprintf(out, ",\"errno\":%d", err->code);
	else
		fputs(",\"errno\":null", out);
	fprintf(out, ",\"refused\":%s,\"hint\":", err->refused ? "true" : "false");
	if (err->hint[0])
		json_string(out, err->hint);
	else
		fputs("null", out);
	fputc('}', out);
}

void outcome_report_json(const struct policy *p, const struct sandbox_outcome *o, FILE *out)
{
	char sig[32];
	fprintf(out, "{\"exit_code\":%d,\"signal\":", o->exit_code);
	if (o->signal)
		fprintf(out, "%d,\"signal_name\":\"%s\"", o->signal, signal_name(o->signal, sig, sizeof(sig)));
	else
		fputs("null,\"signal_name\":null", out);
	fprintf(out,
		",\"oom_killed\":%s,\"oom_kills\":%llu,\"pids_limit_reached\":%s,\"pids_max_events\":%llu"
		",\"timed_out\":%s,\"timeout_ms\":%llu",
		o->oom_killed ? "true" : "false", o->oom_kills, o->pids_max_hit ? "true" : "false",
		o->pids_max_events, o->timed_out ? "true" : "false", p->timeout_ms);
	fprintf(out, ",\"stage\":\"%s\",\"error\":", o->setup_error ? "setup" : "command");
	if (o->setup_error)
		error_json(o->setup_error, out);
	else
		fputs("null", out);
	if (o->discarded)
		discarded_report_json(o->discarded, out);
	fputc('}', out);
}
