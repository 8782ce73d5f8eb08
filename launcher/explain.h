/* --explain: what the sandbox will be, in plain words or JSON, without running anything: the
 * plan, as plan_build made it (explain never probes the host or applies anything itself). */
#ifndef SBX_EXPLAIN_H
#define SBX_EXPLAIN_H

#include <stdio.h>

#include "plan.h"

void explain_text(const struct sandbox_plan *pl, FILE *out);
void explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
