/* socket wayland | pulseaudio | pipewire: see sockets.h. */
#include "sockets.h"
#include "plan.h"

#include <string.h>
#include <sys/stat.h>

static const char *const names[SBX_N_SOCKS] = { "wayland", "pulseaudio", "pipewire" };

static const char *const implies[SBX_N_SOCKS] = {
	("every protocol the compositor offers its clients: no compositor in Debian 12 offers "
	"wp_security_context_v1, so sbx cannot ask it to withhold privileged ones (screen capture, "
	"virtual keyboard or pointer, data control); what the compositor gives any client, the app gets; "
	"nothing else of your runtime directory"),
	("play and record on every device of the sound server, list and change its sinks and sources and "
	"their volumes, see the other clients' streams and load server modules (the native protocol has "
	"no per-client limits); autospawn off, no cookie from your home"),
	("everything the PipeWire daemon serves: audio playback and capture, and also the CAMERA (video "
	"sources) and SCREEN CAPTURE streams that portals or the compositor publish there, and the graph "
	"of every other client's nodes"),
};

int sockets_parse(const char *name, bool *optional)
{
	*optional = false;
	for (int i = 0; i < SBX_N_SOCKS; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(name, names[i], n) != 0)
			continue;
		if (name[n] == '\0')
			return i;
		if (strcmp(name + n, "-optional") == 0) {
			*optional = true;
			return i;
		}
	}
	return -ENOENT;
}

void sockets_grant(struct policy *p, int which, bool optional, const char *origin)
{
	struct socket_grant *g = &p->sockets[which];
	g->on = true;
	g->optional = optional;
	free(g->origin);
	g->origin = xstrdup(origin);
}

/* The caller's runtime directory, where the servers put their sockets. */
static const char *host_runtime_dir(void)
{
	const char *d = getenv("XDG_RUNTIME_DIR");
	return d && path_is_clean_absolute(d) ? d : NULL;
}

/* The host socket of each grant, and its name inside (relative to the runtime directory). NULL
 * with *why (static or heap in *why_heap) when there is none. */
static char *find_wayland(char **inside, const char **why, char **why_heap)
{
	const char *wd = getenv("WAYLAND_DISPLAY");
	if (!wd || !*wd) {
		*why = "WAYLAND_DISPLAY is not set; there is no Wayland display to grant";
		return NULL;
	}
	if (wd[0] == '/') {
		if (!path_is_clean_absolute(wd)) {
			*why_heap = xasprintf("WAYLAND_DISPLAY=%s is not a clean absolute path", wd);
			return NULL;
		}
		*inside = xstrdup(strrchr(wd, '/') + 1);
		return xstrdup(wd);
	}
	if (strchr(wd, '/') || strcmp(wd, ".") == 0 || strcmp(wd, "..") == 0) {
		*why_heap = xasprintf("WAYLAND_DISPLAY=%s: a socket name in the runtime directory, or an absolute "
				      "path, is expected", wd);
		return NULL;
	}
	const char *rd = host_runtime_dir();
	if (!rd) {
		*why_heap = xasprintf("WAYLAND_DISPLAY=%s is relative and XDG_RUNTIME_DIR is not set", wd);
		return NULL;
	}
	*inside = xstrdup(wd);
	return xasprintf("%s/%s", rd, wd);
}

static char *find_pulse(char **inside, const char **why, char **why_heap)
{
	const char *s = getenv("PULSE_SERVER");
	*inside = xstrdup("pulse/native");
	if (s && *s) {
		const char *path = strncmp(s, "unix:", 5) == 0 ? s + 5 : s;
		if (path[0] != '/' || !path_is_clean_absolute(path)) {
			*why_heap = xasprintf("PULSE_SERVER=%s: only one local server socket (unix:/PATH) can be "
					      "granted; a network server is the sandbox's network's business", s);
			return NULL;
		}
		return xstrdup(path);
	}
	const char *rd = host_runtime_dir();
	if (!rd) {
		*why = "neither PULSE_SERVER nor XDG_RUNTIME_DIR is set; there is no sound server socket to grant";
		return NULL;
	}
	return xasprintf("%s/pulse/native", rd);
}

static char *find_pipewire(char **inside, const char **why, char **why_heap)
{
	const char *remote = getenv("PIPEWIRE_REMOTE");
	*inside = xstrdup("pipewire-0");
	if (remote && *remote) {
		if (remote[0] == '/') {
			if (!path_is_clean_absolute(remote)) {
				*why_heap = xasprintf("PIPEWIRE_REMOTE=%s is not a clean absolute path", remote);
				return NULL;
			}
			return xstrdup(remote);
		}
		if (strchr(remote, '/')) {
			*why_heap = xasprintf("PIPEWIRE_REMOTE=%s: a socket name in the runtime directory, or an "
					      "absolute path, is expected", remote);
			return NULL;
		}
	}
	const char *rd = host_runtime_dir();
	if (!rd) {
		*why = "XDG_RUNTIME_DIR is not set; there is no PipeWire socket to grant";
		return NULL;
	}
	return xasprintf("%s/%s", rd, remote && *remote ? remote : "pipewire-0");
}

