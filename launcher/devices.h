/* device dri | snd | video (and device-try): a class of the host's device nodes, dev-bound at the
 * same place inside the sandbox's minimal /dev.
 *
 * - dri: /dev/dri (every card and render node; and /dev/nvidia* where present), and read-only the
 *   sysfs pieces Mesa and libdrm read to identify the GPU: /sys/dev/char (the links from device
 *   numbers) and each DRI node's device directory under /sys/devices (vendor and device ids, its
 *   drm/ children). Flatpak binds all of /sys/devices; sbx binds only the GPUs'.
 * - snd: /dev/snd (ALSA: every card's PCM, control, timer and sequencer nodes).
 * - video: /dev/video* and /dev/media* (V4L2 cameras and capture devices).
 *
 * A class with no node here refuses the run, in one line, unless it is granted with device-try
 * (--device-try): then nothing is bound, and a note says so. */
#ifndef SBX_DEVICES_H
#define SBX_DEVICES_H

#include <stdio.h>

#include "policy.h"

/* "dri", "snd" or "video": the index (SBX_DEV_*), or -ENOENT. */
int devices_parse(const char *name);

/* Records the grant (a later line wins). */
void devices_grant(struct policy *p, int which, bool optional, const char *origin);

struct sandbox_plan;

/* What devices_plan found for one granted class (plan.h). */
struct device_session {
	char *skipped;  /* device-try, and no node here: why */
	char *refused;  /* --explain: why a run would be refused here */
};

/* Finds the nodes of each granted class, adds their binds to the plan. 0 or -errno with err
 * filled; under explain a refusal is recorded for --explain instead. */
int devices_plan(struct sandbox_plan *pl, struct sbx_error *err);

void devices_explain(const struct sandbox_plan *pl, FILE *out);
void devices_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
