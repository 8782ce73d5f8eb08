/* D-Bus grants through xdg-dbus-proxy: see dbus_proxy.h. */
#include "dbus_proxy.h"
#include "plan.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROXY_BINARY "xdg-dbus-proxy"
#define SYSTEM_SOCKET "/run/dbus/system_bus_socket"
/* The proxy's own sandbox: nothing but the skeleton, and the two binds on its command line. */
#define PROFILE_FILE "xdg-dbus-proxy.profile"
#define PROXY_PROFILE "# sbx: the sandbox of xdg-dbus-proxy (dbus_proxy.c)\nnet none\nlandlock required\n"

static const struct {
	const char *name;
	enum dbus_bus bus;
	enum dbus_rule_kind kind;
} directives[] = {
	{ "see-name", DBUS_SESSION, DBUS_SEE },
	{ "talk-name", DBUS_SESSION, DBUS_TALK },
	{ "own-name", DBUS_SESSION, DBUS_OWN },
	{ "call", DBUS_SESSION, DBUS_CALL },
	{ "broadcast", DBUS_SESSION, DBUS_BROADCAST },
	{ "system-see-name", DBUS_SYSTEM, DBUS_SEE },
	{ "system-talk-name", DBUS_SYSTEM, DBUS_TALK },
	{ "system-own-name", DBUS_SYSTEM, DBUS_OWN },
	{ "system-call", DBUS_SYSTEM, DBUS_CALL },
	{ "system-broadcast", DBUS_SYSTEM, DBUS_BROADCAST },
};

static const char *const kind_names[] = { "see", "talk", "own", "call", "broadcast" };
static const char *const bus_names[] = { "session", "system" };

bool dbus_directive(const char *name, enum dbus_bus *bus, enum dbus_rule_kind *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(directives); i++)
		if (strcmp(name, directives[i].name) == 0) {
			*bus = directives[i].bus;
			*kind = directives[i].kind;
			return true;
		}
	return false;
}

bool dbus_socket_name(const char *name, enum dbus_bus *bus)
{
	if (strcmp(name, "session-bus") == 0)
		*bus = DBUS_SESSION;
	else if (strcmp(name, "system-bus") == 0)
		*bus = DBUS_SYSTEM;
	else
		return false;
	return true;
}

static bool element_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Dot-separated elements of element_char, none empty or starting with a digit, at least `min`;
 * the last may be "*" when star. Returns the length checked, or -1 with *at set. */
static int check_dotted(const char *s, size_t len, unsigned min, bool star, bool dash, size_t *at)
{
	unsigned elements = 0;
	size_t i = 0;
	while (i < len) {
		size_t start = i;
		if (star && s[i] == '*' && elements + 1 >= min && i + 1 == len)
			return (int)len;
		while (i < len && element_char(s[i]) && (dash || s[i] != '-'))
			i++;
		if (i == start || isdigit((unsigned char)s[start])) {
			*at = start;
			return -1;
		}
		elements++;
		if (i < len && s[i] != '.') {
			*at = i;
			return -1;
		}
		if (i < len && ++i == len) {
			*at = i - 1;  /* a trailing dot */
			return -1;
		}
	}
	if (elements < min) {
		*at = len;
		return -1;
	}
	return (int)len;
}

static int check_name(const char *s, size_t len, const char **why, size_t *at)
{
	if (len > 255) {
		*why = "a bus name has at most 255 characters";
		*at = 255;
		return -EINVAL;
	}
	if (len > 0 && s[0] == ':') {
		*why = "a unique name (:N.M) cannot be granted; name a well-known one";
		*at = 0;
		return -EINVAL;
	}
	if (check_dotted(s, len, 2, true, true, at) < 0) {
		*why = "expected a well-known bus name (org.example.App, or org.example.* for a prefix)";
		return -EINVAL;
	}
	return 0;
}

