/* Landlock: the pure parts (rights per view access and per ABI, the plan and its requirement
 * rules), then the real thing in forked children (this kernel's Landlock): one layer keeps
 * cross-directory renames working, exec is denied in write-only areas, port rules and scoping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "landlock.h"
#include "plan.h"

#define FS(x) LANDLOCK_ACCESS_FS_##x
#define ALL_V1 ((1ULL << 13) - 1)

/* ---- pure: rights ---- */

static void test_fs_rights_step_down(void **state)
{
	(void)state;
	assert_int_equal(landlock_fs_rights_for_abi(0), 0);
	assert_int_equal(landlock_fs_rights_for_abi(-1), 0);
	assert_int_equal(landlock_fs_rights_for_abi(1), ALL_V1);
	assert_int_equal(landlock_fs_rights_for_abi(2), ALL_V1 | FS(REFER));
	assert_int_equal(landlock_fs_rights_for_abi(3), ALL_V1 | FS(REFER) | FS(TRUNCATE));
	assert_int_equal(landlock_fs_rights_for_abi(4), ALL_V1 | FS(REFER) | FS(TRUNCATE));
	for (int abi = 5; abi <= 9; abi++)
		assert_int_equal(landlock_fs_rights_for_abi(abi),
				 ALL_V1 | FS(REFER) | FS(TRUNCATE) | FS(IOCTL_DEV));
}

static void test_view_rights_dirs(void **state)
{
	(void)state;
	assert_int_equal(landlock_view_rights(VIEW_READ_EXEC, 7, true),
			 FS(READ_FILE) | FS(READ_DIR) | FS(EXECUTE));
	assert_int_equal(landlock_view_rights(VIEW_READ, 7, true), FS(READ_FILE) | FS(READ_DIR));

	uint64_t w = landlock_view_rights(VIEW_WRITE, 7, true);
	uint64_t want = FS(READ_FILE) | FS(READ_DIR) | FS(WRITE_FILE) | FS(REMOVE_DIR) |
			FS(REMOVE_FILE) | FS(MAKE_DIR) | FS(MAKE_REG) | FS(MAKE_SOCK) | FS(MAKE_FIFO) |
			FS(MAKE_SYM) | FS(REFER) | FS(TRUNCATE);
	assert_int_equal(w, want);
	/* The point of WRITE: nothing written there can be executed, no device nodes made. */
	assert_false(w & FS(EXECUTE));
	assert_false(w & (FS(MAKE_CHAR) | FS(MAKE_BLOCK) | FS(IOCTL_DEV)));

	assert_int_equal(landlock_view_rights(VIEW_WRITE_EXEC, 7, true), want | FS(EXECUTE));
	assert_int_equal(landlock_view_rights(VIEW_DEVICE, 7, true),
			 FS(READ_FILE) | FS(READ_DIR) | FS(WRITE_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV));
	assert_int_equal(landlock_view_rights(VIEW_PROC, 7, true),
			 FS(READ_FILE) | FS(READ_DIR) | FS(WRITE_FILE) | FS(TRUNCATE));
}

static void test_view_rights_files_keep_file_rights(void **state)
{
	(void)state;
	for (enum view_access a = VIEW_READ_EXEC; a <= VIEW_PROC; a++) {
		uint64_t f = landlock_view_rights(a, 7, false);
		assert_int_equal(f & ~(uint64_t)SBX_LANDLOCK_FS_FILE_RIGHTS, 0);
		assert_int_equal(f, landlock_view_rights(a, 7, true) & SBX_LANDLOCK_FS_FILE_RIGHTS);
	}
	assert_int_equal(landlock_view_rights(VIEW_DEVICE, 7, false),
			 FS(READ_FILE) | FS(WRITE_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV));
	assert_int_equal(landlock_view_rights(VIEW_READ, 7, false), FS(READ_FILE));
}

