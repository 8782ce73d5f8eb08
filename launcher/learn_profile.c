/* Writing what `sbx learn` recorded (learn.c) as a profile fragment: the syscall allow-set
 * collapsed into groups, the host paths to grant (and, as comments, the ones left out), the network
 * rules; and putting the fragment in place at FILE once the sandbox is gone. */
#include "learn_profile.h"

#include <fcntl.h>
#include <seccomp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "filecopy.h"
#include "netrules.h"
#include "profile.h"
#include "syscall_groups.h"
#include "userns.h"
#include "util.h"
#include "workdir.h"

/* ---- syscall groups ---- */

struct name_set {
	const char *const *names;
	size_t n;
};

static bool name_in(const struct name_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return true;
	return false;
}

struct group_check {
	const struct name_set *used;
	bool all_used;
	size_t members;  /* members that exist on this architecture */
};

static int check_member(const char *syscall, void *userdata)
{
	struct group_check *c = userdata;
	if (seccomp_syscall_resolve_name(syscall) < 0)
		return 0;  /* not on this architecture (riscv_*, *32...: libseccomp gives < 0) */
	c->members++;
	if (!name_in(c->used, syscall))
		c->all_used = false;
	return 0;
}

/* Names collected from syscall_group_expand, which passes a buffer it reuses: copies. */
struct covered {
	char **names;
	size_t n;
};

static void covered_free(struct covered *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
}

static int mark_covered(const char *syscall, void *userdata)
{
	struct covered *c = userdata;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], syscall) == 0)
			return 0;
	*ARRAY_PUSH(c->names, c->n) = xstrdup(syscall);
	return 0;
}

static int count_new(const char *syscall, void *userdata)
{
	struct covered *c = userdata;
	if (seccomp_syscall_resolve_name(syscall) < 0)
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], syscall) == 0)
			return 0;
	return -1;  /* stops the walk: at least one member is not covered yet */
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t group_size(const char *name)
{
	size_t n = 0;
	struct covered none = { 0 };
	/* count members by collecting them */
	syscall_group_expand(name, mark_covered, &none);
	n = none.n;
	covered_free(&none);
	return n;
}

void learn_collapse(const char *const *names, size_t n,
		    void (*emit)(const char *item, bool is_group, void *userdata), void *userdata)
{
	struct name_set used = { names, n };
	size_t n_groups;
	const struct syscall_group *groups = syscall_groups_all(&n_groups);
	/* Larger groups first, so that a group wholly inside a chosen one is not listed too. */
	size_t *order = xcalloc(n_groups ? n_groups : 1, sizeof(*order));
	size_t *sizes = xcalloc(n_groups ? n_groups : 1, sizeof(*sizes));
	for (size_t i = 0; i < n_groups; i++) {
		order[i] = i;
		sizes[i] = group_size(groups[i].name);
	}
	for (size_t i = 1; i < n_groups; i++)
		for (size_t j = i; j > 0 && sizes[order[j]] > sizes[order[j - 1]]; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	struct covered cov = { 0 };
	for (size_t k = 0; k < n_groups; k++) {
		const struct syscall_group *g = &groups[order[k]];
		struct group_check c = { .used = &used, .all_used = true };
		if (syscall_group_expand(g->name, check_member, &c) < 0 || !c.all_used || c.members == 0)
			continue;
		if (syscall_group_expand(g->name, count_new, &cov) == 0)
			continue;  /* everything in it is already covered */
		syscall_group_expand(g->name, mark_covered, &cov);
		emit(g->name, true, userdata);
	}
	const char **rest = xcalloc(n ? n : 1, sizeof(*rest));
	size_t n_rest = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < cov.n && !dup; j++)
			dup = strcmp(cov.names[j], names[i]) == 0;
		for (size_t j = 0; j < n_rest && !dup; j++)
			dup = strcmp(rest[j], names[i]) == 0;
		if (!dup)
			rest[n_rest++] = names[i];
	}
	qsort(rest, n_rest, sizeof(*rest), cmp_str);
	for (size_t i = 0; i < n_rest; i++)
		emit(rest[i], false, userdata);
	free(rest);
	covered_free(&cov);
	free(order);
	free(sizes);
}

