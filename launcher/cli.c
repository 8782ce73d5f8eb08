#include "cli.h"

#include <fcntl.h>
#include <string.h>

#include "bpf.h"
#include "cgroup.h"
#include "rlimits.h"
#include "x11.h"
#include "sockets.h"
#include "devices.h"
#include "dbus_proxy.h"

enum opt_id {
	OPT_BIND, OPT_RO_BIND, OPT_BIND_TRY, OPT_RO_BIND_TRY, OPT_DEV_BIND, OPT_DEV_BIND_TRY, OPT_TMPFS,
	OPT_NET, OPT_HOSTNAME, OPT_SETENV, OPT_UNSETENV,
	OPT_KEEPENV, OPT_CLEARENV, OPT_PASS_FD,
	OPT_PROFILE, OPT_ALLOW, OPT_RLIMIT, OPT_TIMEOUT, OPT_LANDLOCK, OPT_APPARMOR, OPT_CONNECT, OPT_BIND_PORT, OPT_NET_RULES,
	OPT_EXEC_ALLOW, OPT_OPEN_DENY, OPT_LSM_RULES, OPT_USER, OPT_CAPS_KEEP,
	OPT_MEMORY_MAX, OPT_MEMORY_HIGH, OPT_PIDS_MAX, OPT_CPU_MAX, OPT_LIMITS_OPTIONAL,
	OPT_SOCKET, OPT_DEVICE, OPT_DEVICE_TRY, OPT_DBUS, OPT_KEEP_DISCARDED, OPT_APP, OPT_HOME, OPT_OVERLAY, OPT_OVERLAY_TMP, OPT_EXPLAIN, OPT_JSON, OPT_QUIET, OPT_VERSION, OPT_HELP,
	OPT_MASK,
};

struct opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
	const char *arg_name;
	const char *help;
};

