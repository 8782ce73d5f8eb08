/* socket x11: one X display for the sandbox, with a cookie of its own.
 *
 * Only the display's path socket (/tmp/.X11-unix/XN) is bound inside and DISPLAY=:N is set. The
 * server's abstract socket (@/tmp/.X11-unix/XN) stays out of reach: a private network namespace
 * has none, and with `net host` Landlock's abstract-socket scope (ABI 6) refuses it. libxcb tries
 * the abstract socket first and gives up on any error but ENOENT and ECONNREFUSED, so with
 * `net host` a connect() whose address length is exactly that abstract name's (an abstract name
 * is its whole length: no other length reaches it) gets ECONNREFUSED, and libxcb then uses the path
 * socket. Where the sandbox's init serves seccomp notifications (the memfd guard's listener) and
 * Landlock scopes abstract sockets, the filter sends such calls to init, which refuses only the X
 * name and lets every other address of that length through (a path socket connected by CPython or
 * libdbus may have that length); elsewhere the filter refuses the length outright.
 *
 * The cookie: sbx, as the caller, asks the server's SECURITY extension for an untrusted
 * authorization (no XTEST, no reading other windows' pixels), writes it as a
 * FamilyWild entry (the sandbox's hostname does not matter) to a private Xauthority in the
 * sandbox's runtime directory, and revokes it when the sandbox ends. It asks while the sandbox's
 * pid 1 builds the mounts (the server's round trips cost as much as a third of them), and pid 1
 * writes the file, made empty among its mounts, once the cookie comes; no command runs before. x11-trusted copies the
 * caller's own cookie instead. The caller's Xauthority is never bound inside. A session bus
 * address that leads nowhere keeps GLib and libdbus from autolaunching a bus on the display. */
#ifndef SBX_X11_H
#define SBX_X11_H

#include <stdio.h>

#include "policy.h"
#include "userns.h"

/* A socket name of `socket NAME [optional]` / --socket NAME: x11, x11-trusted, x11-optional (the
 * command line's spelling of `socket x11 optional`). 0, or -EINVAL with *why a static text (an
 * unknown name, or a socket that is not supported yet). */
int x11_socket_parse(const char *name, enum x11_mode *mode, bool *optional, const char **why);

struct sandbox_plan;

/* What x11_plan found and made for this run (plan.h). */
struct x11_session {
	unsigned display;           /* N of DISPLAY=:N */
	bool trusted_fallback;      /* optional, and the server has no SECURITY extension */
	unsigned char *xauth;       /* the Xauthority file's bytes (NULL under --explain, and until late's is made) */
	size_t xauth_len;
	char *xauth_path;           /* where it is inside */
	bool late;                  /* the untrusted cookie is made at launch: x11_send_cookie */
	unsigned auth_id;           /* SECURITY authorization to revoke at exit; 0: none */
	/* The connection that made it, held until then: a server resets when its last client leaves
	 * (Xvfb, xvfb-run, xinit without -noreset) and forgets every cookie it made. */
	struct xcb_connection_t *conn;
	unsigned abstract_addrlen;  /* connect() of this address length gets ECONNREFUSED; 0: none */
	char *refused;              /* --explain: why a run would be refused here, or NULL */
};

/* Reads DISPLAY, checks the socket, adds its bind and the environment to the plan, and (unless
 * explain) copies the trusted cookie or marks the untrusted one late. 0 or -errno with err filled;
 * nothing is started on failure. */
int x11_plan(struct sandbox_plan *pl, struct sbx_error *err);

/* sbx, while pid 1 builds its mounts: makes the late cookie (its refusals are x11_plan's, told
 * as the sandbox's setup errors: no command has run) and sends it over the sync socket. 0 or
 * -errno. */
int x11_send_cookie(int sock, struct sandbox_plan *pl, struct sbx_error *err);

/* pid 1, after its mounts: receives the late cookie and writes it into the Xauthority file. */
int x11_take_cookie(int sock, struct sandbox_plan *pl, struct sbx_error *err);

/* How the abstract name is refused (0 when it is not): by init through the notifier, or by the
 * filter alone (every address of that length). */
enum x11_abstract_refusal { X11_ABSTRACT_NONE, X11_ABSTRACT_NOTIFY, X11_ABSTRACT_ERRNO };
enum x11_abstract_refusal x11_abstract_refusal(const struct sandbox_plan *pl);

struct seccomp_notif;
/* In pid 1, for a connect() notification: ECONNREFUSED when it names the granted display's
 * abstract socket, 0 when the kernel should carry it out (continue), -ENOENT when the call is
 * gone. Reads the address from the caller's memory; refusing can never let anything through, and
 * what continues meets Landlock as if it had never stopped. */
int x11_connect_verdict(int listener, const struct seccomp_notif *req);

/* Revokes the sandbox's authorization, if sbx made one, and forgets the cookie. Safe to call more
 * than once. */
void x11_release(struct x11_session *s);

/* --explain: the grant and what it gives the command. */
void x11_explain(const struct sandbox_plan *pl, FILE *out);
void x11_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
