/* socket x11: see x11.h. The SECURITY requests are sent with libxcb's generic request API
 * (xcbext.h): Debian ships no XCB binding for SECURITY, and Xlib would exit() sbx on an I/O error. */
#include "x11.h"
#include "plan.h"

#include <X11/Xauth.h>
#include <X11/Xmd.h>
#include <X11/extensions/secur.h>
#include <X11/extensions/securproto.h>
#include <ctype.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <xcb/xcb.h>
#include <xcb/xcbext.h>

#include "landlock.h"
#include "memfd_guard.h"

#include <linux/seccomp.h>
#include <sys/ioctl.h>

#define X11_SOCKET_DIR "/tmp/.X11-unix"
#define MIT_COOKIE "MIT-MAGIC-COOKIE-1"

static xcb_extension_t security_ext = { SECURITY_EXTENSION_NAME, 0 };

/* The abstract address init refuses: set by x11_plan, read by pid 1 (a copy of sbx). */
static struct sockaddr_un refused_addr;
static socklen_t refused_len;

int x11_socket_parse(const char *name, enum x11_mode *mode, bool *optional, const char **why)
{
	*optional = false;
	if (strcmp(name, "x11") == 0) {
		*mode = X11_UNTRUSTED;
	} else if (strcmp(name, "x11-optional") == 0) {
		*mode = X11_UNTRUSTED;
		*optional = true;
	} else if (strcmp(name, "x11-trusted") == 0) {
		*mode = X11_TRUSTED;
	} else {
		*why = "expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus";
		return -EINVAL;
	}
	return 0;
}

/* ":N", ":N.S" or "unix:N[.S]". A display with a host name is reached over TCP (or ssh's
 * forwarding), which the sandbox's network decides, not this grant. */
