/* socket wayland | pulseaudio | pipewire: one server socket each, bound alone into the sandbox's
 * private runtime directory (/run/user/UID, a tmpfs); nothing else of the caller's
 * $XDG_RUNTIME_DIR goes in.
 *
 * - wayland: $XDG_RUNTIME_DIR/$WAYLAND_DISPLAY (or an absolute WAYLAND_DISPLAY) at
 *   /run/user/UID/NAME, WAYLAND_DISPLAY=NAME. No compositor in Debian 12 offers
 *   wp_security_context_v1, so the app gets every protocol the compositor offers its clients.
 * - pulseaudio: the server's socket (a unix: PULSE_SERVER, else $XDG_RUNTIME_DIR/pulse/native) at
 *   /run/user/UID/pulse/native, PULSE_SERVER naming it, and PULSE_CLIENTCONFIG a private
 *   client.conf that turns autospawn off. No cookie: the server admits a client of its own uid by
 *   its credentials on the Unix socket; the client's own cookie file is in the runtime directory,
 *   so that libpulse does not write one into the private home.
 * - pipewire: $XDG_RUNTIME_DIR/pipewire-0 (or PIPEWIRE_REMOTE) at /run/user/UID/pipewire-0. The
 *   PipeWire socket also serves the camera and screen capture.
 *
 * A missing variable or socket refuses the run, in one line, unless the grant is optional (the
 * profile's `socket NAME optional`, the command line's NAME-optional): then no grant and a note.
 * Each grant also sets DBUS_SESSION_BUS_ADDRESS to a path that leads nowhere unless the policy
 * names that variable, as socket x11 does: no bus is autolaunched inside. */
#ifndef SBX_SOCKETS_H
#define SBX_SOCKETS_H

#include <stdio.h>

#include "policy.h"
#include "userns.h"

/* "wayland", "pulseaudio", "pipewire", or one with "-optional" (the command line's spelling):
 * the index (SBX_SOCK_*) or -ENOENT for a name that is not one of these. */
int sockets_parse(const char *name, bool *optional);

/* Records the grant (a later line wins). */
void sockets_grant(struct policy *p, int which, bool optional, const char *origin);

struct sandbox_plan;

/* What sockets_plan found for one granted socket (plan.h). */
struct socket_session {
	char *host;     /* the host socket */
	char *inside;   /* where it is inside */
	char *skipped;  /* optional and missing here: why */
	char *refused;  /* --explain: why a run would be refused here */
};

/* Finds each granted socket, adds its bind and environment to the plan. 0 or -errno with err
 * filled; under explain a refusal is recorded for --explain instead. */
int sockets_plan(struct sandbox_plan *pl, struct sbx_error *err);

void sockets_explain(const struct sandbox_plan *pl, FILE *out);
void sockets_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
