/* How a run ended, as sbx reports it: on stderr for people, and as the `sbx-status:` JSON line
 * with --json. A run ends in one of two stages: "setup" (the sandbox could not be made: sbx or the
 * sandbox's pid 1 failed before COMMAND ran, exit 125) or "command" (COMMAND ran; its status is
 * sbx's, whatever it is, 125 included). */
#ifndef SBX_OUTCOME_H
#define SBX_OUTCOME_H

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "util.h"

struct discarded;

struct sandbox_outcome {
	int exit_code;        /* what sbx exits with */
	int signal;           /* COMMAND's terminating signal, or 0 */
	bool oom_killed;      /* memory.events oom_kill > 0 */
	bool pids_max_hit;    /* pids.events max > 0 */
	bool timed_out;
	unsigned long long oom_kills;        /* memory.events oom_kill */
	unsigned long long pids_max_events;  /* pids.events max: forks refused */
	const struct discarded *discarded;   /* what the sandbox wrote and lost (discarded.h), or NULL */
	const struct sbx_error *setup_error; /* why the sandbox could not be set up, or NULL: COMMAND ran */
};

/* How the sandbox ended, on stderr: the setup error (once, with its hint) when there is one;
 * nothing for a normal exit; otherwise one line such as "sbx: COMMAND was killed: out of memory
 * (memory.max 64M)", "sbx: timed out after 30s: COMMAND was stopped with SIGTERM", "sbx: pids limit
 * reached (pids.max 32): 5 forks were refused", "sbx: COMMAND was killed by signal 11 (SIGSEGV)" (the
 * last one not under --quiet). */
void outcome_report(const struct policy *p, const struct sandbox_outcome *o, FILE *out);
/* The same as one JSON object (no newline): {"exit_code":..,"signal":..,"signal_name":..,
 * "oom_killed":..,"oom_kills":..,"pids_limit_reached":..,"pids_max_events":..,"timed_out":..,
 * "timeout_ms":..,"stage":"setup"|"command","error":E[,"discarded":[..],"discarded_more":..]}, where
 * E is null or {"message":"the line on stderr without 'sbx: '","errno":N|null,"refused":B,
 * "hint":"..."|null}. */
void outcome_report_json(const struct policy *p, const struct sandbox_outcome *o, FILE *out);

#endif