static int display_number(const char *display, unsigned *out)
{
	const char *s = display;
	if (strncmp(s, "unix:", 5) == 0)
		s += 4;
	if (*s++ != ':' || !isdigit((unsigned char)*s))
		return -1;
	unsigned long n = 0;
	for (; isdigit((unsigned char)*s); s++)
		if ((n = n * 10 + (unsigned long)(*s - '0')) > 65535)
			return -1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* The Xauthority file: one FamilyWild entry (any host name) for display N. */
static void put16(unsigned char **o, size_t v)
{
	(*o)[0] = (unsigned char)(v >> 8);
	(*o)[1] = (unsigned char)v;
	*o += 2;
}

static void set_xauth(struct x11_session *g, const char *name, size_t name_len, const unsigned char *data,
		      size_t len)
{
	char num[12];
	size_t num_len = (size_t)snprintf(num, sizeof(num), "%u", g->display);
	size_t size = 2 + 2 + 2 + num_len + 2 + name_len + 2 + len;
	unsigned char *buf = xmalloc(size), *o = buf;
	put16(&o, FamilyWild);
	put16(&o, 0);
	put16(&o, num_len);
	memcpy(o, num, num_len);
	o += num_len;
	put16(&o, name_len);
	memcpy(o, name, name_len);
	o += name_len;
	put16(&o, len);
	memcpy(o, data, len);
	g->xauth = buf;
	g->xauth_len = size;
}

/* xcb_connect as the caller (DISPLAY, XAUTHORITY). libxcb writes a server's refusal ("Authorization
 * required, ...") to stderr itself; sbx says it in its own one line instead. */
static xcb_connection_t *connect_quietly(void)
{
	int saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	xcb_connection_t *c = xcb_connect(NULL, NULL);
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (null >= 0)
		close(null);
	if (saved >= 0)
		close(saved);
	return c;
}

static int connect_caller(const char *display, xcb_connection_t **out, struct sbx_error *err)
{
	xcb_connection_t *c = connect_quietly();
	if (xcb_connection_has_error(c)) {
		xcb_disconnect(c);
		const char *xauth = getenv("XAUTHORITY");
		sbx_fail(err, 0, "socket x11: cannot connect to the X server of DISPLAY=%s with your cookie (%s)",
			 display, xauth && *xauth ? xauth : "~/.Xauthority");
		sbx_hint(err, "check that DISPLAY and XAUTHORITY name a running server you may use");
		return -ECONNREFUSED;
	}
	*out = c;
	return 0;
}

/* SecurityGenerateAuthorization: a new MIT-MAGIC-COOKIE-1 with the given trust, never timing out
 * (sbx revokes it). 0, -ENOTSUP without the extension, -EPROTO when the server refuses. */
static int generate(xcb_connection_t *c, struct x11_session *g, uint32_t trust)
{
	const xcb_query_extension_reply_t *ext = xcb_get_extension_data(c, &security_ext);
	if (!ext || !ext->present)
		return -ENOTSUP;
	xSecurityGenerateAuthorizationReq req = {
		.reqType = ext->major_opcode,
		.securityReqType = X_SecurityGenerateAuthorization,
		.nbytesAuthProto = sizeof(MIT_COOKIE) - 1,
		.nbytesAuthData = 0,  /* the server makes the cookie */
		.valueMask = XSecurityTimeout | XSecurityTrustLevel,
	};
	char proto[20] = MIT_COOKIE;  /* padded to 4 bytes */
	uint32_t values[2] = { 0 /* timeout: none */, trust };
	struct iovec parts[5] = {
		[2] = { &req, sz_xSecurityGenerateAuthorizationReq },
		[3] = { proto, sizeof(proto) },
		[4] = { values, sizeof(values) },
	};
	xcb_protocol_request_t info = { .count = 3, .ext = &security_ext,
					.opcode = X_SecurityGenerateAuthorization, .isvoid = 0 };
	unsigned seq = xcb_send_request(c, XCB_REQUEST_CHECKED, parts + 2, &info);
	xcb_generic_error_t *e = NULL;
	unsigned char *reply = xcb_wait_for_reply(c, seq, &e);
	free(e);
	if (!reply)
		return -EPROTO;
	xSecurityGenerateAuthorizationReply head;
	memcpy(&head, reply, sizeof(head));
	if ((size_t)head.dataLength > (size_t)head.length * 4 || head.authId == 0) {
		free(reply);
		return -EPROTO;
	}
	g->auth_id = head.authId;
	set_xauth(g, MIT_COOKIE, sizeof(MIT_COOKIE) - 1, reply + sizeof(head), head.dataLength);
	explicit_bzero(reply, sizeof(head) + head.dataLength);
	free(reply);
	return 0;
}

/* x11-trusted, or the optional fallback: the caller's own cookie for the display, found as libxcb
 * finds it (the local host name, or a FamilyWild entry). None: an empty file, and the server
 * decides (it may let the uid in without a cookie). */
static void copy_cookie(struct x11_session *g, bool quiet)
{
	char host[256] = "", num[12];
	gethostname(host, sizeof(host) - 1);
	snprintf(num, sizeof(num), "%u", g->display);
	char *names[] = { (char *)MIT_COOKIE };
	int lens[] = { (int)sizeof(MIT_COOKIE) - 1 };
	Xauth *a = XauGetBestAuthByAddr(FamilyLocal, (unsigned short)strlen(host), host,
					(unsigned short)strlen(num), num, 1, names, lens);
	if (!a) {
		if (!quiet)
			sbx_note("socket x11: your Xauthority has no cookie for display :%u; the sandbox gets an empty "
				 "one, and the server decides (it may admit your uid without a cookie)", g->display);
		g->xauth = xmalloc(1);
		g->xauth_len = 0;
		return;
	}
	set_xauth(g, a->name, a->name_length, (const unsigned char *)a->data, a->data_length);
	explicit_bzero(a->data, a->data_length);
	XauDisposeAuth(a);
}

/* The untrusted cookie, or with `optional` on a server without SECURITY a copy of the caller's. */
static int make_cookie(const struct x11_grant *g, struct x11_session *s, const char *display, bool quiet,
		       struct sbx_error *err)
{
	xcb_connection_t *c = NULL;
	int r = connect_caller(display, &c, err);
	if (r < 0)
		return r;
	r = generate(c, s, XSecurityClientUntrusted);
	if (r == 0)
		s->conn = c;  /* x11_release revokes the cookie over it */
	else
		xcb_disconnect(c);
	if (r == -EPROTO)
		return sbx_fail(err, 0, "socket x11: the X server of DISPLAY=%s refused an untrusted cookie "
				"(SecurityGenerateAuthorization)", display);
	if (r == -ENOTSUP && !g->optional) {
		sbx_fail(err, 0, "socket x11: the X server of DISPLAY=%s has no SECURITY extension, so sbx "
			 "cannot give the sandbox an untrusted cookie", display);
		sbx_hint(err, "'socket x11 optional' (--socket x11-optional) runs it trusted with a warning; "
			 "'socket x11-trusted' asks for full access to the display");
		return -ENOTSUP;
	}
	if (r == -ENOTSUP) {
		sbx_warn("socket x11 optional: the X server of DISPLAY=%s has no SECURITY extension; the sandbox "
			 "gets your cookie, with full access to the display", display);
		s->trusted_fallback = true;
		copy_cookie(s, quiet);
	}
	return 0;
}

static int plan_display(struct sandbox_plan *pl, struct sbx_error *err);

int x11_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	if (pl->policy->x11.mode == X11_NONE)
		return 0;
	int r = plan_display(pl, err);
	/* --explain describes the sandbox even from a shell without a display, and says what a run
	 * would refuse. */
	if (r < 0 && pl->explain) {
		free(pl->x11.refused);
		pl->x11.refused = err->code ? xasprintf("%s: %s", err->msg, strerror(err->code)) : xstrdup(err->msg);
		*err = (struct sbx_error){ 0 };
		return 0;
	}
	return r;
}