/* RULE: [METHOD][@PATH]. */
static int check_rule(const char *s, size_t base, const char **why, size_t *at)
{
	const char *path = strchr(s, '@');
	size_t mlen = path ? (size_t)(path - s) : strlen(s);
	*why = "expected RULE as [INTERFACE.METHOD|INTERFACE.*|*][@/OBJECT/PATH[/*]]";
	if (mlen == 0 && !path) {
		*at = base;
		return -EINVAL;
	}
	if (mlen && !(mlen == 1 && s[0] == '*') && check_dotted(s, mlen, 2, true, false, at) < 0) {
		*at += base;
		return -EINVAL;
	}
	if (!path)
		return 0;
	const char *q = path + 1;
	size_t plen = strlen(q);
	if (plen >= 2 && strcmp(q + plen - 2, "/*") == 0)
		plen -= 2;
	if (q[0] != '/') {
		*at = base + (size_t)(q - s);
		return -EINVAL;
	}
	for (size_t i = 1; i < plen; i++)
		if (!(isalnum((unsigned char)q[i]) || q[i] == '_' || q[i] == '/') || (q[i] == '/' && q[i - 1] == '/')) {
			*at = base + (size_t)(q - s) + i;
			return -EINVAL;
		}
	if (plen > 1 && q[plen - 1] == '/') {
		*at = base + (size_t)(q - s) + plen - 1;
		return -EINVAL;
	}
	return 0;
}

int dbus_rule_check(enum dbus_rule_kind kind, const char *value, const char **why, size_t *at)
{
	if (kind != DBUS_CALL && kind != DBUS_BROADCAST)
		return check_name(value, strlen(value), why, at);
	const char *eq = strchr(value, '=');
	if (!eq) {
		*why = "expected NAME=RULE";
		*at = strlen(value);
		return -EINVAL;
	}
	int r = check_name(value, (size_t)(eq - value), why, at);
	if (r < 0)
		return r;
	return check_rule(eq + 1, (size_t)(eq + 1 - value), why, at);
}

void dbus_add_rule(struct policy *p, enum dbus_bus bus, enum dbus_rule_kind kind, const char *value,
		   const char *origin)
{
	struct dbus_rule *r = ARRAY_PUSH(p->dbus.rules, p->dbus.n_rules);
	r->bus = bus;
	r->kind = kind;
	r->value = xstrdup(value);
	r->origin = xstrdup(origin);
}

void dbus_add_raw(struct policy *p, enum dbus_bus bus, const char *origin)
{
	struct dbus_bus_grant *g = &p->dbus.bus[bus];
	g->raw = true;
	free(g->raw_origin);
	g->raw_origin = xstrdup(origin);
}

static size_t n_rules(const struct policy *p, enum dbus_bus bus)
{
	size_t n = 0;
	for (size_t i = 0; i < p->dbus.n_rules; i++)
		n += p->dbus.rules[i].bus == bus;
	return n;
}

static bool granted(const struct policy *p, enum dbus_bus bus)
{
	return p->dbus.bus[bus].raw || n_rules(p, bus) > 0;
}

static const char *first_origin(const struct policy *p, enum dbus_bus bus)
{
	if (p->dbus.bus[bus].raw)
		return p->dbus.bus[bus].raw_origin;
	for (size_t i = 0; i < p->dbus.n_rules; i++)
		if (p->dbus.rules[i].bus == bus)
			return p->dbus.rules[i].origin;
	return "command line";
}

static char *inside_socket(enum dbus_bus bus, const struct identity *id)
{
	return bus == DBUS_SESSION ? xasprintf("%s/bus", id->runtime_dir) : xstrdup(SYSTEM_SOCKET);
}

/* The path of the first unix:path= address of a D-Bus address list, %XX unescaped; NULL when
 * there is none. *abstract is set when the address is an abstract socket. */
static char *address_path(const char *address, bool *abstract)
{
	*abstract = false;
	_cleanup_free_ char *copy = xstrdup(address);
	char *save = NULL;
	for (char *a = strtok_r(copy, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
		if (strncmp(a, "unix:", 5) != 0)
			continue;
		char *save2 = NULL;
		for (char *kv = strtok_r(a + 5, ",", &save2); kv; kv = strtok_r(NULL, ",", &save2)) {
			if (strncmp(kv, "abstract=", 9) == 0)
				*abstract = true;
			if (strncmp(kv, "path=", 5) != 0)
				continue;
			char *out = xmalloc(strlen(kv + 5) + 1), *o = out;
			for (const char *s = kv + 5; *s; s++) {
				unsigned v;
				if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
				    sscanf(s + 1, "%2x", &v) == 1 && v) {
					*o++ = (char)v;
					s += 2;
				} else {
					*o++ = *s;
				}
			}
			*o = '\0';
			return out;
		}
	}
	return NULL;
}

