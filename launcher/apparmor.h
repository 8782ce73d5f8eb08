/* Per-app AppArmor confinement. A profile's `apparmor NAME` stacks the loaded AppArmor profile NAME
 * on COMMAND at its exec (aa_stack_onexec): stacking only ever narrows, so it is allowed under
 * no_new_privs and never undoes sbx's own layers. Where AppArmor is off, or NAME is not loaded,
 * sbx refuses to run unless the profile marks the confinement optional. */
#ifndef SBX_APPARMOR_H
#define SBX_APPARMOR_H

#include <stdio.h>

#include "policy.h"

struct sandbox_plan;

/* Parent side, before anything runs: checks that AppArmor is on and NAME is loaded. When it is not,
 * records why in the plan's apparmor_missing and refuses (-EPERM) unless the confinement is
 * optional, in which case it warns. */
int apparmor_plan(struct sandbox_plan *pl, struct sbx_error *err);

/* Sandbox side, with the new /proc mounted: arms the stacking for the next exec (inherited by the
 * fork that execs COMMAND). */
int apparmor_apply(const struct sandbox_plan *pl, struct sbx_error *err);

void apparmor_explain(const struct sandbox_plan *pl, FILE *out);
void apparmor_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