static int plan_display(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	const struct x11_grant *g = &p->x11;
	struct x11_session *s = &pl->x11;
	const char *origin = g->origin ? g->origin : "command line";
	const char *display = getenv("DISPLAY");
	if (!display || !*display)
		return sbx_fail(err, 0, "socket x11 (%s): DISPLAY is not set; there is no X display to grant", origin);
	if (display_number(display, &s->display) < 0)
		return sbx_fail(err, 0, "socket x11 (%s): DISPLAY=%s: only a local display (:N) can be granted",
				origin, display);
	char sock[64];
	snprintf(sock, sizeof(sock), X11_SOCKET_DIR "/X%u", s->display);
	struct stat st;
	if (lstat(sock, &st) < 0)
		return sbx_fail(err, errno, "socket x11 (%s): DISPLAY=%s: %s", origin, display, sock);
	if (!S_ISSOCK(st.st_mode))
		return sbx_fail(err, 0, "socket x11 (%s): DISPLAY=%s: %s is not a socket", origin, display, sock);

	/* connect() needs write permission on the socket; nothing else of /tmp/.X11-unix goes in. */
	plan_add_mount(pl, MOUNT_BIND, sock, sock, false, origin);
	char value[16];
	snprintf(value, sizeof(value), ":%u", s->display);
	plan_add_env(pl, ENV_SET, "DISPLAY", value, origin);
	free(s->xauth_path);
	s->xauth_path = xasprintf("%s/Xauthority", pl->id->runtime_dir);
	plan_add_env(pl, ENV_SET, "XAUTHORITY", s->xauth_path, origin);
	/* DBUS_SESSION_BUS_ADDRESS: dbus_plan, which runs first, always sets it (to a proxy or to a
	 * path that leads nowhere), so that nothing inside autolaunches a bus on the shared display. */
	/* libxcb's first try, @/tmp/.X11-unix/XN, must fail with ECONNREFUSED, not Landlock's EPERM. */
	if (p->net == NET_HOST && p->scope_abstract_unix) {
		s->abstract_addrlen = (unsigned)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sock));
		refused_addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
		memcpy(refused_addr.sun_path + 1, sock, strlen(sock));
		refused_len = (socklen_t)s->abstract_addrlen;
	}
	if (pl->explain)
		return 0;
	if (g->mode == X11_TRUSTED) {
		copy_cookie(s, p->quiet);
		return 0;
	}
	s->late = true;
	return 0;
}

/* The sync socket's message: this byte and the Xauthority file's bytes. */
#define COOKIE_MSG 'c'
#define COOKIE_MAX 4096

int x11_send_cookie(int sock, struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	struct x11_session *s = &pl->x11;
	int r = make_cookie(&p->x11, s, getenv("DISPLAY"), p->quiet, err);
	/* The optional fallback's note about your cookie, when it has one: planning's notes are out. */
	sbx_notes_flush(r == 0);
	if (r < 0)
		return r;
	if (s->xauth_len > COOKIE_MAX)
		return sbx_fail(err, 0, "socket x11: your cookie for display :%u is longer than %d bytes", s->display,
				COOKIE_MAX);
	unsigned char msg[1 + COOKIE_MAX];
	msg[0] = COOKIE_MSG;
	memcpy(msg + 1, s->xauth, s->xauth_len);
	ssize_t n = send(sock, msg, 1 + s->xauth_len, MSG_NOSIGNAL);
	int e = errno;
	explicit_bzero(msg, sizeof(msg));
	/* pid 1 may have failed already: then sbx collects its error, as for the go byte. */
	if (n < 0 && e != EPIPE && e != ECONNRESET)
		return sbx_fail(err, e, "socket x11: cannot hand the X cookie to the sandbox");
	return 0;
}