/* ---- the fragment ---- */

/* The fragment is a profile (sbx-profile(5)) that `sbx profile check` accepts as it is: every line
 * below is a directive of that language, or a comment. */

struct emit_ctx {
	FILE *out;
	size_t col;
	size_t groups, names;
};

static void emit_item(const char *item, bool is_group, void *userdata)
{
	struct emit_ctx *c = userdata;
	static const char keyword[] = "syscalls allow";
	if (c->col == 0 || c->col + strlen(item) + 1 > 96) {
		fprintf(c->out, "%s%s", c->col ? "\n" : "", keyword);
		c->col = sizeof(keyword) - 1;
	}
	fprintf(c->out, " %s", item);
	c->col += strlen(item) + 1;
	if (is_group)
		c->groups++;
	else
		c->names++;
}

/* A word of the recorded command line inside a comment: a newline would end the comment and make
 * the rest of the word a directive, so control characters are written as escapes. */
static void comment_word(FILE *out, const char *word)
{
	fputc(' ', out);
	for (const unsigned char *c = (const unsigned char *)word; *c; c++) {
		if (*c == '\n')
			fputs("\\n", out);
		else if (*c == '\t')
			fputs("\\t", out);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(out, "\\x%02x", *c);
		else
			fputc(*c, out);
	}
}

/* One grant line, the path quoted as the profile language needs. */
static void grant_line(FILE *out, const char *directive, const char *path, bool write, const char *home)
{
	_cleanup_free_ char *word = profile_quote_word(path);
	if (!word)
		fputs("# skipped a path with a control character in its name: no profile line can hold it\n",
		      out);
	/* A read-write grant of the home or above it is an error in a profile unless written with
	 * `override`, which learn never writes for the user. */
	else if (write && home && home[0] == '/' && path_within(home, path))
		fprintf(out, "# it wrote in %s: granting that read-write needs 'override %s %s' (the whole "
			     "home); grant a directory below it instead\n", word, directive, word);
	else
		fprintf(out, "%s %s\n", directive, word);
}

static void write_network(const struct learned_run *run, FILE *out)
{
	if (!run->n_nets)
		return;
	fputs("\n# Network: the addresses it connected or sent to, the ports it bound. As root, eBPF\n"
	      "# enforces them as written (TCP and UDP); otherwise rules that name an address need\n"
	      "# --net-rules optional (or root), and the ports are enforced by Landlock (TCP only).\n"
	      "net host\n", out);
	char **seen = xcalloc(run->n_nets, sizeof(*seen));
	size_t n_seen = 0;
	for (size_t i = 0; i < run->n_nets; i++) {
		const struct learned_net *nn = &run->nets[i];
		/* A server binds a port, whatever address: the rule names only the port. */
		struct net_addr_rule r = { .bind = nn->bind, .family = nn->bind ? 0 : nn->family,
					   .prefix = nn->bind ? 0 : nn->family == AF_INET ? 32 : 128,
					   .port_lo = nn->port, .port_hi = nn->port };
		memcpy(r.addr, nn->addr, sizeof(r.addr));
		char text[96];
		net_rule_format(&r, text, sizeof(text));
		const char *rule = strncmp(text, "*:", 2) == 0 ? text + 2 : text;
		char *line = xasprintf("%s %s", nn->bind ? "net-bind" : "net-connect", rule);
		bool dup = false;
		for (size_t k = 0; k < n_seen && !dup; k++)
			dup = strcmp(seen[k], line) == 0;
		if (dup) {
			free(line);
			continue;
		}
		seen[n_seen++] = line;
		fprintf(out, "%s\n", line);
	}
	if (n_seen > NET_RULES_MAX)
		fprintf(out, "# note: sbx accepts at most %d network rules and these are %zu: merge them into "
			     "ranges (10.0.0.0/8:443, 8000-8100)\n", NET_RULES_MAX, n_seen);
	for (size_t k = 0; k < n_seen; k++)
		free(seen[k]);
	free(seen);
}

