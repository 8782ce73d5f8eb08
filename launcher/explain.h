/* --explain: what the sandbox will be, in plain words or JSON, without running anything. */
#ifndef SBX_EXPLAIN_H
#define SBX_EXPLAIN_H

#include <stdio.h>

#include "mount.h"
#include "policy.h"
#include "userns.h"

void explain_text(const struct policy *p, const struct identity *id, const struct mount_plan *plan,
		  FILE *out);
void explain_json(const struct policy *p, const struct identity *id, const struct mount_plan *plan,
		  FILE *out);

#endif