static const struct opt options[] = {
	{ "--bind", OPT_BIND, true, "SRC[:DST]", "grant a host path read-write" },
	{ "--ro-bind", OPT_RO_BIND, true, "SRC[:DST]", "grant a host path read-only" },
	{ "--bind-try", OPT_BIND_TRY, true, "SRC[:DST]", "like --bind, skipped when SRC is missing" },
	{ "--ro-bind-try", OPT_RO_BIND_TRY, true, "SRC[:DST]", "like --ro-bind, skipped when SRC is missing" },
	{ "--dev-bind", OPT_DEV_BIND, true, "SRC[:DST]", "grant a host device node" },
	{ "--dev-bind-try", OPT_DEV_BIND_TRY, true, "SRC[:DST]", "like --dev-bind, skipped when SRC is missing" },
	{ "--tmpfs", OPT_TMPFS, true, "DST", "mount a private empty tmpfs at DST" },
	{ "--net", OPT_NET, true, "none|host", "network: own namespace with lo only (default), or the host's" },
	{ "--hostname", OPT_HOSTNAME, true, "NAME", "hostname inside (default: sbx)" },
	{ "--setenv", OPT_SETENV, true, "NAME=VALUE", "set an environment variable" },
	{ "--unsetenv", OPT_UNSETENV, true, "NAME", "remove an environment variable" },
	{ "--keepenv", OPT_KEEPENV, true, "NAME|PREFIX*", "pass this variable of yours (only locale, terminal, PATH and XDG dirs go in by default)" },
	{ "--clearenv", OPT_CLEARENV, false, NULL, "start from an empty environment" },
	{ "--pass-fd", OPT_PASS_FD, true, "N", "keep file descriptor N open in the sandbox" },
	{ "--profile", OPT_PROFILE, true, "NAME|PATH", "use this profile instead of COMMAND's" },
	{ "--allow", OPT_ALLOW, true, "devel|userns|multiarch|jit|abstract-unix|signals", "relax an always-on protection (visible in --explain)" },
	{ "--rlimit", OPT_RLIMIT, true, "NAME=SOFT[:HARD]", "set a resource limit, e.g. nofile=1024, as=2G, cpu=30s:40s" },
	{ "--timeout", OPT_TIMEOUT, true, "DURATION", "SIGTERM after DURATION, SIGKILL 5 s later" },
	{ "--connect", OPT_CONNECT, true, "[ADDR[/N]:]PORT[-PORT]", "allow connecting/sending only to these (repeatable; eBPF as root, else Landlock TCP ports)" },
	{ "--bind-port", OPT_BIND_PORT, true, "[ADDR[/N]:]PORT[-PORT]", "allow binding only these local ports (repeatable)" },
	{ "--net-rules", OPT_NET_RULES, true, "required|optional", "refuse to run when address rules cannot be enforced (default), or widen them to ports" },
	{ "--exec-allow", OPT_EXEC_ALLOW, true, "PATH", "only these files may be executed (repeatable; BPF-LSM, root only)" },
	{ "--open-deny", OPT_OPEN_DENY, true, "PATH", "refuse opening this file or anything below this directory (repeatable; BPF-LSM)" },
	{ "--lsm-rules", OPT_LSM_RULES, true, "required|optional", "refuse to run when BPF-LSM cannot enforce the file rules (default), or run without them" },
	{ "--user", OPT_USER, true, "NAME", "root only: run the command as this account instead of nobody" },
	{ "--caps-keep", OPT_CAPS_KEEP, true, "net_bind_service", "root only: the command may bind the ports below 1024 that its bind rules grant" },
	{ "--landlock", OPT_LANDLOCK, true, "required|optional", "refuse to run without Landlock (default), or best effort" },
	{ "--apparmor", OPT_APPARMOR, true, "NAME", "stack the loaded AppArmor profile NAME on COMMAND (refused where AppArmor is off)" },
	{ "--memory-max", OPT_MEMORY_MAX, true, "SIZE", "cgroup memory.max" },
	{ "--memory-high", OPT_MEMORY_HIGH, true, "SIZE", "cgroup memory.high" },
	{ "--pids-max", OPT_PIDS_MAX, true, "N", "cgroup pids.max" },
	{ "--cpu-max", OPT_CPU_MAX, true, "QUOTA[/PERIOD]|N%", "cgroup cpu.max" },
	{ "--limits-optional", OPT_LIMITS_OPTIONAL, false, NULL, "run even when cgroup limits cannot be applied" },
	{ "--socket", OPT_SOCKET, true, "x11|x11-trusted|x11-optional|session-bus|system-bus", "the X display of DISPLAY alone, with an untrusted cookie (x11-trusted: full access; x11-optional: trusted if the server cannot make one); session-bus, system-bus: the bus itself, unfiltered (a hole)" },
	{ "--socket", OPT_SOCKET, true, "wayland|pulseaudio|pipewire", "that server's socket alone in the runtime directory (NAME-optional: none, with a note, when it is missing)" },
	{ "--device", OPT_DEVICE, true, "dri|snd|video", "the GPU, ALSA or camera device nodes (refused when there are none)" },
	{ "--device-try", OPT_DEVICE_TRY, true, "dri|snd|video", "the same, skipped with a note when there are none" },
	{ "--talk-name", OPT_DBUS, true, "NAME", "session bus through a filtering proxy: call NAME (org.example.App or org.example.*)" },
	{ "--own-name", OPT_DBUS, true, "NAME", "session bus proxy: may own NAME" },
	{ "--see-name", OPT_DBUS, true, "NAME", "session bus proxy: NAME is visible, not callable" },
	{ "--call", OPT_DBUS, true, "NAME=RULE", "session bus proxy: only these calls to NAME (RULE: [IFACE.METHOD|IFACE.*|*][@PATH[/*]])" },
	{ "--broadcast", OPT_DBUS, true, "NAME=RULE", "session bus proxy: receive NAME's signals matching RULE" },
	{ "--system-talk-name", OPT_DBUS, true, "NAME", "system bus through a filtering proxy (also --system-own-name, -see-name, -call, -broadcast)" },
	{ "--system-own-name", OPT_DBUS, true, "NAME", NULL },
	{ "--system-see-name", OPT_DBUS, true, "NAME", NULL },
	{ "--system-call", OPT_DBUS, true, "NAME=RULE", NULL },
	{ "--system-broadcast", OPT_DBUS, true, "NAME=RULE", NULL },
	{ "--keep-discarded", OPT_KEEP_DISCARDED, true, "DIR", "copy the files written to the private home, /tmp, /var/tmp into DIR at exit" },
	{ "--app", OPT_APP, true, "NAME", "keep the app's state under NAME (default: the command's profile lookup name)" },
	{ "--home", OPT_HOME, true, "tmpfs|persistent", "the home inside: empty each run (default), or the app's own, kept" },
	{ "--overlay", OPT_OVERLAY, true, "PATH", "PATH shows the host's files; changes go to the app's upper layer (sbx overlay diff|reset)" },
	{ "--overlay-tmp", OPT_OVERLAY_TMP, true, "PATH", "like --overlay, changes discarded at exit" },
	{ "--mask", OPT_MASK, true, "PATH", "cover PATH with an empty read-only file or directory, also inside grants" },
	{ "--explain", OPT_EXPLAIN, false, NULL, "print what the sandbox would be, run nothing" },
	{ "--json", OPT_JSON, false, NULL, "JSON output: with --explain the sandbox, else how it ended (stderr)" },
	{ "--quiet", OPT_QUIET, false, NULL, "no notes on stderr (errors and warnings about discarded files are still printed)" },
	{ "-q", OPT_QUIET, false, NULL, NULL },
	{ "--version", OPT_VERSION, false, NULL, "print the version" },
	{ "--help", OPT_HELP, false, NULL, "print this help" },
	{ "-h", OPT_HELP, false, NULL, NULL },
};