const char *learn_recorder_name(bool ebpf)
{
	return ebpf ? "eBPF recorder" : "seccomp notifier";
}

/* Sensitive, so a comment; except a write in the home itself, which grant_line explains (it needs
 * an override no fragment writes). */
static bool left_out(const struct learned_path *p, const char *home, const char *config_home)
{
	if (p->write && home && home[0] == '/' && path_within(home, p->path))
		return false;
	return path_is_sensitive(home, config_home, p->path);
}

/* A refused call that no successful one covers: a failed write stays a comment even if reads
 * of the same path worked. */
static bool failed_only(const struct learned_path *p)
{
	return p->failed && !(p->failed_write ? p->write : p->read || p->exec);
}

void learn_write_fragment(const struct learned_run *run, bool ebpf, char **cmd, char **base_opts,
			  size_t n_base, FILE *out)
{
	fputs("# sbx profile fragment written by `sbx learn` from one run of:\n#  ", out);
	for (char **a = cmd; *a; a++)
		comment_word(out, *a);
	fputs("\n# under the base:", out);
	for (size_t i = 0; i < n_base; i++)
		comment_word(out, base_opts[i]);
	if (n_base == 0)
		fputs(" (the command's own profile)", out);
	fprintf(out, "\n# %llu calls recorded by the %s%s. It grants what that run did and nothing else: "
		     "review it.\n\n", run->calls, learn_recorder_name(ebpf),
		ebpf ? " (syscalls; the seccomp notifier read paths and addresses)" : "");

	const char *names[LEARN_MAX_NR];
	size_t n = 0;
	char *owned[LEARN_MAX_NR];
	for (int nr = 0; nr < LEARN_MAX_NR; nr++) {
		if (!run->used[nr])
			continue;
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (name) {
			owned[n] = name;
			names[n++] = name;
		}
	}
	fputs("# Syscalls: everything else fails with ENOSYS (groups are listed when wholly used).\n"
	      "syscalls allowlist\n", out);
	struct emit_ctx c = { .out = out };
	learn_collapse(names, n, emit_item, &c);
	if (c.col)
		fputc('\n', out);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	if (run->lost)
		fprintf(out, "# note: %llu processes could not be tracked (the recorder's table was full): "
			     "calls may be missing\n", run->lost);
	if (run->foreign_arch)
		fputs("# note: the program made calls in a foreign ABI (i386/x32); they need --allow multiarch\n",
		      out);

	/* The home the profile parser guards is the one sbx picks for the caller. */
	struct identity id = { 0 };
	struct sbx_error id_err = { 0 };
	bool have_id = identity_init(&id, &id_err) == 0;
	const char *home = have_id ? id.home : NULL, *config_home = have_id ? id.config_home : NULL;
	size_t n_grants = 0, n_sensitive = 0, n_failed = 0;
	for (size_t i = 0; i < run->n_paths; i++) {
		const struct learned_path *p = &run->paths[i];
		bool reached = p->read || p->write || p->exec;
		if (left_out(p, home, config_home)) {
			n_sensitive++;
			continue;
		}
		n_grants += reached;
		n_failed += failed_only(p);
	}
	if (n_grants)
		fputs("\n# Host paths it opened that the base view does not show.\n", out);
	for (size_t i = 0; n_grants && i < run->n_paths; i++) {
		const struct learned_path *p = &run->paths[i];
		if ((p->read || p->write || p->exec) && !left_out(p, home, config_home))
			grant_line(out, p->write ? "bind-try" : "ro-bind-try", p->path, p->write, home);
	}
	if (n_sensitive)
		fputs("\n# Left out: sensitive paths (shell start-up files, autostart, keys, sbx's profiles, or a\n"
		      "# directory holding one). A program that can write or read them can escape or steal;\n"
		      "# grant one by hand only if you must.\n", out);
	for (size_t i = 0; n_sensitive && i < run->n_paths; i++) {
		const struct learned_path *p = &run->paths[i];
		if (!left_out(p, home, config_home))
			continue;
		fputs("# ", out);
		comment_word(out, p->path);
		if (p->read || p->write || p->exec)
			fprintf(out, " (%s in the run)\n", p->write ? "written" : p->exec ? "executed" : "read");
		else
			fprintf(out, " (tried to %s it: %s)\n", p->failed_write ? "write" : "open",
				strerror(p->failed));
	}
	if (n_failed)
		fputs("\n# Not granted: host paths it tried and failed to open in the run (in its view they were\n"
		      "# missing, read-only or not permitted). Grant one by hand if the program needs it.\n", out);
	for (size_t i = 0; n_failed && i < run->n_paths; i++) {
		const struct learned_path *p = &run->paths[i];
		if (!failed_only(p) || left_out(p, home, config_home))
			continue;
		fputs("# ", out);
		comment_word(out, p->path);
		fprintf(out, " (%s: %s)\n", p->failed_write ? "write" : "open", strerror(p->failed));
	}

	identity_free(&id);
	write_network(run, out);
}

