/* The mount plan for --explain and --json: each step in order, with its origin and Landlock access. */
#include "mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "appstate.h"
#include "cli.h"
#include "devnodes.h"
#include "hostpath.h"
#include "mask.h"
#include "noexec.h"
#include "overlay.h"
#include "privdirs.h"
#include "tty.h"

/* ---- explaining ---- */

static const char *step_name(const struct mount_step *s)
{
	switch (s->kind) {
	case STEP_BIND: return s->device ? "dev-bind" : s->read_only ? "ro-bind" : "bind";
	case STEP_TMPFS: return "tmpfs";
	case STEP_SYMLINK: return "symlink";
	case STEP_PROC: return "proc";
	case STEP_DEVPTS: return "devpts";
	case STEP_PROTECT: return "read-only";
	case STEP_FILE: return "file";
	case STEP_OVERLAY: return "overlay";
	case STEP_MASK: return "mask";
	case STEP_COPY: return "copy";
	}
	return "?";
}

void mount_plan_explain(const struct mount_plan *plan, FILE *out)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_step *s = &plan->steps[i];
		fprintf(out, "  %-10s %-28s", step_name(s), s->dst);
		if (s->kind == STEP_OVERLAY)
			fprintf(out, " upper %s", s->upper ? s->upper : "a tmpfs of this run (overlay-tmp)");
		if (s->kind == STEP_BIND && s->state_sub)
			fputs(" (the app's own, kept)", out);
		if (s->optional && s->kind == STEP_OVERLAY)
			fputs(" (optional)", out);
		if (s->kind == STEP_BIND || s->kind == STEP_SYMLINK)
			fprintf(out, " %s %s", s->kind == STEP_SYMLINK ? "->" : "<-",
				s->src ? s->src : "(the sandbox's own pseudo-terminal)");
		if (s->kind == STEP_COPY)
			fprintf(out, " <- %s, a private copy, written back when the sandbox ends", s->src);
		if (s->kind == STEP_TMPFS)
			fprintf(out, " mode %04o%s", (unsigned)s->mode, s->owned ? ", owned by the user" : "");
		if (s->kind == STEP_TMPFS &&
		    (strcmp(s->label, "private-bin") == 0 || strcmp(s->label, "private-etc") == 0))
			fprintf(out, ", %s: only the names below", s->label);
		if (s->kind == STEP_FILE && s->over)
			fputs(" read-only, a random id made for this run", out);
		else if (s->kind == STEP_FILE && !s->data_len)
			fputs(" empty, the mount point of the next step", out);
		else if (s->kind == STEP_FILE)
			fputs(" mode 0600, the sandbox's X cookie", out);
		if (s->kind == STEP_MASK && s->mask_noop)
			fprintf(out, " %s", s->mask_noop);
		else if (s->kind == STEP_MASK)
			fprintf(out, " empty read-only %s, hides %s", s->is_dir ? "directory" : "file", s->src);
		if (s->optional && s->kind == STEP_BIND)
			fputs(" (optional)", out);
		if (s->noexec && strcmp(s->label, "device") != 0 && s->kind != STEP_MASK)
			fputs(" noexec", out);
		if (s->origin)
			fprintf(out, "  [%s]", s->origin);
		fputc('\n', out);
	}
}

void mount_plan_explain_json(const struct mount_plan *plan, FILE *out)
{
	fputc('[', out);
	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_step *s = &plan->steps[i];
		fprintf(out, "%s{\"type\":\"%s\",\"dst\":", i ? "," : "", step_name(s));
		json_string(out, s->dst);
		if (s->src) {
			fputs(",\"src\":", out);
			json_string(out, s->src);
		}
		fprintf(out, ",\"label\":\"%s\",\"optional\":%s", s->label, s->optional ? "true" : "false");
		if (s->pty)
			fputs(",\"pty\":true", out);
		if (s->kind == STEP_OVERLAY) {
			fputs(",\"upper\":", out);
			if (s->upper)
				json_string(out, s->upper);
			else
				fputs("null", out);
		}
		if (s->state_sub && s->kind == STEP_BIND)
			fputs(",\"kept\":true", out);
		if (s->kind == STEP_MASK && s->mask_noop)
			fprintf(out, ",\"noop\":\"%s\"", s->mask_noop);
		else if (s->kind == STEP_MASK)
			fprintf(out, ",\"cover\":\"%s\"", s->is_dir ? "directory" : "file");
		if (s->in_view)
			fprintf(out, ",\"landlock\":\"%s\"", view_access_name(s->access));
		if (s->noexec)
			fputs(",\"noexec\":true", out);
		if (s->origin) {
			fputs(",\"origin\":", out);
			json_string(out, s->origin);
		}
		fputc('}', out);
	}
	fputc(']', out);
}
