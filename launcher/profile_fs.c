/* Profiles: the directives that shape the file system the command sees: bind, ro-bind, dev-bind,
 * tmpfs (and their -try forms), bind-create, grant-args with the files a launcher hands over,
 * ssh-agent, home, overlay, overlay-tmp, mask, and names (a profile's other command names). */
#include "profile_internal.h"

#include <string.h>
#include <sys/stat.h>

#include "hostpath.h"
#include "privdirs.h"
#include "workdir.h"

static int mount_rank(enum mount_kind k)
{
	switch (k) {
	case MOUNT_TMPFS: return 0;
	case MOUNT_RO_BIND: return 1;
	case MOUNT_BIND: return 2;
	case MOUNT_DEV_BIND: return 3;
	}
	return 3;
}

static int do_mount(struct parser *ps, struct line *ln, enum mount_kind kind, bool optional)
{
	struct token *src = kind == MOUNT_TMPFS ? NULL : arg(ln, 0);
	struct token *dst = kind == MOUNT_TMPFS ? arg(ln, 0) : ln->n > 1 ? arg(ln, 1) : src;
	/* The path words, each once: tmpfs has only DST, a bind SRC and maybe a DST of its own. */
	struct token *words[2] = { kind == MOUNT_TMPFS ? dst : src, dst };
	size_t n_words = kind != MOUNT_TMPFS && ln->n > 1 ? 2 : 1;
	for (size_t i = 0; i < n_words; i++) {
		int r = path_arg(ps, ln, words[i]);
		if (r < 0)
			return r;
		if (r == 1) {
			if (!optional)
				return undefined_word(ps, ln, words[i]);
			ln->skipped = true;
			/* Outside a repository there is nothing to say; a refused one is worth a line. */
			if (strcmp(words[i]->undefined, "GIT_TOP") == 0 && !ps->git_top_refused) {
				ln->note = xasprintf("skipped: ${GIT_TOP} is not defined: %s", words[i]->why);
				return 0;
			}
			note(ps, ln, "skipped: ${%s} is not defined: %s%s", words[i]->undefined,
			     words[i]->why ? words[i]->why : "no value",
			     strcmp(words[i]->undefined, "CWD") == 0 ? " (grant a directory with --bind DIR)" : "");
			ln->skipped = true;
			return 0;
		}
	}
	/* A writable grant of the home itself or of a directory above it throws away most of
	 * what the sandbox is for; it is never written by accident. */
	if ((kind == MOUNT_BIND || kind == MOUNT_DEV_BIND) && path_within(ps->home, src->text)) {
		if (ln->kind == PROFILE_KIND_INCLUDE || (!ln->override && ln->kind != PROFILE_KIND_COMMAND_LINE)) {
			int r = FAIL_TOK(ps, ln, src, "grants %s read-write",
					 strcmp(src->text, ps->home) == 0 ? "your whole home" : "a directory that contains your home");
			hint(ps, ln->kind == PROFILE_KIND_INCLUDE
						  ? "an include cannot do that; grant the directories the app needs"
						  : "grant the directories the app needs, or write 'override' in front to mean it");
			return r;
		}
		note(ps, ln, "%sgrants %s read-write", ln->override ? "override " : "", src->text);
	}
	const struct policy *p = ps->p;
	bool writable = kind == MOUNT_BIND || kind == MOUNT_DEV_BIND;
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		/* Looser at the same place inside, or the same host files writable at another place:
		 * `bind ~/.ssh /mnt/ssh` after `ro-bind ~/.ssh` loosens as much as `bind ~/.ssh`. A
		 * writable grant of something inside a read-only one is a new, narrower grant. */
		bool same_place = mount_rank(kind) > mount_rank(m->kind) && path_within(m->dst, dst->text);
		bool same_files = writable && m->kind == MOUNT_RO_BIND && m->src && path_within(m->src, src->text);
		if (same_place || same_files) {
			_cleanup_free_ char *what = same_place ? xasprintf("'%s %s'", mount_kind_name(m->kind), m->dst)
							       : xasprintf("'%s %s' (the same host files)",
									   mount_kind_name(m->kind), m->src);
			int r = loosens(ps, ln, what, m->origin ? m->origin : "?");
			if (r < 0)
				return r;
			break;
		}
	}
	policy_add_mount(ps->p, kind, src ? src->text : NULL, dst->text, optional, ln->origin);
	return 0;
}

int d_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_BIND, false); }
/* bind-create FILE: bind-try that first creates the file, empty and private, when only the file is
 * missing (known_hosts before ssh first remembers a host: a bind needs an existing file). */