/* The host's socket for bus: from DBUS_SESSION_BUS_ADDRESS (or XDG_RUNTIME_DIR/bus), or
 * DBUS_SYSTEM_BUS_ADDRESS (or /run/dbus/system_bus_socket). */
static int host_socket(enum dbus_bus bus, const struct identity *id, char **out, struct sbx_error *err)
{
	const char *var = bus == DBUS_SESSION ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS";
	const char *address = getenv(var);
	char *path = NULL;
	if (address && *address) {
		bool abstract;
		path = address_path(address, &abstract);
		if (!path)
			return sbx_fail(err, 0, "%s bus: %s=%s: only a bus with a unix:path= address can be granted%s",
					bus_names[bus], var, address,
					abstract ? " (an abstract socket cannot be bound)" : "");
	} else if (bus == DBUS_SYSTEM) {
		path = xstrdup(SYSTEM_SOCKET);
	} else {
		const char *runtime = getenv("XDG_RUNTIME_DIR");
		path = runtime && *runtime ? xasprintf("%s/bus", runtime)
					   : xasprintf("/run/user/%u/bus", (unsigned)id->outer_uid);
	}
	struct stat st;
	if (path[0] != '/' || !path_is_clean_absolute(path)) {
		sbx_fail(err, 0, "%s bus: %s is not a clean absolute path", bus_names[bus], path);
		free(path);
		return -EINVAL;
	}
	bool exists = lstat(path, &st) == 0;
	if (!exists || !S_ISSOCK(st.st_mode)) {
		sbx_fail(err, exists ? 0 : errno, "%s bus: %s%s", bus_names[bus], path, exists ? ": not a socket" : "");
		if (bus == DBUS_SESSION && !(address && *address))
			sbx_hint(err, "DBUS_SESSION_BUS_ADDRESS is not set; set it to the bus to grant");
		free(path);
		return -ENOENT;
	}
	*out = path;
	return 0;
}

/* The proxy's binary in PATH; NULL when it is not installed. */
static char *find_binary(void)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	_cleanup_free_ char *copy = xstrdup(path);
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;
		char *f = xasprintf("%s/%s", d, PROXY_BINARY);
		if (access(f, X_OK) == 0)
			return f;
		free(f);
	}
	return NULL;
}

static char *rule_arg(const struct dbus_rule *r)
{
	return xasprintf("--%s=%s", kind_names[r->kind], r->value);
}

/* A private directory for the proxy: in the caller's runtime directory when it has one of its own,
 * else in /tmp. It holds the proxy's profile (sbx, run by root, reads profiles only from root's
 * files) and sock/, where the proxy listens: the only part of it the proxy sees, owned by the
 * account the command (and the proxy) runs as. */
static char *make_dir(const struct identity *id)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *tmpl = id->outer_uid != 0 && runtime && runtime[0] == '/' && stat(runtime, &st) == 0 &&
				     S_ISDIR(st.st_mode) && st.st_uid == id->outer_uid
			     ? xasprintf("%s/sbx-dbus-XXXXXX", runtime)
			     : xstrdup("/tmp/sbx-dbus-XXXXXX");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	_cleanup_free_ char *sock = xasprintf("%s/sock", tmpl), *profile = xasprintf("%s/%s", tmpl, PROFILE_FILE);
	int fd = -1;
	if (chmod(tmpl, 0755) < 0 || mkdir(sock, 0700) < 0 ||
	    (id->outer_uid == 0 && chown(sock, id->uid, id->gid) < 0) ||
	    (fd = open(profile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0 ||
	    write(fd, PROXY_PROFILE, sizeof(PROXY_PROFILE) - 1) != sizeof(PROXY_PROFILE) - 1) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		unlink(profile);
		rmdir(sock);
		rmdir(tmpl);
		free(tmpl);
		errno = e;
		return NULL;
	}
	close(fd);
	return tmpl;
}