void cli_usage(FILE *out)
{
	fputs("Usage: sbx [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       sbx profile check FILE... | profile show APP [--json] | profile which COMMAND | profile dirs\n"
	      "       sbx learn [-o FILE] [OPTIONS] [--] COMMAND [ARG...]\n"
	      "       sbx seccomp export APP [PFC-FILE [BPF-FILE]]\n"
	      "       sbx desktop enable|disable|list|sync [--system] [APP...]\n"
	      "       sbx wrap [--system] APP... | wrap --list\n"
	      "       sbx unwrap [--system] APP...\n"
	      "       sbx apps [reset APP [--yes]]\n"
	      "       sbx overlay diff|reset APP [PATH]\n"
	      "Run COMMAND in a sandbox built from its profile (see sbx(1), sbx-profile(5)).\n\n",
	      out);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		const struct opt *o = &options[i];
		if (!o->help)
			continue;
		char left[64];
		snprintf(left, sizeof(left), "%s%s%s", o->name, o->has_arg ? " " : "",
			 o->has_arg ? o->arg_name : "");
		fprintf(out, "  %-30s %s\n", left, o->help);
	}
}

/* Finds the option for argv[i]; supports "--opt=value". */
static const struct opt *find_option(const char *arg, const char **inline_value)
{
	*inline_value = NULL;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		if (strlen(options[i].name) == len && strncmp(options[i].name, arg, len) == 0) {
			if (eq)
				*inline_value = eq + 1;
			return &options[i];
		}
	}
	return NULL;
}

/* Walks the options, calling `each` for every one with its value; stops at COMMAND. */
typedef int (*opt_fn)(const struct opt *o, const char *value, void *ctx, struct sbx_error *err);

