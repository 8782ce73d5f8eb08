/* D-Bus: the session and system bus, filtered through xdg-dbus-proxy.
 *
 * `talk-name`, `own-name`, `see-name`, `call NAME=RULE`, `broadcast NAME=RULE` (and their `system-`
 * forms) never give the sandbox the bus itself: sbx starts xdg-dbus-proxy with --filter and those
 * rules, listening in a private directory of its own, and binds only the proxy's socket inside, at
 * /run/user/UID/bus (session) or /run/dbus/system_bus_socket (system). The proxy runs confined by a
 * second sbx (its own namespaces, seccomp, Landlock, no network) that sees only the bus's socket
 * and its own directory. They are synchronised with the proxy's --fd: it writes one byte once it
 * listens (sbx waits for it before starting the command), and it exits when the pipe's read end,
 * held only by sbx and the sandbox's init, closes: when the sandbox ends, and when sbx is killed
 * (SIGKILL included). The confining sbx also gets PR_SET_PDEATHSIG.
 *
 * `socket session-bus` / `socket system-bus` bind the bus's own socket instead: unfiltered, a hole.
 *
 * Whatever is granted, DBUS_SESSION_BUS_ADDRESS is set inside (to the proxy, or to a path that does
 * not exist), so nothing inside ever autolaunches a bus of its own, unless the policy sets, keeps
 * or unsets the variable itself. */
#ifndef SBX_DBUS_PROXY_H
#define SBX_DBUS_PROXY_H

#include <stdio.h>

#include "policy.h"
#include "userns.h"

/* A directive or option name (without "--"): talk-name, own-name, see-name, call, broadcast and
 * system-*. True, with the bus and kind, when it is one. */
bool dbus_directive(const char *name, enum dbus_bus *bus, enum dbus_rule_kind *kind);

/* Checks a value of that kind: a well-known bus name (elements of [A-Za-z0-9_-], not starting with
 * a digit, at least two, at most 255 characters), optionally ending in ".*"; for call and broadcast
 * NAME=RULE with RULE [METHOD][@PATH] (METHOD * or INTERFACE.MEMBER or INTERFACE.*, PATH an object
 * path, optionally with a trailing "/" and star). 0, or -EINVAL with *why a static text and *at the offset of the
 * first bad character. */
int dbus_rule_check(enum dbus_rule_kind kind, const char *value, const char **why, size_t *at);

/* socket session-bus / system-bus: true, with the bus, when name is one of them. */
bool dbus_socket_name(const char *name, enum dbus_bus *bus);

void dbus_add_rule(struct policy *p, enum dbus_bus bus, enum dbus_rule_kind kind, const char *value,
		   const char *origin);
void dbus_add_raw(struct policy *p, enum dbus_bus bus, const char *origin);

struct sandbox_plan;

/* What dbus_plan found and started for one bus (plan.h). */
struct dbus_session {
	char *host_socket;  /* the bus's socket on the host */
	char *inside;       /* where the command finds the bus */
	char *proxy_dir;    /* the proxy's private directory on the host (its socket: PROXY_DIR/sock/bus) */
	int sync_fd;        /* read end of the proxy's --fd pipe, while pid is set */
	int pid;            /* the sbx that confines the proxy; 0: none */
	char *refused;      /* --explain: why a run would be refused here */
};

/* Finds the host's bus sockets, adds the binds and the environment to the plan, and (unless
 * explain) starts the proxies and waits until they listen. 0 or -errno with err filled; nothing
 * is started on failure (a proxy already started is ended by dbus_release). */
int dbus_plan(struct sandbox_plan *pl, struct sbx_error *err);

/* Ends the proxies and removes their directories. Safe to call more than once. */
void dbus_release(struct dbus_session sessions[DBUS_N_BUSES]);

void dbus_explain(const struct sandbox_plan *pl, FILE *out);
void dbus_explain_json(const struct sandbox_plan *pl, FILE *out);

#endif