static void test_view_rights_per_abi(void **state)
{
	(void)state;
	/* Rights the ABI lacks must never reach the kernel (it answers EINVAL). */
	for (int abi = 1; abi <= 7; abi++)
		for (enum view_access a = VIEW_READ_EXEC; a <= VIEW_PROC; a++)
			assert_int_equal(landlock_view_rights(a, abi, true) &
						 ~landlock_fs_rights_for_abi(abi),
					 0);
	assert_false(landlock_view_rights(VIEW_WRITE, 1, true) & (FS(REFER) | FS(TRUNCATE)));
	assert_true(landlock_view_rights(VIEW_WRITE, 2, true) & FS(REFER));
	assert_false(landlock_view_rights(VIEW_WRITE, 2, true) & FS(TRUNCATE));
	assert_true(landlock_view_rights(VIEW_WRITE, 3, true) & FS(TRUNCATE));
	assert_false(landlock_view_rights(VIEW_DEVICE, 4, false) & FS(IOCTL_DEV));
	assert_true(landlock_view_rights(VIEW_DEVICE, 5, false) & FS(IOCTL_DEV));
	assert_int_equal(landlock_view_rights(VIEW_READ, 0, true), 0);
}

/* ---- pure: the plan and its requirements ---- */

/* The plan's TCP port rules, put there as bpf_plan would put a profile's network rules. */
static struct port_rule *ports;
static size_t n_ports;

static void add_port(bool bind, unsigned short port)
{
	struct port_rule *r = ARRAY_PUSH(ports, n_ports);
	r->bind = bind;
	r->port = port;
}

static void clear_ports(void)
{
	free(ports);
	ports = NULL;
	n_ports = 0;
}

/* A plan of p with those port rules (plan_done gives them back before plan_free). */
static void plan_of(struct sandbox_plan *pl, const struct policy *p)
{
	plan_init(pl, p, NULL, true);
	pl->host.landlock_abi = landlock_probe_abi(&pl->host.landlock_why);
	pl->ports = ports;
	pl->n_ports = n_ports;
	struct sbx_error err = { 0 };
	if (landlock_plan(pl, &err) < 0)
		fprintf(stderr, "plan_of: %s\n", err.msg);  /* landlock_apply then applies nothing */
}

static void plan_done(struct sandbox_plan *pl)
{
	pl->ports = NULL;
	pl->n_ports = 0;
	plan_free(pl);
}

static bool has_gap(const struct landlock_plan *plan, const char *what_prefix)
{
	for (size_t i = 0; i < plan->n_gaps; i++)
		if (strncmp(plan->gaps[i].what, what_prefix, strlen(what_prefix)) == 0)
			return true;
	return false;
}

static void test_plan_no_landlock(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct landlock_plan plan;
	struct sbx_error err = { 0 };

	assert_int_equal(p.landlock, REQ_REQUIRED);
	assert_true(landlock_plan_build(&p, n_ports, 0, &plan, &err) < 0);
	assert_non_null(strstr(err.msg, "Landlock is required"));

	p.landlock = REQ_OPTIONAL;
	memset(&err, 0, sizeof(err));
	assert_int_equal(landlock_plan_build(&p, n_ports, 0, &plan, &err), 0);
	assert_false(plan.enforce);
	assert_true(has_gap(&plan, "all Landlock rules"));
	policy_free(&p);
	clear_ports();
}

static void test_plan_full_abi7(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct landlock_plan plan;
	struct sbx_error err = { 0 };

	assert_int_equal(landlock_plan_build(&p, n_ports, 7, &plan, &err), 0);
	assert_true(plan.enforce);
	assert_int_equal(plan.abi, 7);
	assert_int_equal(plan.handled_fs, landlock_fs_rights_for_abi(7));
	assert_int_equal(plan.handled_net, 0);  /* no port rules: the net namespace is the wall */
	assert_int_equal(plan.scoped, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL);
	assert_int_equal(plan.restrict_flags, 0);
	assert_int_equal(plan.n_gaps, 0);

	/* Newer kernels are used at the newest ABI this build knows. */
	assert_int_equal(landlock_plan_build(&p, n_ports, 9, &plan, &err), 0);
	assert_int_equal(plan.abi, SBX_LANDLOCK_ABI_MAX);

	p.scope_signals = false;
	assert_int_equal(landlock_plan_build(&p, n_ports, 7, &plan, &err), 0);
	assert_int_equal(plan.scoped, LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET);
	p.scope_abstract_unix = false;
	assert_int_equal(landlock_plan_build(&p, n_ports, 7, &plan, &err), 0);
	assert_int_equal(plan.scoped, 0);
	policy_free(&p);
	clear_ports();
}