static int walk_options(int argc, char **argv, opt_fn each, void *ctx, int *command_index,
			struct sbx_error *err)
{
	int i = 1;
	while (i < argc) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break;
		const char *value;
		const struct opt *o = find_option(arg, &value);
		if (!o)
			return sbx_fail(err, 0, "unknown option '%s' (see sbx --help)", arg);
		if (o->has_arg && !value) {
			if (i + 1 >= argc)
				return sbx_fail(err, 0, "option %s needs an argument %s", o->name, o->arg_name);
			value = argv[++i];
		} else if (!o->has_arg && value) {
			return sbx_fail(err, 0, "option %s takes no argument", o->name);
		}
		/* An option without an argument gets "", so that no callback meets a NULL value. */
		int r = each(o, value ? value : "", ctx, err);
		if (r < 0)
			return r;
		i++;
	}
	*command_index = i;
	return 0;
}

static int scan_one(const struct opt *o, const char *value, void *ctx, struct sbx_error *err)
{
	struct cli *cli = ctx;
	switch (o->id) {
	case OPT_PROFILE: cli->profile = value; break;
	case OPT_APP:
		if (!app_name_valid(value))
			return sbx_fail(err, 0, "--app '%s': expected 1 to 64 letters, digits, '.', '_', '+' or '-'", value);
		cli->app = value;
		break;
	case OPT_USER:
		if (!user_name_valid(value))
			return sbx_fail(err, 0, "--user '%s': expected an account name", value);
		cli->user = value;
		break;
	case OPT_CAPS_KEEP:
		if (!capability_keepable(value))
			return sbx_fail(err, 0, "--caps-keep '%s': net_bind_service is the only capability sbx can keep", value);
		cli->caps_keep = true;
		break;
	case OPT_EXPLAIN: cli->explain = true; break;
	case OPT_JSON: cli->json = true; break;
	case OPT_QUIET: cli->quiet = true; break;
	case OPT_VERSION: if (cli->action == CLI_RUN) cli->action = CLI_VERSION; break;
	case OPT_HELP: cli->action = CLI_HELP; break;
	default: break;
	}
	return 0;
}

int cli_scan(int argc, char **argv, struct cli *cli, struct sbx_error *err)
{
	memset(cli, 0, sizeof(*cli));
	return walk_options(argc, argv, scan_one, cli, &cli->command_index, err);
}

struct apply_ctx {
	struct policy *p;
	const char *cwd;
};

static int add_bind(struct apply_ctx *c, const struct opt *o, const char *value, struct sbx_error *err)
{
	enum mount_kind kind = MOUNT_BIND;
	bool optional = false;
	switch (o->id) {
	case OPT_RO_BIND: kind = MOUNT_RO_BIND; break;
	case OPT_BIND_TRY: optional = true; break;
	case OPT_RO_BIND_TRY: kind = MOUNT_RO_BIND; optional = true; break;
	case OPT_DEV_BIND: kind = MOUNT_DEV_BIND; break;
	case OPT_DEV_BIND_TRY: kind = MOUNT_DEV_BIND; optional = true; break;
	default: break;
	}
	/* SRC[:DST]; "\\:" is a colon that belongs to a path. */
	_cleanup_free_ char *text = xstrdup(value);
	char *dst = NULL;
	for (char *r = text, *w = text;; r++) {
		if (r[0] == '\\' && r[1] == ':') {
			*w++ = *++r;
		} else if (*r == ':' && !dst) {
			*w++ = '\0';
			dst = w;
		} else if (!(*w++ = *r)) {
			break;
		}
	}
	if (!*text)
		return sbx_fail(err, 0, "%s '%s': empty source path", o->name, value);
	/* Relative sources ("." too) are the caller's: resolved against the working directory. */
	_cleanup_free_ char *src = path_join_clean(c->cwd, text);
	if (!dst)
		dst = src;
	if (!path_is_clean_absolute(dst))
		return sbx_fail(err, 0, "%s '%s': destination must be an absolute path without '.' or '..'",
				o->name, value);
	policy_add_mount(c->p, kind, src, dst, optional, "command line");
	return 0;
}

static int parse_size_option(const char *name, const char *value, unsigned long long *out,
			     struct sbx_error *err)
{
	if (size_parse(value, out) < 0)
		return sbx_fail(err, 0, "%s '%s': expected a size such as 512M or 2G", name, value);
	return 0;
}