int d_bind_create(struct parser *ps, struct line *ln)
{
	size_t before = ps->p->n_mounts;
	int r = do_mount(ps, ln, MOUNT_BIND, true);
	if (r == 0 && ps->p->n_mounts > before)
		ps->p->mounts[ps->p->n_mounts - 1].create = true;
	return r;
}
int d_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_BIND, true); }
int d_ro_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_RO_BIND, false); }
int d_ro_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_RO_BIND, true); }
int d_dev_bind(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_DEV_BIND, false); }
int d_dev_bind_try(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_DEV_BIND, true); }
int d_tmpfs(struct parser *ps, struct line *ln) { return do_mount(ps, ln, MOUNT_TMPFS, false); }

/* ---- names -------------------------------------------------------------------------------- */

/* names NAME...: the commands this profile is also for (python3.11, zcat), when they have no
 * profile of their own. Read by the lookup with a plain scan; here only checked. */
int d_names(struct parser *ps, struct line *ln)
{
	if (ln->kind != PROFILE_KIND_PROFILE)
		return FAIL_LINE(ps, ln, "'names' belongs in a profile (NAME.profile), not in an include or a .local file");
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (!valid_name(t->text) || strcmp(t->text, "default") == 0 || strpbrk(t->text, "\"#"))
			return FAIL_TOK(ps, ln, t, "expected a command name (letters, digits, '-', '_', '.', '+', '@'), not 'default'");
	}
	if (!ps->lint)
		return 0;
	/* sbx profile check: a name two profiles of one directory claim has no clear owner, and a
	 * claim of a name that has its own profile there is never used. */
	const char *slash = strrchr(ln->file, '/');
	_cleanup_free_ char *dir = slash ? xstrndup(ln->file, (size_t)(slash - ln->file)) : xstrdup(".");
	_cleanup_free_ char *self = xstrdup(slash ? slash + 1 : ln->file);
	if (ends_with(self, ".profile"))
		self[strlen(self) - 8] = '\0';
	char *one[3] = { *dir ? dir : "/", NULL, NULL };
	int first = 0;
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		if (strcmp(t->text, self) == 0)
			continue;
		_cleanup_free_ char *own = xasprintf("%s/%s.profile", one[0], t->text);
		struct stat st;
		int r = 0;
		char *second = NULL;
		_cleanup_free_ char *other = NULL;
		if (stat(own, &st) == 0 && S_ISREG(st.st_mode))
			r = FAIL_TOK(ps, ln, t, "has a profile of its own in this directory (%s), which wins", own);
		else if ((other = claimant(one, 0, t->text, ln->file, &second, false)))
			r = FAIL_TOK(ps, ln, t, "also claimed by %s; a name belongs to one profile per directory", other);
		free(second);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}

/* ---- grant-args --------------------------------------------------------------------------- */

/* True when an earlier grant already gives `path` at the same place with at least `kind`'s rights
 * (a file in the working directory: a second mount on it would only make it busy for rename). */
static bool already_granted(const struct policy *p, const char *path, enum mount_kind kind)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct mount_entry *m = &p->mounts[i];
		if (m->kind != MOUNT_TMPFS && m->src && strcmp(m->src, m->dst) == 0 && path_within(path, m->src) &&
		    mount_rank(m->kind) >= mount_rank(kind))
			return true;
	}
	return false;
}

/* grant-args edit: an existing file's directory instead of the file, read-write, because editors
 * save by writing a new copy beside the file and renaming it over the old one, which a file mount
 * refuses (EBUSY). Only a directory the file grant itself could have had; otherwise NULL, and *why
 * says why not (the plan then edits the file in a private copy, or grants it alone: writeback.h). */
static char *edit_dir(struct parser *ps, const char *file, char **why)
{
	_cleanup_free_ char *dir = xstrdup(file);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		*why = xstrdup("it is in /");
		return NULL;
	}
	*slash = '\0';
	*why = refusal(ps, "the directory", dir);
	if (!*why && path_is_sensitive(ps->home, ps->config_home, dir))
		*why = xstrdup("a start-up, autostart, key or profile directory");
	return *why ? NULL : TAKE_PTR(dir);
}

/* One command-line word: an existing path is granted; a path with a '/' that does not exist yet
 * (an output file) gets its directory, read-write only. Everything by its real path. */
