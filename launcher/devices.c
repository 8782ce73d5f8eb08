/* device dri | snd | video: see devices.h. */
#include "devices.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "hostpath.h"
#include "plan.h"

static const char *const names[SBX_N_DEVS] = { "dri", "snd", "video" };

static const char *const implies[SBX_N_DEVS] = {
	("the GPU's card and render nodes (/dev/dri): rendering and compute on the GPU, its memory "
	"allocations, and on card nodes the display modesetting ioctls a non-master client may use; "
	"read-only sysfs: /sys/dev/char and the GPUs' device directories"),
	("every ALSA sound card (/dev/snd): playback and capture straight to the hardware, bypassing the "
	"sound server, and the cards' mixer controls"),
	("every camera and capture device (/dev/video*, /dev/media*): recording without asking"),
};

int devices_parse(const char *name)
{
	for (int i = 0; i < SBX_N_DEVS; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -ENOENT;
}

void devices_grant(struct policy *p, int which, bool optional, const char *origin)
{
	struct device_grant *g = &p->devices[which];
	g->on = true;
	g->optional = optional;
	free(g->origin);
	g->origin = xstrdup(origin);
}

/* dri: the sysfs directory of a character device's parent device (the GPU), read-only, for
 * libdrm's drmGetDevice; once per GPU. */
static void add_sysfs_of(struct sandbox_plan *pl, const char *node, const char *origin)
{
	struct stat st;
	if (stat(node, &st) < 0 || !S_ISCHR(st.st_mode))
		return;
	char link[64];
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device", major(st.st_rdev), minor(st.st_rdev));
	_cleanup_free_ char *real = canonical_path(link);
	if (!real || strncmp(real, "/sys/devices/", 13) != 0)
		return;
	for (size_t i = 0; i < pl->n_mounts; i++)
		if (pl->mounts[i].src && strcmp(pl->mounts[i].src, real) == 0)
			return;
	plan_add_mount(pl, MOUNT_RO_BIND, real, real, true, origin);
}

static int plan_one(struct sandbox_plan *pl, int which, struct sbx_error *err)
{
	const struct device_grant *g = &pl->policy->devices[which];
	const char *origin = g->origin ? g->origin : "command line";
	size_t before = pl->n_mounts;
	struct stat st;
	if (which == SBX_DEV_DRI || which == SBX_DEV_SND) {
		const char *dir = which == SBX_DEV_DRI ? "/dev/dri" : "/dev/snd";
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			plan_add_mount(pl, MOUNT_DEV_BIND, dir, dir, false, origin);
	}
	static const char *const patterns[SBX_N_DEVS][2] = {
		{ "/dev/nvidia*", NULL },
		{ NULL, NULL },
		{ "/dev/video*", "/dev/media*" },
	};
	for (size_t k = 0; k < 2 && patterns[which][k]; k++) {
		glob_t gl = { 0 };
		if (glob(patterns[which][k], GLOB_NOSORT, NULL, &gl) == 0)
			for (size_t i = 0; i < gl.gl_pathc; i++)
				if (lstat(gl.gl_pathv[i], &st) == 0 && S_ISCHR(st.st_mode))
					plan_add_mount(pl, MOUNT_DEV_BIND, gl.gl_pathv[i], gl.gl_pathv[i], false, origin);
		globfree(&gl);
	}
	if (pl->n_mounts == before) {
		const char *why = which == SBX_DEV_DRI ? "no /dev/dri here (no GPU driver loaded)"
				  : which == SBX_DEV_SND ? "no /dev/snd here (no ALSA sound card)"
							  : "no /dev/video* or /dev/media* here (no camera)";
		if (g->optional) {
			free(pl->devices[which].skipped);
			pl->devices[which].skipped = xstrdup(why);
			return 0;
		}
		sbx_fail(err, 0, "device %s (%s): %s", names[which], origin, why);
		sbx_hint(err, "'device-try %s' (--device-try %s) runs without it", names[which], names[which]);
		return -ENODEV;
	}
	if (which == SBX_DEV_DRI) {
		if (stat("/sys/dev/char", &st) == 0)
			plan_add_mount(pl, MOUNT_RO_BIND, "/sys/dev/char", "/sys/dev/char", true, origin);
		glob_t gl = { 0 };
		if (glob("/dev/dri/*", 0, NULL, &gl) == 0)
			for (size_t i = 0; i < gl.gl_pathc; i++)
				add_sysfs_of(pl, gl.gl_pathv[i], origin);
		globfree(&gl);
	}
	return 0;
}

int devices_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	for (int i = 0; i < SBX_N_DEVS; i++) {
		if (!pl->policy->devices[i].on)
			continue;
		int r = plan_one(pl, i, err);
		if (r < 0 && pl->explain) {
			free(pl->devices[i].refused);
			pl->devices[i].refused = xstrdup(err->msg);
			*err = (struct sbx_error){ 0 };
			continue;
		}
		if (r < 0)
			return r;
		if (pl->devices[i].skipped && !pl->explain && !pl->policy->quiet)
			sbx_note("device-try %s: not granted: %s", names[i], pl->devices[i].skipped);
	}
	return 0;
}