int x11_take_cookie(int sock, struct sandbox_plan *pl, struct sbx_error *err)
{
	unsigned char msg[1 + COOKIE_MAX];
	ssize_t n = recv(sock, msg, sizeof(msg), 0);
	if (n == 0)
		_exit(SBX_EXIT_FAILURE);  /* sbx could not make it (and said why) or died */
	int r = n > 0 && msg[0] == COOKIE_MSG
			? mount_fill_late(&pl->view, msg + 1, (size_t)n - 1, err)
			: sbx_fail(err, n < 0 ? errno : EPROTO, "socket x11: did not receive the sandbox's X cookie");
	explicit_bzero(msg, sizeof(msg));
	return r;
}

enum x11_abstract_refusal x11_abstract_refusal(const struct sandbox_plan *pl)
{
	if (!pl->x11.abstract_addrlen)
		return X11_ABSTRACT_NONE;
	/* Letting a call continue is safe only where Landlock, not this rule, keeps the name closed:
	 * the caller may change the address between init's read and the kernel's. */
	if (pl->memfd_guard == MEMFD_GUARD_ON && landlock_abi() >= 6)
		return X11_ABSTRACT_NOTIFY;
	return X11_ABSTRACT_ERRNO;
}

int x11_connect_verdict(int listener, const struct seccomp_notif *req)
{
	if (req->data.args[2] != refused_len || !refused_len)
		return 0;
	char path[32];
	snprintf(path, sizeof(path), "/proc/%u/mem", req->pid);
	int mem = open(path, O_RDONLY | O_CLOEXEC);
	/* The pid named the caller only while its call is pending: check after opening. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0) {
		if (mem >= 0)
			close(mem);
		return -ENOENT;
	}
	struct sockaddr_un addr;
	ssize_t n = mem >= 0 ? pread(mem, &addr, refused_len, (off_t)req->data.args[1]) : -1;
	if (mem >= 0)
		close(mem);
	/* Unreadable: the kernel decides (EFAULT, or Landlock's EPERM for the X name). */
	if (n != (ssize_t)refused_len)
		return 0;
	return memcmp(&addr, &refused_addr, refused_len) == 0 ? ECONNREFUSED : 0;
}

void x11_release(struct x11_session *g)
{
	if (g->xauth)
		explicit_bzero(g->xauth, g->xauth_len);
	xcb_connection_t *c = g->conn;
	g->conn = NULL;
	if (!g->auth_id) {
		if (c)
			xcb_disconnect(c);
		return;
	}
	uint32_t id = g->auth_id;
	g->auth_id = 0;
	if (!c)
		c = connect_quietly();
	const xcb_query_extension_reply_t *ext = xcb_connection_has_error(c) ? NULL
										   : xcb_get_extension_data(c, &security_ext);
	xcb_void_cookie_t done = { 0 };
	if (ext && ext->present) {
		xSecurityRevokeAuthorizationReq req = {
			.reqType = ext->major_opcode,
			.securityReqType = X_SecurityRevokeAuthorization,
			.authId = id,
		};
		struct iovec parts[3] = { [2] = { &req, sz_xSecurityRevokeAuthorizationReq } };
		xcb_protocol_request_t info = { .count = 1, .ext = &security_ext,
						.opcode = X_SecurityRevokeAuthorization, .isvoid = 1 };
		done.sequence = xcb_send_request(c, XCB_REQUEST_CHECKED, parts + 2, &info);
	}
	xcb_generic_error_t *e = done.sequence ? xcb_request_check(c, done) : NULL;
	/* A server that is gone took the cookie with it; one that is there and refuses is worth a word. */
	if (e || (!done.sequence && !xcb_connection_has_error(c)))
		sbx_warn("socket x11: could not revoke the sandbox's X cookie (authorization %u) on DISPLAY=:%u",
			 (unsigned)id, g->display);
	free(e);
	xcb_disconnect(c);
}