static void test_plan_ports(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.net = NET_HOST;
	struct landlock_plan plan;
	struct sbx_error err = { 0 };

	/* Host network without port rules: TCP is not handled, i.e. allowed. */
	assert_int_equal(landlock_plan_build(&p, n_ports, 7, &plan, &err), 0);
	assert_int_equal(plan.handled_net, 0);

	add_port(true, 8080);
	assert_int_equal(landlock_plan_build(&p, n_ports, 4, &plan, &err), 0);
	assert_int_equal(plan.handled_net,
			 LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP);

	/* Required and the kernel cannot do ports: refuse, naming the feature and both ABIs. */
	memset(&err, 0, sizeof(err));
	assert_true(landlock_plan_build(&p, n_ports, 3, &plan, &err) < 0);
	assert_non_null(strstr(err.msg, "port rules"));
	assert_non_null(strstr(err.msg, "ABI 4"));
	assert_non_null(strstr(err.msg, "ABI 3"));

	p.landlock = REQ_OPTIONAL;
	memset(&err, 0, sizeof(err));
	assert_int_equal(landlock_plan_build(&p, n_ports, 3, &plan, &err), 0);
	assert_true(plan.enforce);
	assert_int_equal(plan.handled_net, 0);
	assert_true(has_gap(&plan, "TCP port rules"));
	policy_free(&p);
	clear_ports();
}

static void test_plan_best_effort_refinements_under_required(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct landlock_plan plan;
	struct sbx_error err = { 0 };

	/* Scoping, ioctl and truncate are best effort even when Landlock is required. */
	assert_int_equal(landlock_plan_build(&p, n_ports, 1, &plan, &err), 0);
	assert_true(plan.enforce);
	assert_int_equal(plan.handled_fs, ALL_V1);
	assert_int_equal(plan.scoped, 0);
	assert_true(has_gap(&plan, "rename/link"));
	assert_true(has_gap(&plan, "truncate"));
	assert_true(has_gap(&plan, "device ioctl"));
	assert_true(has_gap(&plan, "abstract unix"));
	assert_true(has_gap(&plan, "signal scoping"));

	assert_int_equal(landlock_plan_build(&p, n_ports, 5, &plan, &err), 0);
	assert_int_equal(plan.n_gaps, 2);
	assert_int_equal(plan.scoped, 0);
	assert_int_equal(landlock_plan_build(&p, n_ports, 6, &plan, &err), 0);
	assert_int_equal(plan.n_gaps, 0);
	policy_free(&p);
	clear_ports();
}

static char *explain_at(const struct policy *p, const struct view *v, int abi, int why, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sandbox_plan pl;
	plan_of(&pl, p);
	if (json)
		landlock_explain_json_at(&pl, v, abi, why, f);
	else
		landlock_explain_at(&pl, v, abi, why, f);
	plan_done(&pl);
	fclose(f);
	return buf;
}

static void test_explain_refused_and_best_effort(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	add_port(false, 443);
	struct view v = { 0 };

	/* Required, kernel ABI 3, port rules: --explain says the sandbox is refused, and why. */
	char *s = explain_at(&p, &v, 3, 0, true);
	assert_non_null(strstr(s, "\"status\":\"refused\""));
	assert_non_null(strstr(s, "ABI 4"));
	free(s);
	s = explain_at(&p, &v, 3, 0, false);
	assert_non_null(strstr(s, "REFUSED"));
	free(s);

	/* Optional, same kernel: partial, with the missing pieces named. */
	p.landlock = REQ_OPTIONAL;
	s = explain_at(&p, &v, 3, 0, true);
	assert_non_null(strstr(s, "\"status\":\"partially enforced\""));
	assert_non_null(strstr(s, "\"what\":\"TCP port rules\",\"needs_abi\":4"));
	assert_non_null(strstr(s, "\"what\":\"signal scoping\",\"needs_abi\":6"));
	free(s);
	s = explain_at(&p, &v, 3, 0, false);
	assert_non_null(strstr(s, "not enforced: TCP port rules (needs ABI 4)"));
	free(s);

	/* No Landlock at all. */
	s = explain_at(&p, &v, 0, EOPNOTSUPP, false);
	assert_non_null(strstr(s, "lsm="));
	assert_non_null(strstr(s, "not enforced"));
	free(s);
	p.landlock = REQ_REQUIRED;
	s = explain_at(&p, &v, 0, ENOSYS, true);
	assert_non_null(strstr(s, "\"status\":\"refused\""));
	assert_non_null(strstr(s, "CONFIG_SECURITY_LANDLOCK"));
	free(s);
	policy_free(&p);
	clear_ports();
}

