/* Profiles: the directives of the desktop: display and sound sockets (socket), device classes
 * (device, device-try) and D-Bus names through the filtering proxy (talk-name, own-name,
 * see-name, call, broadcast and their system-* forms). */
#include "profile_internal.h"

#include <string.h>

#include "dbus_proxy.h"
#include "devices.h"
#include "sockets.h"
#include "x11.h"

/* socket NAME [optional]: a display socket alone, with a cookie of its own (x11.h). Trusted
 * after untrusted loosens; optional relaxes the refusal of a server without SECURITY. */
int d_socket(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	const char *why = NULL;
	enum x11_mode mode;
	bool optional;
	int which = sockets_parse(t->text, &optional);
	if (which >= 0) {  /* wayland, pulseaudio, pipewire (sockets.h) */
		if (ln->n == 2 && strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		sockets_grant(ps->p, which, optional || ln->n == 2, ln->origin);
		return 0;
	}
	enum dbus_bus bus;
	if (dbus_socket_name(t->text, &bus)) {
		if (ln->n == 2)
			return FAIL_TOK(ps, ln, arg(ln, 1), "a bus socket has no 'optional'");
		dbus_add_raw(ps->p, bus, ln->origin);
		return 0;
	}
	if (x11_socket_parse(t->text, &mode, &optional, &why) < 0)
		return FAIL_TOK(ps, ln, t, "%s", why);
	if (ln->n == 2) {
		if (strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		optional = true;
	}
	if (optional && mode == X11_TRUSTED)
		return FAIL_TOK(ps, ln, arg(ln, ln->n - 1), "x11-trusted needs no SECURITY extension; drop 'optional'");
	struct x11_grant *g = &ps->p->x11;
	if (optional && !(g->mode == X11_UNTRUSTED && g->optional)) {
		int r = relaxation_allowed(ps, ln, arg(ln, ln->n - 1));
		if (r < 0)
			return r;
	}
	if (mode == X11_TRUSTED && g->mode == X11_UNTRUSTED) {
		int r = loosens(ps, ln, "the untrusted X11 cookie", g->origin);
		if (r < 0)
			return r;
	}
	g->mode = mode;
	g->optional = optional;
	free(g->origin);
	g->origin = xstrdup(ln->origin);
	return 0;
}

/* device NAME... / device-try NAME...: classes of device nodes (devices.h). */
static int device_lines(struct parser *ps, struct line *ln, bool optional)
{
	for (size_t i = 0; i < ln->n; i++)
		if (devices_parse(arg(ln, i)->text) < 0)
			return FAIL_TOK(ps, ln, arg(ln, i), "unknown device class; expected dri, snd or video");
	for (size_t i = 0; i < ln->n; i++)
		devices_grant(ps->p, devices_parse(arg(ln, i)->text), optional, ln->origin);
	return 0;
}

int d_device(struct parser *ps, struct line *ln) { return device_lines(ps, ln, false); }
int d_device_try(struct parser *ps, struct line *ln) { return device_lines(ps, ln, true); }

/* talk-name, own-name, see-name NAME; call, broadcast NAME=RULE; system-*: D-Bus names through
 * the filtering proxy (dbus_proxy.h). */
int d_dbus(struct parser *ps, struct line *ln)
{
	enum dbus_bus bus;
	enum dbus_rule_kind kind;
	if (!dbus_directive(ln->kw->text, &bus, &kind))
		return FAIL_LINE(ps, ln, "not a D-Bus directive");
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		const char *why = NULL;
		size_t at = 0;
		if (dbus_rule_check(kind, t->text, &why, &at) < 0)
			return fail_at(ps, ln->file, ln->lineno, t->col + (unsigned)at, t->text, "%s", why);
		dbus_add_rule(ps->p, bus, kind, t->text, ln->origin);
	}
	return 0;
}