/* ---- explaining ---- */

/* The binds a grant added: those of its origin whose source belongs to the class. */
static bool belongs(int which, const char *src)
{
	if (which == SBX_DEV_DRI)
		return strncmp(src, "/dev/dri", 8) == 0 || strncmp(src, "/dev/nvidia", 11) == 0 ||
		       strncmp(src, "/sys/", 5) == 0;
	if (which == SBX_DEV_SND)
		return strcmp(src, "/dev/snd") == 0;
	return strncmp(src, "/dev/video", 10) == 0 || strncmp(src, "/dev/media", 10) == 0;
}

static void list_nodes(const struct sandbox_plan *pl, int which, FILE *out, bool json)
{
	const struct device_grant *g = &pl->policy->devices[which];
	bool first = true;
	for (size_t i = 0; i < pl->n_mounts; i++) {
		const struct mount_entry *m = &pl->mounts[i];
		if (!m->src || !m->origin || !g->origin || strcmp(m->origin, g->origin) != 0 || !belongs(which, m->src))
			continue;
		if (json) {
			if (!first)
				fputc(',', out);
			json_string(out, m->src);
		} else {
			fprintf(out, " %s%s", m->src, m->kind == MOUNT_RO_BIND ? " (ro)" : "");
		}
		first = false;
	}
}

void devices_explain(const struct sandbox_plan *pl, FILE *out)
{
	bool any = false;
	for (int i = 0; i < SBX_N_DEVS; i++) {
		const struct device_grant *g = &pl->policy->devices[i];
		const struct device_session *ds = &pl->devices[i];
		if (!g->on)
			continue;
		any = true;
		const char *origin = g->origin ? g->origin : "command line";
		const char *word = g->optional ? "device-try" : "device";
		if (ds->refused) {
			fprintf(out, "%s %s: REFUSED here, nothing would start: %s  [%s]\n", word, names[i], ds->refused,
				origin);
		} else if (ds->skipped) {
			fprintf(out, "%s %s: not granted: %s  [%s]\n", word, names[i], ds->skipped, origin);
		} else {
			fprintf(out, "%s %s:", word, names[i]);
			list_nodes(pl, i, out, false);
			fprintf(out, "  [%s]\n", origin);
		}
		fprintf(out, "  gives: %s\n", implies[i]);
	}
	if (!any)
		fputs("devices: none beyond /dev's minimal nodes\n", out);
}

void devices_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	fputc('[', out);
	bool first = true;
	for (int i = 0; i < SBX_N_DEVS; i++) {
		const struct device_grant *g = &pl->policy->devices[i];
		const struct device_session *ds = &pl->devices[i];
		if (!g->on)
			continue;
		fputs(first ? "{\"name\":" : ",{\"name\":", out);
		first = false;
		json_string(out, names[i]);
		json_grant_state(out, g->optional, ds->refused, ds->skipped);
		fputs(",\"paths\":[", out);
		if (!ds->refused && !ds->skipped)
			list_nodes(pl, i, out, true);
		fputs("],\"implies\":", out);
		json_string(out, implies[i]);
		fputs(",\"origin\":", out);
		json_string(out, g->origin ? g->origin : "command line");
		fputc('}', out);
	}
	fputc(']', out);
}