static int plan_one(struct sandbox_plan *pl, int which, struct sbx_error *err)
{
	const struct identity *id = pl->id;
	const struct socket_grant *g = &pl->policy->sockets[which];
	struct socket_session *ss = &pl->sockets[which];
	const char *origin = g->origin ? g->origin : "command line";
	const char *why = NULL;
	_cleanup_free_ char *why_heap = NULL, *inside = NULL;
	char *host = which == SBX_SOCK_WAYLAND	 ? find_wayland(&inside, &why, &why_heap)
		     : which == SBX_SOCK_PULSEAUDIO ? find_pulse(&inside, &why, &why_heap)
						     : find_pipewire(&inside, &why, &why_heap);
	struct stat st;
	if (host && lstat(host, &st) < 0)
		why_heap = xasprintf("%s: %s", host, strerror(errno));
	else if (host && !S_ISSOCK(st.st_mode))
		why_heap = xasprintf("%s is not a socket", host);
	if (why_heap)
		why = why_heap;
	if (why) {
		free(host);
		if (g->optional) {
			free(ss->skipped);
			ss->skipped = xstrdup(why);
			return 0;
		}
		sbx_fail(err, 0, "socket %s (%s): %s", names[which], origin, why);
		if (which == SBX_SOCK_PULSEAUDIO || which == SBX_SOCK_PIPEWIRE)
			sbx_hint(err, "start the sound server first, or write 'socket %s optional' to run without it",
				 names[which]);
		else
			sbx_hint(err, "run it from a Wayland session, or write 'socket wayland optional' to run without it");
		return -ENOENT;
	}
	free(ss->host);
	ss->host = host;
	free(ss->inside);
	ss->inside = xasprintf("%s/%s", id->runtime_dir, inside);
	/* connect() needs write permission on the socket: a read-write bind of the socket alone. */
	plan_add_mount(pl, MOUNT_BIND, ss->host, ss->inside, false, origin);
	if (which == SBX_SOCK_WAYLAND) {
		plan_add_env(pl, ENV_SET, "WAYLAND_DISPLAY", inside, origin);
	} else if (which == SBX_SOCK_PULSEAUDIO) {
		_cleanup_free_ char *server = xasprintf("unix:%s", ss->inside);
		plan_add_env(pl, ENV_SET, "PULSE_SERVER", server, origin);
		free(pl->pulse_conf_path);
		pl->pulse_conf_path = xasprintf("%s/pulse/client.conf", id->runtime_dir);
		plan_add_env(pl, ENV_SET, "PULSE_CLIENTCONFIG", pl->pulse_conf_path, origin);
		free(pl->pulse_conf);
		pl->pulse_conf = xasprintf("# sbx: the sandbox's own PulseAudio client configuration (socket pulseaudio)\n"
					  "autospawn = no\n"
					  "cookie-file = %s/pulse/cookie\n",
					  id->runtime_dir);
	} else {
		plan_add_env(pl, ENV_SET, "PIPEWIRE_REMOTE", inside, origin);
	}
	return 0;
}

int sockets_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	for (int i = 0; i < SBX_N_SOCKS; i++) {
		if (!pl->policy->sockets[i].on)
			continue;
		int r = plan_one(pl, i, err);
		if (r < 0 && pl->explain) {
			free(pl->sockets[i].refused);
			pl->sockets[i].refused = xstrdup(err->msg);
			*err = (struct sbx_error){ 0 };
			continue;
		}
		if (r < 0)
			return r;
		if (pl->sockets[i].skipped && !pl->explain && !pl->policy->quiet)
			sbx_note("socket %s optional: not granted: %s", names[i], pl->sockets[i].skipped);
	}
	return 0;
}

/* ---- explaining ---- */

void sockets_explain(const struct sandbox_plan *pl, FILE *out)
{
	bool any = false;
	for (int i = 0; i < SBX_N_SOCKS; i++) {
		const struct socket_grant *g = &pl->policy->sockets[i];
		const struct socket_session *ss = &pl->sockets[i];
		if (!g->on)
			continue;
		any = true;
		const char *origin = g->origin ? g->origin : "command line";
		if (ss->refused)
			fprintf(out, "%s: REFUSED here, nothing would start: %s  [%s]\n", names[i], ss->refused, origin);
		else if (ss->skipped)
			fprintf(out, "%s: not granted (optional): %s  [%s]\n", names[i], ss->skipped, origin);
		else
			fprintf(out, "%s: %s bound alone at %s%s  [%s]\n", names[i], ss->host, ss->inside,
				i == SBX_SOCK_PULSEAUDIO ? ", PULSE_SERVER set, a private client.conf (autospawn = no)"
							 : "",
				origin);
		fprintf(out, "  gives: %s\n", implies[i]);
	}
	if (!any)
		fputs("sound and Wayland sockets: none\n", out);
}

void sockets_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	fputc('[', out);
	bool first = true;
	for (int i = 0; i < SBX_N_SOCKS; i++) {
		const struct socket_grant *g = &pl->policy->sockets[i];
		const struct socket_session *ss = &pl->sockets[i];
		if (!g->on)
			continue;
		fputs(first ? "{\"name\":" : ",{\"name\":", out);
		first = false;
		json_string(out, names[i]);
		json_grant_state(out, g->optional, ss->refused, ss->skipped);
		if (!ss->refused && !ss->skipped) {
			fputs(",\"socket\":", out);
			json_string(out, ss->host);
			fputs(",\"inside\":", out);
			json_string(out, ss->inside);
		}
		fputs(",\"implies\":", out);
		json_string(out, implies[i]);
		fputs(",\"origin\":", out);
		json_string(out, g->origin ? g->origin : "command line");
		fputc('}', out);
	}
	fputc(']', out);
}