static void test_explain_json_shape(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	p.net = NET_HOST;
	add_port(true, 8080);
	add_port(false, 443);
	struct view v = { 0 };
	view_add(&v, "/usr", VIEW_READ_EXEC, "system");
	view_add(&v, "/tmp/\"q\"", VIEW_WRITE, "private");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sandbox_plan pl;
	plan_of(&pl, &p);
	landlock_explain_json(&pl, &v, f);
	fclose(f);
	if (landlock_abi() >= 6) {
		assert_non_null(strstr(buf, "\"status\":\"fully enforced\""));
		assert_non_null(strstr(buf, "\"tcp\":{\"restricted\":true,\"bind\":[8080],\"connect\":[443]}"));
		assert_non_null(strstr(buf, "{\"path\":\"/usr\",\"access\":\"read+exec\",\"rights\":"
					    "[\"execute\",\"read_file\",\"read_dir\"]}"));
		assert_non_null(strstr(buf, "\"path\":\"/tmp/\\\"q\\\"\""));
		assert_non_null(strstr(buf, "\"scoped\":{\"abstract_unix\":true,\"signals\":true}"));
	}
	assert_int_equal(buf[0], '{');
	assert_int_equal(buf[len - 1], '}');
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	landlock_explain(&pl, &v, f);
	plan_done(&pl);
	fclose(f);
	assert_non_null(strstr(buf, "  required (--landlock required): kernel ABI "));
	if (landlock_abi() >= 6)
		assert_non_null(strstr(buf, "bind allowed on ports: 8080; connect allowed on ports: 443"));
	free(buf);
	view_free(&v);
	policy_free(&p);
	clear_ports();
}

/* ---- the kernel: apply in a forked child, report through the exit status ---- */

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "child: %s:%d: %s (errno %s)\n", __FILE__, __LINE__, \
				#cond, strerrorname_np(errno) ?: "0");                       \
			_exit(1);                                                            \
		}                                                                            \
	} while (0)