/* ---- explaining ---- */

static const char *abstract_text(const struct sandbox_plan *pl)
{
	const struct policy *p = pl->policy;
	if (p->net == NET_NONE)
		return "unreachable (the sandbox's own network namespace has no host abstract sockets)";
	if (!p->scope_abstract_unix)
		return "REACHABLE ('allow abstract-unix' with the host's network): any client there may try it";
	if (x11_abstract_refusal(pl) == X11_ABSTRACT_NOTIFY)
		return "refused (Landlock's abstract-socket scope); a connect() to it gets ECONNREFUSED from "
		       "sbx's init (seccomp notification), so clients fall back to the path socket";
	if (landlock_abi() >= 6)
		return "refused (Landlock's abstract-socket scope); connect() with its address length gets "
		       "ECONNREFUSED from seccomp, so clients fall back to the path socket (so does any other "
		       "Unix address of that length: no notifier here)";
	return "refused by seccomp (connect() with its address length gets ECONNREFUSED); without Landlock's "
	       "abstract-socket scope (ABI 6) the host's other abstract sockets are reachable";
}

static const char *trust_text(const struct x11_grant *g)
{
	if (g->mode == X11_TRUSTED)
		return "TRUSTED: a copy of your cookie; full access to the display: it can read every window "
		       "(screenshots), read the clipboard and other clients' properties, inject keys and pointer "
		       "events into any window (XTEST), and the cookie stays valid after the sandbox ends";
	return "untrusted: a cookie of its own from the server's SECURITY extension, revoked when the sandbox "
	       "ends: it cannot read other windows' contents (screenshots) or inject input (no XTEST), gets no "
	       "GLX; it still sees the window tree and reads other windows' titles and properties";
}

void x11_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct x11_grant *g = &pl->policy->x11;
	const struct x11_session *s = &pl->x11;
	if (g->mode == X11_NONE) {
		fputs("x11: none (no display socket, DISPLAY unset)\n", out);
		return;
	}
	if (s->refused) {
		fprintf(out, "x11: REFUSED here, nothing would start: %s  [%s]\n", s->refused,
			g->origin ? g->origin : "command line");
		return;
	}
	fprintf(out, "x11: display :%u: %s/X%u bound alone, DISPLAY=:%u, XAUTHORITY=%s  [%s]\n", s->display,
		X11_SOCKET_DIR, s->display, s->display, s->xauth_path ? s->xauth_path : "?",
		g->origin ? g->origin : "command line");
	fprintf(out, "  cookie: %s\n", trust_text(g));
	if (g->mode == X11_UNTRUSTED && g->optional)
		fputs("  optional: a server without the SECURITY extension gets your cookie instead (trusted), "
		      "with a warning\n", out);
	fprintf(out, "  abstract socket @%s/X%u: %s\n", X11_SOCKET_DIR, s->display, abstract_text(pl));
	fputs("  note: a server that admits your uid without a cookie (xhost +SI:localuser:...) admits the "
	      "sandbox as a trusted client too\n", out);
}

void x11_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct x11_grant *g = &pl->policy->x11;
	const struct x11_session *s = &pl->x11;
	if (g->mode == X11_NONE) {
		fputs("null", out);
		return;
	}
	char sock[64];
	snprintf(sock, sizeof(sock), X11_SOCKET_DIR "/X%u", s->display);
	if (s->refused) {
		fputs("{\"refused\":", out);
		json_string(out, s->refused);
		fputs(",\"origin\":", out);
		json_string(out, g->origin ? g->origin : "command line");
		fputc('}', out);
		return;
	}
	fprintf(out, "{\"display\":%u,\"socket\":", s->display);
	json_string(out, sock);
	fprintf(out, ",\"trusted\":%s,\"optional\":%s,\"xauthority\":", g->mode == X11_TRUSTED ? "true" : "false",
		g->optional ? "true" : "false");
	json_string(out, s->xauth_path ? s->xauth_path : "");
	fputs(",\"implies\":", out);
	json_string(out, trust_text(g));
	fputs(",\"abstract_socket\":", out);
	json_string(out, abstract_text(pl));
	fputs(",\"origin\":", out);
	json_string(out, g->origin ? g->origin : "command line");
	fputc('}', out);
}