/* ---- the output file ----
 *
 * FILE may lie inside a writable grant, where the program being learned can delete it, rewrite it
 * or plant a symlink there while it runs. So nothing is opened by FILE's name before the run: its
 * directory is opened then (O_PATH), and the fragment is written after the sandbox is gone (sbx has
 * exited, and the kernel has killed its whole pid namespace) into a new file made with O_EXCL
 * (which never follows a symlink) in that directory, and renamed over FILE. A symlink or file
 * planted at FILE is replaced, never followed or trusted; a directory on the way swapped for a
 * symlink during the run does not redirect the write, since the descriptor names the directory
 * FILE was in when learn started. Refusing paths inside writable grants instead would need the
 * whole mount plan here, and still leave the name to the program during the run. */

int learn_output_open(struct learn_output *o, const char *path, struct sbx_error *err)
{
	*o = (struct learn_output){ .dirfd = -1 };
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return sbx_fail(err, EINVAL, "learn: %s: not a file name", path);
	_cleanup_free_ char *dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	o->dirfd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0)
		return sbx_fail(err, errno, "learn: %s: cannot open its directory", path);
	struct stat st;
	if (fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		close(o->dirfd);
		o->dirfd = -1;
		return sbx_fail(err, EISDIR, "learn: %s", path);
	}
	o->name = xstrdup(name);
	return 0;
}

void learn_output_close(struct learn_output *o)
{
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->name);
	*o = (struct learn_output){ .dirfd = -1 };
}

/* Writes len bytes of text to a new file next to FILE and renames it over FILE (replacing whatever
 * is at FILE now, a symlink included, without following it). */
int learn_output_commit(const struct learn_output *o, const char *text, size_t len, const char *path,
			 struct sbx_error *err)
{
	char *tmp;
	int fd = file_replace_begin(o->dirfd, o->name, 0666, &tmp);
	if (fd < 0)
		return sbx_fail(err, -fd, "learn: cannot create a file next to %s", path);
	int r = 0;
	for (size_t done = 0; r == 0 && done < len;) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	r = file_replace_commit(o->dirfd, fd, &tmp, o->name, r);
	return r < 0 ? sbx_fail(err, -r, "learn: cannot put the fragment in place at %s", path) : 0;
}

void learned_run_free(struct learned_run *run)
{
	for (size_t i = 0; i < run->n_paths; i++)
		free(run->paths[i].path);
	free(run->paths);
	free(run->nets);
	*run = (struct learned_run){ 0 };
}