static int run_child(void (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void restrict_or_die(const struct policy *p, const struct view *v)
{
	struct sbx_error err = { 0 };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	struct sandbox_plan pl;
	plan_of(&pl, p);
	int r = landlock_apply(&pl, v, &err);
	plan_done(&pl);
	if (r < 0) {
		fprintf(stderr, "child: landlock_apply: %s (%s)\n", err.msg, strerror(-r));
		_exit(2);
	}
}

struct fs_case {
	char dir[64];
};

static void write_small(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int copy_file(const char *from, const char *to)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	return system(cmd);
}

static int setup_tree(void **state)
{
	struct fs_case *c = calloc(1, sizeof(*c));
	strcpy(c->dir, "/tmp/sbx-ll-unit-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	char path[256];
	const char *dirs[] = { "ro", "rw", "rw/sub", "rwx", "hidden" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", c->dir, dirs[i]);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/ro/file", c->dir);
	write_small(path, "ro\n");
	snprintf(path, sizeof(path), "%s/hidden/secret", c->dir);
	write_small(path, "secret\n");
	snprintf(path, sizeof(path), "%s/rw/true", c->dir);
	assert_int_equal(copy_file("/bin/true", path), 0);
	snprintf(path, sizeof(path), "%s/rwx/true", c->dir);
	assert_int_equal(copy_file("/bin/true", path), 0);
	*state = c;
	return 0;
}

static int teardown_tree(void **state)
{
	struct fs_case *c = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->dir);
	assert_int_equal(system(cmd), 0);
	free(c);
	return 0;
}

static int exec_status(const char *path)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		execv(path, argv);
		_exit(errno == EACCES ? 77 : 78);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void build_view(const struct fs_case *c, struct view *v)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/ro", c->dir);
	view_add(v, path, VIEW_READ, "grant");
	snprintf(path, sizeof(path), "%s/rw", c->dir);
	view_add(v, path, VIEW_WRITE, "grant");
	snprintf(path, sizeof(path), "%s/rwx", c->dir);
	view_add(v, path, VIEW_WRITE_EXEC, "grant");
	snprintf(path, sizeof(path), "%s/absent", c->dir);  /* ENOENT: skipped */
	view_add(v, path, VIEW_READ, "grant");
	view_add(v, "/dev/null", VIEW_DEVICE, "device");
	view_add(v, "/usr", VIEW_READ_EXEC, "system");
	view_add(v, "/lib64", VIEW_READ_EXEC, "system");  /* the loader, for exec of true */
	view_add(v, "/lib", VIEW_READ_EXEC, "system");
}

static void child_fs(void *arg)
{
	const struct fs_case *c = arg;
	struct policy p;
	policy_init(&p);
	struct view v = { 0 };
	build_view(c, &v);
	restrict_or_die(&p, &v);

	char a[256], b[256];
	/* read-only grant: read yes, write no */
	snprintf(a, sizeof(a), "%s/ro/file", c->dir);
	int fd = open(a, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	close(fd);
	CHECK(open(a, O_WRONLY | O_CLOEXEC) < 0 && errno == EACCES);
	/* not in the view: unreachable, even though the mount namespace shows it */
	snprintf(a, sizeof(a), "%s/hidden/secret", c->dir);
	CHECK(open(a, O_RDONLY | O_CLOEXEC) < 0 && errno == EACCES);
	CHECK(open("/etc/passwd", O_RDONLY | O_CLOEXEC) < 0 && errno == EACCES);
	/* "/" is listable, nothing more */
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(fd >= 0);
	close(fd);
	/* device: `> /dev/null` opens with O_TRUNC */
	fd = open("/dev/null", O_WRONLY | O_TRUNC | O_CLOEXEC);
	CHECK(fd >= 0);
	close(fd);
	/* write area: create, rename across directories (REFER, one layer), no exec */
	snprintf(a, sizeof(a), "%s/rw/new", c->dir);
	fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(fd >= 0);
	close(fd);
	snprintf(b, sizeof(b), "%s/rw/sub/new", c->dir);
	CHECK(rename(a, b) == 0);
	snprintf(a, sizeof(a), "%s/rw/true", c->dir);
	CHECK(exec_status(a) == 77);
	/* read-write-exec grant: exec works */
	snprintf(a, sizeof(a), "%s/rwx/true", c->dir);
	CHECK(exec_status(a) == 0);
	/* Reparenting may not add rights: rw -> rwx would gain execute, so the kernel says EXDEV
	 * (mv then copies); rwx -> rw only loses rights and works. */
	snprintf(a, sizeof(a), "%s/rw/sub/new", c->dir);
	snprintf(b, sizeof(b), "%s/rwx/new", c->dir);
	CHECK(rename(a, b) < 0 && errno == EXDEV);
	snprintf(a, sizeof(a), "%s/rwx/true", c->dir);
	snprintf(b, sizeof(b), "%s/rw/sub/true2", c->dir);
	CHECK(rename(a, b) == 0);
	CHECK(exec_status(b) == 77);
	/* nothing moves into the read-only grant */
	snprintf(a, sizeof(a), "%s/ro/new", c->dir);
	CHECK(rename(b, a) < 0 && (errno == EACCES || errno == EXDEV));
	_exit(0);
}

static void test_kernel_fs(void **state)
{
	if (landlock_abi() < 3)
		skip();
	assert_int_equal(run_child(child_fs, *state), 0);
}

static void child_bad_path(void *arg)
{
	const struct fs_case *c = arg;
	struct policy p;
	policy_init(&p);
	struct view v = { 0 };
	char path[256];
	snprintf(path, sizeof(path), "%s/ro/file/below", c->dir);  /* ENOTDIR: not skippable */
	view_add(&v, path, VIEW_READ, "grant");
	struct sbx_error err = { 0 };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	struct sandbox_plan pl;
	plan_of(&pl, &p);
	int r = landlock_apply(&pl, &v, &err);
	plan_done(&pl);
	CHECK(r == -ENOTDIR);
	CHECK(strstr(err.msg, path) != NULL);
	/* and nothing was applied: the host is still readable */
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	_exit(0);
}

static void test_kernel_bad_path_fails(void **state)
{
	if (landlock_abi() < 1)
		skip();
	assert_int_equal(run_child(child_bad_path, *state), 0);
}

static int tcp_socket_bound(unsigned short port, int *out_port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	socklen_t len = sizeof(sa);
	getsockname(s, (struct sockaddr *)&sa, &len);
	if (out_port)
		*out_port = ntohs(sa.sin_port);
	return s;
}

static int tcp_connect(int port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int r = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	close(s);
	errno = e;
	return r;
}

struct net_case {
	int listen_ok, listen_denied;  /* two listening ports on 127.0.0.1 */
	int free_ok, free_denied;      /* two free ports to bind */
};

static void child_net(void *arg)
{
	const struct net_case *n = arg;
	struct policy p;
	policy_init(&p);
	p.net = NET_HOST;
	add_port(true, (unsigned short)n->free_ok);
	add_port(false, (unsigned short)n->listen_ok);
	restrict_or_die(&p, &(struct view){ 0 });

	CHECK(tcp_connect(n->listen_ok) == 0);
	CHECK(tcp_connect(n->listen_denied) < 0 && errno == EACCES);
	int s = tcp_socket_bound((unsigned short)n->free_ok, NULL);
	CHECK(s >= 0);
	close(s);
	CHECK(tcp_socket_bound((unsigned short)n->free_denied, NULL) < 0 && errno == EACCES);
	_exit(0);
}

static void test_kernel_ports(void **state)
{
	(void)state;
	if (landlock_abi() < 4)
		skip();
	struct net_case n;
	int l1 = tcp_socket_bound(0, &n.listen_ok), l2 = tcp_socket_bound(0, &n.listen_denied);
	assert_true(l1 >= 0 && l2 >= 0);
	assert_int_equal(listen(l1, 4), 0);
	assert_int_equal(listen(l2, 4), 0);
	int f1 = tcp_socket_bound(0, &n.free_ok), f2 = tcp_socket_bound(0, &n.free_denied);
	close(f1);
	close(f2);
	/* Both listeners are reachable from outside the domain: the denial is Landlock's. */
	assert_int_equal(tcp_connect(n.listen_denied), 0);
	assert_int_equal(run_child(child_net, &n), 0);
	close(l1);
	close(l2);
}

struct scope_case {
	char abstract_name[64];
	bool scoped;
};

static int abstract_connect(const char *name)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	memcpy(sa.sun_path + 1, name, n);
	int r = connect(s, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
	int e = errno;
	close(s);
	errno = e;
	return r;
}

static void child_scope(void *arg)
{
	const struct scope_case *sc = arg;
	struct policy p;
	policy_init(&p);
	p.net = NET_HOST;
	p.scope_abstract_unix = sc->scoped;
	p.scope_signals = sc->scoped;
	restrict_or_die(&p, &(struct view){ 0 });

	pid_t parent = getppid();  /* the test runner: outside the domain */
	if (sc->scoped) {
		CHECK(kill(parent, 0) < 0 && errno == EPERM);
		CHECK(abstract_connect(sc->abstract_name) < 0 && errno == EPERM);
	} else {
		CHECK(kill(parent, 0) == 0);
		CHECK(abstract_connect(sc->abstract_name) == 0);
	}
	/* A process inside the same domain stays reachable. */
	pid_t kid = fork();
	if (kid == 0) {
		pause();
		_exit(0);
	}
	CHECK(kill(kid, SIGTERM) == 0);
	int status;
	CHECK(waitpid(kid, &status, 0) == kid && WIFSIGNALED(status));
	_exit(0);
}

static void test_kernel_scoping(void **state)
{
	(void)state;
	if (landlock_abi() < 6)
		skip();
	struct scope_case sc;
	snprintf(sc.abstract_name, sizeof(sc.abstract_name), "sbx-ll-unit-%d", (int)getpid());
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(sc.abstract_name);
	memcpy(sa.sun_path + 1, sc.abstract_name, n);
	assert_int_equal(bind(l, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)),
			 0);
	assert_int_equal(listen(l, 8), 0);

	sc.scoped = true;
	assert_int_equal(run_child(child_scope, &sc), 0);
	sc.scoped = false;  /* the control: same probes succeed without scoping */
	assert_int_equal(run_child(child_scope, &sc), 0);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fs_rights_step_down),
		cmocka_unit_test(test_view_rights_dirs),
		cmocka_unit_test(test_view_rights_files_keep_file_rights),
		cmocka_unit_test(test_view_rights_per_abi),
		cmocka_unit_test(test_plan_no_landlock),
		cmocka_unit_test(test_plan_full_abi7),
		cmocka_unit_test(test_plan_ports),
		cmocka_unit_test(test_plan_best_effort_refinements_under_required),
		cmocka_unit_test(test_explain_refused_and_best_effort),
		cmocka_unit_test(test_explain_json_shape),
		cmocka_unit_test_setup_teardown(test_kernel_fs, setup_tree, teardown_tree),
		cmocka_unit_test_setup_teardown(test_kernel_bad_path_fails, setup_tree, teardown_tree),
		cmocka_unit_test(test_kernel_ports),
		cmocka_unit_test(test_kernel_scoping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