static int apply_one(const struct opt *o, const char *value, void *ctx, struct sbx_error *err)
{
	struct apply_ctx *c = ctx;
	struct policy *p = c->p;
	long long n;
	switch (o->id) {
	case OPT_BIND: case OPT_RO_BIND: case OPT_BIND_TRY: case OPT_RO_BIND_TRY: case OPT_DEV_BIND:
	case OPT_DEV_BIND_TRY:
		return add_bind(c, o, value, err);
	case OPT_TMPFS:
		if (!path_is_clean_absolute(value))
			return sbx_fail(err, 0, "--tmpfs '%s': expected an absolute path without '.' or '..'", value);
		policy_add_mount(p, MOUNT_TMPFS, NULL, value, false, "command line");
		return 0;
	case OPT_NET:
		if (strcmp(value, "host") == 0)
			p->net = NET_HOST;
		else if (strcmp(value, "none") == 0)
			p->net = NET_NONE;
		else
			return sbx_fail(err, 0, "--net '%s': expected 'none' or 'host'", value);
		return 0;
	case OPT_HOSTNAME:
		if (!*value || strlen(value) > 64 || strchr(value, '/'))
			return sbx_fail(err, 0, "--hostname '%s': expected 1 to 64 characters", value);
		free(p->hostname);
		p->hostname = xstrdup(value);
		return 0;
	case OPT_SETENV: {
		const char *eq = strchr(value, '=');
		if (!eq || eq == value)
			return sbx_fail(err, 0, "--setenv '%s': expected NAME=VALUE", value);
		_cleanup_free_ char *name = xstrndup(value, (size_t)(eq - value));
		policy_add_env(p, ENV_SET, name, eq + 1, "command line");
		return 0;
	}
	case OPT_UNSETENV:
		if (!*value || strchr(value, '='))
			return sbx_fail(err, 0, "--unsetenv '%s': expected a variable name", value);
		policy_add_env(p, ENV_UNSET, value, NULL, "command line");
		return 0;
	case OPT_KEEPENV:
		if (!*value || strchr(value, '=') || (strchr(value, '*') && strchr(value, '*')[1]))
			return sbx_fail(err, 0, "--keepenv '%s': expected a variable name, or a prefix ending in '*'", value);
		policy_add_env(p, ENV_KEEP, value, NULL, "command line");
		return 0;
	case OPT_CLEARENV:
		p->clearenv = true;
		/* Variables set earlier (by the profile) survive; the host's do not. */
		return 0;
	case OPT_PASS_FD:
		if (!parse_int(value, 0, 65535, &n))
			return sbx_fail(err, 0, "--pass-fd '%s': expected a file descriptor number", value);
		if (fcntl((int)n, F_GETFD) < 0)
			return sbx_fail(err, errno, "--pass-fd %lld", n);
		policy_add_pass_fd(p, (int)n);
		return 0;
	case OPT_ALLOW:
		if (policy_allow(p, value) < 0)
			return sbx_fail(err, 0, "--allow '%s': expected " POLICY_ALLOW_NAMES, value);
		return 0;
	case OPT_RLIMIT: {
		const char *eq = strchr(value, '=');
		if (!eq)
			return sbx_fail(err, 0, "--rlimit '%s': expected NAME=VALUE", value);
		_cleanup_free_ char *name = xstrndup(value, (size_t)(eq - value));
		int resource;
		rlim_t soft, hard;
		int r = rlimit_parse_pair(name, eq + 1, &resource, &soft, &hard, err);
		if (r < 0)
			return r;
		struct rlimit_setting *s = &p->rlimits[resource];
		free(s->origin);
		*s = (struct rlimit_setting){ .set = true, .soft = soft, .hard = hard,
					      .origin = xstrdup("command line") };
		return 0;
	}
	case OPT_TIMEOUT:
		if (duration_parse(value, &p->timeout_ms) < 0 || p->timeout_ms == 0)
			return sbx_fail(err, 0, "--timeout '%s': expected a duration such as 30s, 5m or 1500ms", value);
		return 0;
	case OPT_CONNECT:
	case OPT_BIND_PORT:
		return net_rule_parse(value, o->id == OPT_BIND_PORT, p, "command line", err);
	case OPT_NET_RULES:
		if (requirement_from_string(value, &p->net_rules_requirement) < 0)
			return sbx_fail(err, 0, "--net-rules '%s': expected 'required' or 'optional'", value);
		return 0;
	case OPT_EXEC_ALLOW:
	case OPT_OPEN_DENY: {
		if (!*value)
			return sbx_fail(err, 0, "%s: empty path", o->name);
		_cleanup_free_ char *path = value[0] == '/' ? xstrdup(value) : xasprintf("%s/%s", c->cwd, value);
		if (!path_is_clean_absolute(path))
			return sbx_fail(err, 0, "%s '%s': expected a path without '.' or '..'", o->name, value);
		policy_add_lsm_rule(p, o->id == OPT_EXEC_ALLOW ? LSM_EXEC_ALLOW : LSM_OPEN_DENY, path, false,
				    "command line");
		return 0;
	}
	case OPT_LSM_RULES:
		if (requirement_from_string(value, &p->lsm_rules_requirement) < 0)
			return sbx_fail(err, 0, "--lsm-rules '%s': expected 'required' or 'optional'", value);
		return 0;
	case OPT_LANDLOCK:
		if (requirement_from_string(value, &p->landlock) < 0)
			return sbx_fail(err, 0, "--landlock '%s': expected 'required' or 'optional'", value);
		return 0;
	case OPT_APPARMOR:
		if (!*value || strpbrk(value, " \t\n"))
			return sbx_fail(err, 0, "--apparmor '%s': expected an AppArmor profile name", value);
		free(p->apparmor_profile);
		free(p->apparmor_origin);
		p->apparmor_profile = xstrdup(value);
		p->apparmor_origin = xstrdup("command line");
		p->apparmor = REQ_REQUIRED;
		return 0;
	case OPT_MEMORY_MAX:
		return parse_size_option(o->name, value, &p->cgroup.memory_max, err);
	case OPT_MEMORY_HIGH:
		return parse_size_option(o->name, value, &p->cgroup.memory_high, err);
	case OPT_PIDS_MAX:
		if (!parse_int(value, 1, 4194304, &n))
			return sbx_fail(err, 0, "--pids-max '%s': expected a number of processes", value);
		p->cgroup.pids_max = (unsigned long long)n;
		return 0;
	case OPT_CPU_MAX:
		if (cpu_max_parse(value, &p->cgroup) < 0)
			return sbx_fail(err, 0, "--cpu-max '%s': expected QUOTA[/PERIOD] in microseconds or N%%", value);
		return 0;
	case OPT_LIMITS_OPTIONAL:
		p->cgroup.requirement = REQ_OPTIONAL;
		return 0;
	case OPT_USER:  /* checked in cli_scan */
		free(p->user);
		free(p->user_origin);
		p->user = xstrdup(value);
		p->user_origin = xstrdup("command line");
		return 0;
	case OPT_CAPS_KEEP:
		p->bind_service = true;
		free(p->bind_service_origin);
		p->bind_service_origin = xstrdup("command line");
		return 0;
	case OPT_QUIET:
		p->quiet = true;
		return 0;
	case OPT_SOCKET: {
		const char *why = NULL;
		enum x11_mode mode;
		bool optional;
		int which = sockets_parse(value, &optional);
		if (which >= 0) {
			sockets_grant(p, which, optional, "command line");
			return 0;
		}
		enum dbus_bus bus;
		if (dbus_socket_name(value, &bus)) {
			dbus_add_raw(p, bus, "command line");
			return 0;
		}
		if (x11_socket_parse(value, &mode, &optional, &why) < 0)
			return sbx_fail(err, 0, "--socket '%s': %s", value, why);
		p->x11.mode = mode;
		p->x11.optional = optional;
		free(p->x11.origin);
		p->x11.origin = xstrdup("command line");
		return 0;
	}
	case OPT_DBUS: {
		enum dbus_bus bus;
		enum dbus_rule_kind kind;
		const char *why = NULL;
		size_t at = 0;
		if (!dbus_directive(o->name + 2, &bus, &kind))
			return 0;
		if (dbus_rule_check(kind, value, &why, &at) < 0)
			return sbx_fail(err, 0, "%s '%s': %s (at character %zu)", o->name, value, why, at + 1);
		dbus_add_rule(p, bus, kind, value, "command line");
		return 0;
	}
	case OPT_DEVICE: case OPT_DEVICE_TRY: {
		int which = devices_parse(value);
		if (which < 0)
			return sbx_fail(err, 0, "%s '%s': unknown device class; expected dri, snd or video",
					o->id == OPT_DEVICE ? "--device" : "--device-try", value);
		devices_grant(p, which, o->id == OPT_DEVICE_TRY, "command line");
		return 0;
	}
	case OPT_APP:  /* checked in cli_scan, applied by main */
		return 0;
	case OPT_HOME:
		if (strcmp(value, "tmpfs") == 0)
			p->home = HOME_TMPFS;
		else if (strcmp(value, "persistent") == 0)
			p->home = HOME_PERSISTENT;
		else
			return sbx_fail(err, 0, "--home '%s': expected 'tmpfs' or 'persistent'", value);
		free(p->home_origin);
		p->home_origin = xstrdup("command line");
		return 0;
	case OPT_OVERLAY:
	case OPT_OVERLAY_TMP: {
		if (!*value)
			return sbx_fail(err, 0, "%s: empty path", o->name);
		_cleanup_free_ char *path = path_join_clean(c->cwd, value);
		if (!path_is_clean_absolute(path) || strcmp(path, "/") == 0)
			return sbx_fail(err, 0, "%s '%s': expected a directory other than /", o->name, value);
		policy_add_overlay(p, path, o->id == OPT_OVERLAY_TMP, false, "command line");
		return 0;
	}
	case OPT_MASK: {
		if (!*value)
			return sbx_fail(err, 0, "--mask: empty path");
		_cleanup_free_ char *path = path_join_clean(c->cwd, value);
		if (!path_is_clean_absolute(path) || strcmp(path, "/") == 0)
			return sbx_fail(err, 0, "--mask '%s': expected a path other than /", value);
		policy_add_mask(p, path, "command line");
		return 0;
	}
	case OPT_KEEP_DISCARDED:
		if (!*value)
			return sbx_fail(err, 0, "--keep-discarded: empty directory name");
		free(p->keep_discarded);
		p->keep_discarded = xstrdup(value);
		return 0;
	case OPT_PROFILE: case OPT_EXPLAIN: case OPT_JSON: case OPT_VERSION: case OPT_HELP:
		return 0;  /* handled in cli_scan */
	}
	return 0;
}

int cli_apply(int argc, char **argv, const struct cli *cli, const char *cwd, struct policy *p,
	      struct sbx_error *err)
{
	struct apply_ctx c = { .p = p, .cwd = cwd };
	int command_index = argc;
	int r = walk_options(argc, argv, apply_one, &c, &command_index, err);
	if (r < 0)
		return r;
	if (p->cgroup.memory_max || p->cgroup.memory_high || p->cgroup.pids_max || p->cgroup.cpu_quota_us) {
		if (!p->cgroup.origin)
			p->cgroup.origin = xstrdup("command line");
	}
	p->argc = (size_t)(argc - command_index);
	p->argv = xcalloc(p->argc + 1, sizeof(char *));
	for (size_t i = 0; i < p->argc; i++)
		p->argv[i] = xstrdup(argv[command_index + (int)i]);
	return 0;
}