static int start_proxy(const struct policy *p, const struct identity *id, struct dbus_session *g,
		       enum dbus_bus bus, const char *binary, struct sbx_error *err)
{
	g->proxy_dir = make_dir(id);
	if (!g->proxy_dir)
		return sbx_fail(err, errno, "%s bus: making the proxy's directory", bus_names[bus]);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return sbx_fail(err, errno, "%s bus: pipe", bus_names[bus]);

	size_t max = 24 + p->dbus.n_rules;
	char **argv = xcalloc(max, sizeof(*argv));
	size_t n = 0;
	argv[n++] = xstrdup("sbx");
	argv[n++] = xstrdup("--quiet");
	argv[n++] = xasprintf("--profile=%s/%s", g->proxy_dir, PROFILE_FILE);
	argv[n++] = xasprintf("--bind=%s", g->host_socket);
	argv[n++] = xasprintf("--bind=%s/sock", g->proxy_dir);
	argv[n++] = xasprintf("--pass-fd=%d", pipefd[1]);
	if (id->outer_uid == 0 && id->user)
		argv[n++] = xasprintf("--user=%s", id->user);
	argv[n++] = xstrdup("--");
	argv[n++] = xstrdup(binary);
	argv[n++] = xasprintf("--fd=%d", pipefd[1]);
	argv[n++] = xasprintf("unix:path=%s", g->host_socket);
	argv[n++] = xasprintf("%s/sock/bus", g->proxy_dir);
	argv[n++] = xstrdup("--filter");
	for (size_t i = 0; i < p->dbus.n_rules; i++)
		if (p->dbus.rules[i].bus == bus)
			argv[n++] = rule_arg(&p->dbus.rules[i]);
	argv[n] = NULL;

	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* Ends with sbx, even when sbx is killed; the proxy also ends when the pipe closes. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		if (fcntl(pipefd[1], F_SETFD, 0) < 0 || chdir("/") < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	int fork_errno = errno;
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return sbx_fail(err, fork_errno, "%s bus: starting %s", bus_names[bus], PROXY_BINARY);
	}
	g->pid = pid;
	g->sync_fd = pipefd[0];
	char c = 0;
	ssize_t got;
	do
		got = read(pipefd[0], &c, 1);
	while (got < 0 && errno == EINTR);
	if (got == 1 && c == 'x')
		return 0;
	int status = 0;
	waitpid(pid, &status, 0);
	g->pid = 0;
	close(g->sync_fd);
	return sbx_fail(err, 0, "%s bus: %s did not start listening (its sandbox %s %d)", bus_names[bus],
			PROXY_BINARY, WIFEXITED(status) ? "exited with status" : "was killed by signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

static bool env_named(const struct sandbox_plan *pl, const char *var)
{
	for (size_t i = 0; i < pl->n_env; i++) {
		const char *n = pl->env[i].name;
		size_t len = strlen(n);
		if (strcmp(n, var) == 0 || (len && n[len - 1] == '*' && strncmp(n, var, len - 1) == 0))
			return true;
	}
	return false;
}

static int plan_bus(struct sandbox_plan *pl, enum dbus_bus bus, const char *binary, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	const struct identity *id = pl->id;
	struct dbus_session *g = &pl->dbus[bus];
	const char *origin = first_origin(p, bus);
	free(g->inside);
	g->inside = inside_socket(bus, id);
	const char *inside = g->inside;
	int r = host_socket(bus, id, &g->host_socket, err);
	if (r < 0)
		return r;
	if (p->dbus.bus[bus].raw) {
		plan_add_mount(pl, MOUNT_BIND, g->host_socket, inside, false, origin);
	} else if (!pl->explain) {
		if (!binary) {
			sbx_fail(err, 0, "%s bus (%s): %s is not installed (looked in PATH); it filters the bus for the "
				 "sandbox", bus_names[bus], origin, PROXY_BINARY);
			sbx_hint(err, "install the package xdg-dbus-proxy");
			return -ENOENT;
		}
		r = start_proxy(p, id, g, bus, binary, err);
		if (r < 0)
			return r;
		_cleanup_free_ char *sock = xasprintf("%s/sock/bus", g->proxy_dir);
		plan_add_mount(pl, MOUNT_BIND, sock, inside, false, origin);
	}
	_cleanup_free_ char *value = xasprintf("unix:path=%s", inside);
	plan_add_env(pl, ENV_SET, bus == DBUS_SESSION ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS",
		       value, origin);
	return 0;
}

int dbus_plan(struct sandbox_plan *pl, struct sbx_error *err)
{
	const struct policy *p = pl->policy;
	_cleanup_free_ char *binary = NULL;
	bool need_proxy = false;
	for (int b = 0; b < DBUS_N_BUSES; b++)
		need_proxy |= !p->dbus.bus[b].raw && n_rules(p, (enum dbus_bus)b) > 0;
	if (need_proxy)
		binary = find_binary();
	for (int b = 0; b < DBUS_N_BUSES; b++) {
		enum dbus_bus bus = (enum dbus_bus)b;
		if (!granted(p, bus))
			continue;
		int r = plan_bus(pl, bus, binary, err);
		if (r < 0 && pl->explain) {
			struct dbus_session *g = &pl->dbus[b];
			free(g->refused);
			g->refused = err->code ? xasprintf("%s: %s", err->msg, strerror(err->code)) : xstrdup(err->msg);
			*err = (struct sbx_error){ 0 };
			continue;
		}
		if (r < 0)
			return r;
		if (pl->explain && !p->dbus.bus[b].raw && !binary)
			pl->dbus[b].refused = xasprintf("%s is not installed (looked in PATH)", PROXY_BINARY);
	}
	/* No session bus granted: an address that leads nowhere, so that nothing autolaunches one. */
	if (!granted(p, DBUS_SESSION) && !env_named(pl, "DBUS_SESSION_BUS_ADDRESS")) {
		_cleanup_free_ char *dead = xasprintf("unix:path=%s/bus", pl->id->runtime_dir);
		plan_add_env(pl, ENV_SET, "DBUS_SESSION_BUS_ADDRESS", dead, "no session bus granted");
	}
	return 0;
}

void dbus_release(struct dbus_session sessions[DBUS_N_BUSES])
{
	for (int b = 0; b < DBUS_N_BUSES; b++) {
		struct dbus_session *g = &sessions[b];
		if (g->pid > 0) {
			close(g->sync_fd);  /* the proxy exits on the pipe's hangup */
			kill(g->pid, SIGTERM);
			while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
				;
			g->pid = 0;
		}
		if (g->proxy_dir) {
			_cleanup_free_ char *sock = xasprintf("%s/sock/bus", g->proxy_dir);
			_cleanup_free_ char *profile = xasprintf("%s/%s", g->proxy_dir, PROFILE_FILE);
			unlink(sock);
			*strrchr(sock, '/') = '\0';
			rmdir(sock);
			unlink(profile);
			rmdir(g->proxy_dir);
			free(g->proxy_dir);
			g->proxy_dir = NULL;
		}
	}
}

/* ---- explaining ---- */

static const char *kind_text(enum dbus_rule_kind kind)
{
	switch (kind) {
	case DBUS_SEE:
		return "the name is visible (ListNames, GetNameOwner, its signals' sender), nothing can be called";
	case DBUS_TALK:
		return "any method of the name's owner can be called and its signals received; a name the host bus "
		       "can activate is started by the host bus, OUTSIDE the sandbox";
	case DBUS_OWN:
		return "the sandbox may own the name (and talk to it): others on the bus can call it";
	case DBUS_CALL:
		return "only the methods and object paths of RULE may be called on that name";
	case DBUS_BROADCAST:
		return "signals from that name matching RULE are delivered";
	}
	return "";
}

static const char *filtered_text(void)
{
	return "filtered by xdg-dbus-proxy (--filter), itself confined by sbx (no network, only the bus's socket "
	       "and its own directory): the bus daemon answers only the basics (Hello, AddMatch, GetNameOwner, "
	       "ListNames shows only what is granted); every other name is invisible and cannot be called; replies "
	       "go only to calls that were made; no eavesdropping or monitoring";
}

static const char *raw_text(enum dbus_bus bus)
{
	return bus == DBUS_SESSION
		       ? "A HOLE: the session bus itself, unfiltered: every service of your session can be called "
			 "(systemd --user and flatpak-spawn --host start commands outside the sandbox; secrets, "
			 "notifications, the desktop's settings), every name can be owned and signals watched"
		       : "A HOLE: the system bus itself, unfiltered: every system service is reachable with your "
			 "uid's rights (polkit decides what it may do)";
}

void dbus_explain(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	for (int b = 0; b < DBUS_N_BUSES; b++) {
		enum dbus_bus bus = (enum dbus_bus)b;
		const struct dbus_bus_grant *g = &p->dbus.bus[b];
		const struct dbus_session *s = &pl->dbus[b];
		if (!granted(p, bus)) {
			fprintf(out, "dbus %s bus: none%s\n", bus_names[b],
				bus == DBUS_SESSION ? " (DBUS_SESSION_BUS_ADDRESS leads nowhere, so no bus is autolaunched)"
						    : " (no socket inside)");
			continue;
		}
		if (s->refused && !s->host_socket) {
			fprintf(out, "dbus %s bus: REFUSED here, nothing would start: %s  [%s]\n", bus_names[b], s->refused,
				first_origin(p, bus));
			continue;
		}
		if (g->raw) {
			fprintf(out, "dbus %s bus: socket %s bound as it is at %s  [%s]\n  %s\n", bus_names[b],
				s->host_socket ? s->host_socket : "?", s->inside ? s->inside : "?", g->raw_origin, raw_text(bus));
			if (n_rules(p, bus))
				fprintf(out, "  (the %zu name rule(s) for this bus are moot: the bus is not filtered)\n",
					n_rules(p, bus));
			continue;
		}
		fprintf(out, "dbus %s bus: a proxy of %s at %s (the bus's own socket is not inside)%s%s\n  %s\n",
			bus_names[b], s->host_socket ? s->host_socket : "?", s->inside ? s->inside : "?",
			s->refused ? "; REFUSED here: " : "", s->refused ? s->refused : "", filtered_text());
		for (size_t i = 0; i < p->dbus.n_rules; i++) {
			const struct dbus_rule *r = &p->dbus.rules[i];
			if (r->bus == bus)
				fprintf(out, "  %s %s: %s  [%s]\n", kind_names[r->kind], r->value, kind_text(r->kind), r->origin);
		}
	}
}

void dbus_explain_json(const struct sandbox_plan *pl, FILE *out)
{
	const struct policy *p = pl->policy;
	fputc('{', out);
	for (int b = 0; b < DBUS_N_BUSES; b++) {
		enum dbus_bus bus = (enum dbus_bus)b;
		const struct dbus_bus_grant *g = &p->dbus.bus[b];
		const struct dbus_session *s = &pl->dbus[b];
		fprintf(out, "%s\"%s\":", b ? "," : "", bus_names[b]);
		if (!granted(p, bus)) {
			fputs("null", out);
			continue;
		}
		fputs("{\"mode\":", out);
		json_string(out, g->raw ? "unfiltered" : "filtered");
		fputs(",\"host_socket\":", out);
		if (s->host_socket)
			json_string(out, s->host_socket);
		else
			fputs("null", out);
		fputs(",\"inside\":", out);
		json_string(out, s->inside ? s->inside : "");
		fputs(",\"refused\":", out);
		if (s->refused)
			json_string(out, s->refused);
		else
			fputs("null", out);
		fputs(",\"implies\":", out);
		json_string(out, g->raw ? raw_text(bus) : filtered_text());
		fputs(",\"origin\":", out);
		json_string(out, first_origin(p, bus));
		fputs(",\"rules\":[", out);
		bool first = true;
		for (size_t i = 0; i < p->dbus.n_rules; i++) {
			const struct dbus_rule *r = &p->dbus.rules[i];
			if (r->bus != bus)
				continue;
			fprintf(out, "%s{\"kind\":\"%s\",\"value\":", first ? "" : ",", kind_names[r->kind]);
			json_string(out, r->value);
			fputs(",\"implies\":", out);
			json_string(out, kind_text(r->kind));
			fputs(",\"origin\":", out);
			json_string(out, r->origin);
			fputc('}', out);
			first = false;
		}
		fputs("]}", out);
	}
	fputc('}', out);
}