static void grant_arg(struct parser *ps, struct line *ln, const char *cwd, const char *word, bool rw, bool edit)
{
	_cleanup_free_ char *abs = word[0] == '/' ? xstrdup(word) : xasprintf("%s/%s", strcmp(cwd, "/") ? cwd : "", word);
	/* A new directory named with a trailing slash (rsync -a src/ ../backup/new/) gets its parent:
	 * without the slash, not the empty name after it. */
	for (size_t len = strlen(abs); len > 1 && abs[len - 1] == '/'; len--)
		abs[len - 1] = '\0';
	struct stat st;
	bool exists = stat(abs, &st) == 0;
	if (!exists && !(rw && strchr(word, '/')))
		return;  /* a plain word (tar's "xzf"), not a path */
	_cleanup_free_ char *target = canonical_path(abs);
	if (!exists) {
		char *slash = strrchr(target, '/');
		if (slash)
			*(slash == target ? slash + 1 : slash) = '\0';
		if (stat(target, &st) < 0 || !S_ISDIR(st.st_mode))
			return;
	}
	if (!path_is_clean_absolute(target))
		return;
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		note(ps, ln, "left out %s: not a regular file or a directory", word);
		return;
	}
	_cleanup_free_ char *why = refusal(ps, "the path", target);
	if (why) {
		note(ps, ln, "left out %s: %s", word, why);
		return;
	}
	/* Naming ~/.bashrc to an archiver must not let it rewrite the file: what the host runs or
	 * trusts later goes in read-only, and is never the directory of a new output. */
	if (rw && path_is_sensitive(ps->home, ps->config_home, target)) {
		if (!exists) {
			note(ps, ln, "left out %s: a start-up file, autostart entry, key or profile directory", word);
			return;
		}
		note(ps, ln, "%s granted read-only: a start-up file, autostart entry, key or profile directory", word);
		rw = false;
	}
	enum mount_kind kind = rw ? MOUNT_BIND : MOUNT_RO_BIND;
	_cleanup_free_ char *alone = NULL;
	if (rw && edit && exists && S_ISREG(st.st_mode) && !already_granted(ps->p, target, kind)) {
		char *dir = edit_dir(ps, target, &alone);
		if (dir) {
			free(target);
			target = dir;
		}
	}
	if (!already_granted(ps->p, target, kind))
		policy_add_mount(ps->p, kind, target, target, true, ln->origin)->edit_alone = TAKE_PTR(alone);
}

/* grant-args [ro|rw|edit]: the paths named on the command line (tar xzf ../data.tgz), resolved
 * before the sandbox starts, relative to the working directory, never a place ${CWD} refuses.
 * edit is rw with each file's directory in place of the file (edit_dir). */
int d_grant_args(struct parser *ps, struct line *ln)
{
	bool rw = false, edit = false;
	if (ln->n == 1) {
		struct token *t = arg(ln, 0);
		if (strcmp(t->text, "rw") == 0)
			rw = true;
		else if (strcmp(t->text, "edit") == 0)
			rw = edit = true;
		else if (strcmp(t->text, "ro") != 0)
			return FAIL_TOK(ps, ln, t, "expected 'ro', 'rw', 'edit' or nothing");
	}
	if (ps->env->handed_by && !ps->lint) {
		/* Launched from a desktop entry: the handed-over files alone, after the profile (grant_handed). */
		if (rw && !ps->handed_origin)
			ps->handed_origin = xstrdup(ln->origin);
		ps->handed_rw |= rw;
		ps->handed_edit |= edit;
		return 0;
	}
	_cleanup_free_ char *cwd = working_directory(ps);
	if (!cwd || ps->lint)
		return 0;
	for (size_t i = 0; i < ps->env->n_args; i++) {
		const char *a = ps->env->args[i];
		if (a[0] == '-') {  /* options; --file=PATH gives its value */
			const char *eq = strchr(a, '=');
			if (a[1] != '-' || !eq)
				continue;
			a = eq + 1;
		}
		if (*a)
			grant_arg(ps, ln, cwd, a, rw, edit);
	}
	return 0;
}

/* The files a desktop launcher handed over (--launched-from, launched.h): each granted as grant-args
 * grants a path, with its refusals, read-only unless a grant-args line of the profile says rw or
 * edit. Only these: the other words of the command line come from the desktop file, not the user. */
void grant_handed(struct parser *ps)
{
	_cleanup_free_ char *cwd = working_directory(ps);
	struct line ln = {
		.file = ps->env->handed_by,
		.origin = ps->handed_origin ? xasprintf("handed over by %s; read-write: grant-args at %s",
							 ps->env->handed_by, ps->handed_origin)
					    : xasprintf("handed over by %s", ps->env->handed_by),
	};
	for (size_t i = 0; i < ps->env->n_handed; i++) {
		const char *path = ps->env->handed[i];
		if (!*path || (path[0] != '/' && !cwd))
			continue;
		grant_arg(ps, &ln, cwd ? cwd : "/", path, ps->handed_rw, ps->handed_edit);
	}
	free(ln.origin);
	free(ln.note);
}

/* ssh-agent: the agent's socket alone (from SSH_AUTH_SOCK, a socket of the caller's own) at a
 * fixed place in the private runtime directory, and SSH_AUTH_SOCK pointing there. */
int d_ssh_agent(struct parser *ps, struct line *ln)
{
	if (ps->lint)
		return 0;
	const char *sock = getenv("SSH_AUTH_SOCK");
	if (!sock || !*sock) {
		ln->note = xstrdup("skipped: SSH_AUTH_SOCK is not set");  /* not worth a line on stderr */
		ln->skipped = true;
		return 0;
	}
	struct stat st;
	const char *why = NULL;
	if (getuid() == 0)
		why = "as root the command runs as nobody, which may not use root's agent";
	else if (!path_is_clean_absolute(sock))
		why = "not a clean absolute path";
	else if (lstat(sock, &st) < 0)
		why = strerror(errno);
	else if (!S_ISSOCK(st.st_mode))
		why = "not a socket";
	else if (st.st_uid != getuid())
		why = "not your own socket";
	if (why) {
		note(ps, ln, "skipped the ssh agent: SSH_AUTH_SOCK=%s: %s", sock, why);
		ln->skipped = true;
		return 0;
	}
	_cleanup_free_ char *inside = xasprintf("%s/ssh-agent.sock", ps->runtime_dir);
	policy_add_mount(ps->p, MOUNT_BIND, sock, inside, true, ln->origin);
	policy_add_env(ps->p, ENV_SET, "SSH_AUTH_SOCK", inside, ln->origin);
	return 0;
}

/* home tmpfs|persistent (appstate.h). */
int d_home(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	if (strcmp(t->text, "tmpfs") == 0)
		ps->p->home = HOME_TMPFS;
	else if (strcmp(t->text, "persistent") == 0)
		ps->p->home = HOME_PERSISTENT;
	else
		return FAIL_TOK(ps, ln, t, "expected 'tmpfs' or 'persistent'");
	free(ps->p->home_origin);
	ps->p->home_origin = xstrdup(ln->origin);
	return 0;
}

/* A path word, defined, that is not / itself (`refusal` says why not). */
static int path_below_root(struct parser *ps, struct line *ln, struct token *t, const char *refusal)
{
	int r = path_arg(ps, ln, t);
	if (r == 1)
		return undefined_word(ps, ln, t);
	if (r == 0 && strcmp(t->text, "/") == 0)
		return FAIL_TOK(ps, ln, t, "%s", refusal);
	return r;
}

/* overlay PATH [optional] / overlay-tmp PATH [optional] (overlay.h). */
static int do_overlay(struct parser *ps, struct line *ln, bool tmp)
{
	struct token *t = arg(ln, 0);
	int r = path_below_root(ps, ln, t, "cannot overlay the sandbox's root; name a directory");
	if (r < 0)
		return r;
	bool optional = false;
	if (ln->n == 2) {
		if (strcmp(arg(ln, 1)->text, "optional") != 0)
			return FAIL_TOK(ps, ln, arg(ln, 1), "expected 'optional' or nothing");
		optional = true;
	}
	policy_add_overlay(ps->p, t->text, tmp, optional, ln->origin);
	return 0;
}

/* mask PATH (mask.h): more restrictive only, so any file may add one. */
int d_mask(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	int r = path_below_root(ps, ln, t, "cannot mask the sandbox's root; name a file or directory");
	if (r < 0)
		return r;
	policy_add_mask(ps->p, t->text, ln->origin);
	return 0;
}
int d_overlay(struct parser *ps, struct line *ln) { return do_overlay(ps, ln, false); }
int d_overlay_tmp(struct parser *ps, struct line *ln) { return do_overlay(ps, ln, true); }

/* noexec PATH... (noexec.h): more restrictive only, so any file may add one. Whether PATH is a
 * place of the sandbox's view is known once the view is planned (noexec_plan). */
int d_noexec(struct parser *ps, struct line *ln)
{
	for (size_t i = 0; i < ln->n; i++) {
		struct token *t = arg(ln, i);
		int r = path_below_root(ps, ln, t, "cannot make the sandbox's root noexec; name a directory");
		if (r < 0)
			return r;
		policy_add_noexec(ps->p, t->text, ln->origin);
	}
	return 0;
}

/* ---- private-bin, private-etc, machine-id (privdirs.h) --------------------------------------- */

/* A name word: a program name (private-bin; also a glob or an absolute path in a bin directory)
 * or a path relative to /etc (private-etc; an absolute /etc/... is taken as its rest). */
static int private_name_arg(struct parser *ps, struct line *ln, struct token *t, bool bin, bool optional,
			    const char **name)
{
	const char *w = t->text;
	if (!*w)
		return FAIL_TOK(ps, ln, t, "an empty name");
	if (!bin && strncmp(w, "/etc/", 5) == 0 && w[5])
		w += 5;
	if (w[0] == '/') {
		if (!bin)
			return FAIL_TOK(ps, ln, t, "expected a name in /etc (such as 'hosts' or 'ssl/certs')");
		if (!path_is_clean_absolute(w) || strpbrk(w, "*?["))
			return FAIL_TOK(ps, ln, t, "expected a clean absolute path without '.', '..' or a glob");
		if (!privdirs_in_bin_dir(w))
			return FAIL_TOK(ps, ln, t, "not in a bin directory (%s)", privdirs_bin_dirs_text());
	} else {
		_cleanup_free_ char *abs = xasprintf("/%s", w);
		if ((bin && strchr(w, '/')) || !path_is_clean_absolute(abs) || w[strlen(w) - 1] == '/')
			return FAIL_TOK(ps, ln, t, bin ? "expected a program name, or an absolute path"
						       : "expected a name in /etc without '.', '..' or a trailing '/'");
		if (!bin && strpbrk(w, "*?["))
			return FAIL_TOK(ps, ln, t, "globs are not supported here; name the entry");
	}
	struct stat st;
	_cleanup_free_ char *etc_path = bin ? NULL : xasprintf("/etc/%s", w);
	bool exists = bin ? (w[0] == '/' ? lstat(w, &st) == 0 : strpbrk(w, "*?[") || privdirs_program_exists(w))
			  : lstat(etc_path, &st) == 0;
	if (!exists && !optional) {
		int r = bin ? FAIL_TOK(ps, ln, t, "no such program in %s", privdirs_bin_dirs_text())
			    : FAIL_TOK(ps, ln, t, "no such file or directory in /etc");
		hint(ps, "write %s-try to skip names that are not installed", bin ? "private-bin" : "private-etc");
		return r;
	}
	*name = w;
	return 0;
}

/* private-bin NAME... / private-etc NAME... (and -try): every line adds names, from any file; the
 * first one makes the directory private. */
static int do_private(struct parser *ps, struct line *ln, bool bin, bool optional)
{
	int r = no_undefined(ps, ln);
	for (size_t i = 0; r == 0 && i < ln->n; i++) {
		const char *name = NULL;
		r = private_name_arg(ps, ln, arg(ln, i), bin, optional, &name);
		if (r == 0)
			policy_add_private_name(bin ? &ps->p->private_bin : &ps->p->private_etc, name, optional, ln->origin);
	}
	return r;
}

int d_private_bin(struct parser *ps, struct line *ln) { return do_private(ps, ln, true, false); }
int d_private_bin_try(struct parser *ps, struct line *ln) { return do_private(ps, ln, true, true); }
int d_private_etc(struct parser *ps, struct line *ln) { return do_private(ps, ln, false, false); }
int d_private_etc_try(struct parser *ps, struct line *ln) { return do_private(ps, ln, false, true); }

/* machine-id random|host: the host's id (default), or a random one made for each run. Going back
 * to the host's loosens. */
int d_machine_id(struct parser *ps, struct line *ln)
{
	struct token *t = arg(ln, 0);
	bool random = strcmp(t->text, "random") == 0;
	if (!random && strcmp(t->text, "host") != 0)
		return FAIL_TOK(ps, ln, t, "expected 'random' or 'host'");
	if (!random && ps->p->machine_id_random) {
		int r = loosens(ps, ln, "'machine-id random'", ps->p->machine_id_origin);
		if (r < 0)
			return r;
	}
	ps->p->machine_id_random = random;
	free(ps->p->machine_id_origin);
	ps->p->machine_id_origin = xstrdup(ln->origin);
	return 0;
}
