/* Unit tests of the profile language (launcher/profile.c) and user-dirs.dirs (launcher/userdirs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf.h"
#include "profile.h"
#include "userdirs.h"

static const struct profile_env test_env = {
	.home = "/home/u",
	.config_home = "/home/u/.config",
	.runtime_dir = "/run/user/1000",
	.uid = 1000,
	.gid = 100,
	.cwd = "/home/u/src/proj",
};

static char *const no_dirs[3] = { NULL, NULL, NULL };

/* Parses text as a profile named t.profile (or of `kind`) with the test environment. */
static int parse_kind(struct policy *p, const char *text, enum profile_kind kind, struct sbx_error *err)
{
	policy_init(p);
	p->quiet = true;
	return profile_parse_text(p, text, strlen(text), "t.profile", kind, &test_env, no_dirs, true, NULL, err);
}

static int parse(struct policy *p, const char *text, struct sbx_error *err)
{
	return parse_kind(p, text, PROFILE_KIND_PROFILE, err);
}

/* Asserts that text fails with a message containing `part`. */
static void expect_error(const char *text, const char *part)
{
	struct policy p;
	struct sbx_error err = { 0 };
	int r = parse(&p, text, &err);
	if (r == 0 || !strstr(err.msg, part))
		fail_msg("profile %s\n  gave %d '%s', expected an error containing '%s'", text, r, err.msg, part);
	policy_free(&p);
}

/* ---- directives map onto the policy ---- */

static void test_mask(void **state)
{
	(void)state;
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "ro-bind ${HOME}\nmask ${HOME}/.ssh/\nmask /etc/shadow\nmask ~/.ssh\n", &err), 0);
	assert_int_equal(p.n_masks, 2);
	assert_string_equal(p.masks[0].path, "/home/u/.ssh");
	assert_string_equal(p.masks[0].origin, "t.profile:2");
	assert_string_equal(p.masks[1].path, "/etc/shadow");
	policy_free(&p);
}

/* private-bin / private-etc add names (kept once, required if any line requires it);
 * machine-id random, and host after it only with override. */
static void test_private_dirs(void **state)
{
	(void)state;
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "private-bin sh ls\nprivate-bin-try sbx-no-such-program ls python3*\n"
				   "private-bin /bin/cat\nprivate-etc hosts /etc/passwd\nprivate-etc-try sbx-no-entry\n"
				   "machine-id random\n", &err), 0);
	assert_true(p.private_bin.on);
	assert_int_equal(p.private_bin.n, 5);
	assert_string_equal(p.private_bin.names[1].name, "ls");
	assert_false(p.private_bin.names[1].optional);
	assert_string_equal(p.private_bin.names[2].name, "sbx-no-such-program");
	assert_true(p.private_bin.names[2].optional);
	assert_string_equal(p.private_bin.names[4].name, "/bin/cat");
	assert_string_equal(p.private_bin.origin, "t.profile:1");
	assert_int_equal(p.private_etc.n, 3);
	assert_string_equal(p.private_etc.names[1].name, "passwd");
	assert_true(p.machine_id_random);
	assert_string_equal(p.machine_id_origin, "t.profile:6");
	policy_free(&p);
	assert_int_equal(parse(&p, "machine-id random\noverride machine-id host\n", &err), 0);
	assert_false(p.machine_id_random);
	policy_free(&p);
	assert_int_equal(parse(&p, "net none\n", &err), 0);
	assert_false(p.private_bin.on || p.private_etc.on || p.machine_id_random);
	policy_free(&p);
	expect_error("private-bin sbx-no-such-program\n", "no such program in /usr/bin");
	expect_error("private-bin ../bin/sh\n", "expected a program name");
	expect_error("private-bin /etc/passwd\n", "not in a bin directory");
	expect_error("private-bin \"\"\n", "an empty name");
	expect_error("private-etc ../shadow\n", "expected a name in /etc");
	expect_error("private-etc ssl/\n", "expected a name in /etc");
	expect_error("private-etc /var/x\n", "expected a name in /etc");
	expect_error("private-etc pass*\n", "globs are not supported");
	expect_error("private-etc sbx-no-such-entry\n", "no such file or directory in /etc");
	expect_error("private-etc\n", "missing words");
	expect_error("machine-id maybe\n", "expected 'random' or 'host'");
	expect_error("machine-id random\nmachine-id host\n", "loosens 'machine-id random'");
}

static void test_noexec_mdwe(void **state)
{
	(void)state;
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "noexec ${HOME} /tmp/\nnoexec /tmp\nmemory-deny-write-execute\n", &err), 0);
	assert_int_equal(p.n_noexecs, 2);
	assert_string_equal(p.noexecs[0].path, "/home/u");
	assert_string_equal(p.noexecs[0].origin, "t.profile:1");
	assert_string_equal(p.noexecs[1].path, "/tmp");
	assert_true(p.mdwe);
	assert_string_equal(p.mdwe_origin, "t.profile:3");
	policy_free(&p);
}

static void test_mounts(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "bind /srv/data\n"
				   "ro-bind /opt/tool /tool\n"
				   "bind-try ~/.cache/x\n"
				   "ro-bind-try \"${HOME}/My Documents/\"\n"
				   "dev-bind /dev/kvm\n"
				   "tmpfs /scratch\n",
			     &err), 0);
	assert_int_equal(p.n_mounts, 6);
	assert_int_equal(p.mounts[0].kind, MOUNT_BIND);
	assert_string_equal(p.mounts[0].src, "/srv/data");
	assert_string_equal(p.mounts[0].dst, "/srv/data");
	assert_false(p.mounts[0].optional);
	assert_string_equal(p.mounts[0].origin, "t.profile:1");
	assert_int_equal(p.mounts[1].kind, MOUNT_RO_BIND);
	assert_string_equal(p.mounts[1].dst, "/tool");
	assert_true(p.mounts[2].optional);
	assert_string_equal(p.mounts[2].src, "/home/u/.cache/x");
	assert_string_equal(p.mounts[3].src, "/home/u/My Documents");
	assert_int_equal(p.mounts[4].kind, MOUNT_DEV_BIND);
	assert_int_equal(p.mounts[5].kind, MOUNT_TMPFS);
	assert_null(p.mounts[5].src);
	policy_free(&p);
}

/* exec-allow / open-deny and their -try forms: BPF-LSM file rules, resolved later by bpf_plan. */
static void test_file_rules(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "exec-allow /usr/bin/python3 /usr/bin/true\n"
				   "open-deny ~/.ssh/ /etc/shadow\n"
				   "exec-allow-try ${CWD}/build/tool\n"
				   "open-deny-try /srv/secret\n"
				   "lsm-rules optional\n",
			     &err), 0);
	assert_int_equal(p.n_lsm_rules, 6);
	static const struct {
		enum lsm_rule_kind kind;
		const char *path;
		bool optional;
		const char *origin;
	} want[] = {
		{ LSM_EXEC_ALLOW, "/usr/bin/python3", false, "t.profile:1" },
		{ LSM_EXEC_ALLOW, "/usr/bin/true", false, "t.profile:1" },
		{ LSM_OPEN_DENY, "/home/u/.ssh", false, "t.profile:2" },
		{ LSM_OPEN_DENY, "/etc/shadow", false, "t.profile:2" },
		{ LSM_EXEC_ALLOW, "/home/u/src/proj/build/tool", true, "t.profile:3" },
		{ LSM_OPEN_DENY, "/srv/secret", true, "t.profile:4" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(p.lsm_rules[i].kind, want[i].kind);
		assert_string_equal(p.lsm_rules[i].path, want[i].path);
		assert_int_equal(p.lsm_rules[i].optional, want[i].optional);
		assert_string_equal(p.lsm_rules[i].origin, want[i].origin);
	}
	assert_int_equal(p.lsm_rules_requirement, REQ_OPTIONAL);
	assert_true(lsm_rules_given(&p, LSM_EXEC_ALLOW));
	policy_free(&p);

	assert_int_equal(parse(&p, "open-deny /etc/shadow\nlsm-rules required\n", &err), 0);
	assert_false(lsm_rules_given(&p, LSM_EXEC_ALLOW));
	assert_true(lsm_rules_given(&p, LSM_OPEN_DENY));
	assert_int_equal(p.lsm_rules_requirement, REQ_REQUIRED);
	policy_free(&p);

	expect_error("exec-allow\n", "missing words: usage: exec-allow PATH...");
	expect_error("exec-allow bin/true\n", "t.profile:1:12: expected an absolute path");
	expect_error("open-deny /etc/../shadow\n", "absolute path");
	expect_error("open-deny /home/*/.ssh\n", "globs are not supported yet");
	expect_error("lsm-rules maybe\n", "t.profile:1:11: expected 'required' or 'optional': 'maybe'");
}

static void test_network_env_and_identity(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "net host   # trailing comment\n"
				   "net-connect 443 8000-8002 10.0.0.0/8:53 [::1]:8080\n"
				   "net-bind 8080\n"
				   "hostname build-box\n"
				   "setenv LANG C.UTF-8\n"
				   "setenv GREETING=\"hello world\"\n"
				   "setenv COST \"$$5 for ${APP}\"\n"
				   "unsetenv DISPLAY WAYLAND_DISPLAY\n"
				   "clearenv\n",
			     &err), 0);
	assert_int_equal(p.net, NET_HOST);
	/* The rules of --connect/--bind-port (bpf.h); bpf_plan decides how they are enforced. */
	assert_int_equal(p.n_net_rules, 5);
	char text[96];
	const char *const want[] = { "*:443", "*:8000-8002", "10.0.0.0/8:53", "[::1]:8080", "*:8080" };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		net_rule_format(&p.net_rules[i], text, sizeof(text));
		assert_string_equal(text, want[i]);
		assert_int_equal(p.net_rules[i].bind, i == 4);
		assert_string_equal(p.net_rules[i].origin, i == 4 ? "t.profile:3" : "t.profile:2");
	}
	assert_string_equal(p.hostname, "build-box");
	assert_int_equal(p.n_env, 5);
	assert_string_equal(p.env[1].name, "GREETING");
	assert_string_equal(p.env[1].value, "hello world");
	assert_string_equal(p.env[2].value, "$5 for default");
	assert_int_equal(p.env[3].kind, ENV_UNSET);
	assert_string_equal(p.env[4].name, "WAYLAND_DISPLAY");
	assert_true(p.clearenv);
	policy_free(&p);
}

static void test_syscalls(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "syscalls deny @debug mount\n"
				   "syscalls errno EACCES chmod\n"
				   "syscalls errno 38 flock\n"
				   "syscalls kill kexec_load\n"
				   "syscalls log bpf\n"
				   "syscalls errno EPERM ioctl arg1==0x5412 arg0<=2\n"
				   "syscalls deny personality arg0&0xff00==0x0800\n"
				   "syscalls allowlist\n",
			     &err), 0);
	assert_int_equal(p.n_syscalls, 8);
	assert_string_equal(p.syscalls[0].name, "@debug");
	assert_int_equal(p.syscalls[0].action, SC_ERRNO);
	assert_int_equal(p.syscalls[0].errno_value, EPERM);
	assert_int_equal(p.syscalls[2].errno_value, EACCES);
	assert_int_equal(p.syscalls[3].errno_value, 38);
	assert_int_equal(p.syscalls[4].action, SC_KILL);
	assert_int_equal(p.syscalls[5].action, SC_LOG);
	assert_int_equal(p.syscalls[6].n_conds, 2);
	assert_int_equal(p.syscalls[6].conds[0].arg, 1);
	assert_int_equal(p.syscalls[6].conds[0].op, SC_CMP_EQ);
	assert_int_equal(p.syscalls[6].conds[0].value, 0x5412);
	assert_int_equal(p.syscalls[6].conds[1].op, SC_CMP_LE);
	assert_int_equal(p.syscalls[7].conds[0].op, SC_CMP_MASKED_EQ);
	assert_int_equal(p.syscalls[7].conds[0].mask, 0xff00);
	assert_int_equal(p.syscalls[7].conds[0].value, 0x800);
	assert_true(p.syscall_allowlist);
	policy_free(&p);
	expect_error("syscalls deny @debug arg1==2\n", "exactly one syscall");
	expect_error("syscalls deny ioctl arg6==2\n", "condition");
	/* The checks seccomp.c makes of a rule (seccomp_rules.h), here with the line's place. */
	expect_error("syscalls deny ioctl arg0>=1 arg0<=5\n", "compared twice");
	expect_error("syscalls frob ioctl\n", "expected allow, deny");
	expect_error("syscalls deny Mount\n", "expected a syscall name");
	expect_error("syscalls deny\n", "no syscall named");
}

static void test_limits_and_protections(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "rlimit nofile 1024\n"
				   "rlimit as=2G\n"
				   "rlimit cpu 30s:40s\n"
				   "timeout 5m\n"
				   "memory-max 512M\n"
				   "pids-max 64\n"
				   "cpu-max 50%\n"
				   "landlock optional\n"
				   "limits-optional\n"
				   "allow devel userns jit abstract-unix\n",
			     &err), 0);
	assert_true(p.rlimits[RLIMIT_NOFILE].set);
	assert_int_equal(p.rlimits[RLIMIT_NOFILE].soft, 1024);
	assert_int_equal(p.rlimits[RLIMIT_AS].soft, 2ULL << 30);
	assert_int_equal(p.rlimits[RLIMIT_CPU].soft, 30);
	assert_int_equal(p.rlimits[RLIMIT_CPU].hard, 40);
	assert_string_equal(p.rlimits[RLIMIT_CPU].origin, "t.profile:3");
	assert_int_equal(p.timeout_ms, 300000);
	assert_int_equal(p.cgroup.memory_max, 512ULL << 20);
	assert_int_equal(p.cgroup.pids_max, 64);
	assert_int_equal(p.cgroup.cpu_quota_us, 50000);
	assert_string_equal(p.cgroup.origin, "t.profile:7");
	assert_int_equal(p.landlock, REQ_OPTIONAL);
	assert_int_equal(p.cgroup.requirement, REQ_OPTIONAL);
	assert_int_equal(p.relax, RELAX_DEVEL | RELAX_USERNS | RELAX_JIT);
	assert_false(p.scope_abstract_unix);
	assert_true(p.scope_signals);
	policy_free(&p);
	expect_error("timeout soon\n", "expected a duration");
	expect_error("rlimit nofile lots\n", "nofile");
	expect_error("memory-max 12Q\n", "12Q");
}

/* ---- variables ---- */

static void test_variables(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "bind ${CWD}\n"
				   "ro-bind-try ${XDG_CONFIG_HOME}/app-${UID}-${GID}\n"
				   "bind-try ${XDG_RUNTIME_DIR}/${APP}\n"
				   "ro-bind ~\n",
			     &err), 0);
	assert_string_equal(p.mounts[0].src, "/home/u/src/proj");
	assert_string_equal(p.mounts[1].src, "/home/u/.config/app-1000-100");
	assert_string_equal(p.mounts[2].src, "/run/user/1000/default");
	assert_string_equal(p.mounts[3].src, "/home/u");
	policy_free(&p);
	expect_error("bind ${NOPE}\n", "t.profile:1:6: unknown variable: '${NOPE}'");
	expect_error("bind $HOME\n", "write ${NAME}");
	expect_error("bind ${HOME\n", "unterminated variable");
	expect_error("bind \"${HOME}\n", "unterminated quote");
	assert_int_equal(parse(&p, "bind \"/a b\"/c\nsetenv X=\"1 2\"\"\"\"#3\" # x\noverride bind ~/\"q\"\n", &err), 0);
	assert_string_equal(p.mounts[0].src, "/a b/c");
	assert_string_equal(p.env[0].value, "1 2#3");
	assert_string_equal(p.mounts[1].src, "/home/u/q");
	policy_free(&p);
	expect_error("bind \"/a b\n", "t.profile:1:6: unterminated quote");
	expect_error("bind \"\\n\"\n", "unknown escape");
}

/* ${CWD} never silently becomes the whole home. */
static void test_cwd_at_home_is_undefined(void **state)
{
	struct profile_env env = test_env;
	env.cwd = "/home/u";
	struct policy p;
	policy_init(&p);
	struct sbx_error err = { 0 };
	const char *text = "bind ${CWD}\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "${CWD} is not defined: the working directory /home/u is your home"));
	policy_free(&p);

	policy_init(&p);
	text = "bind-try ${CWD}\nro-bind-try ${CWD}/sub\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), 0);
	assert_int_equal(p.n_mounts, 0);
	policy_free(&p);

	env.cwd = "/";
	policy_init(&p);
	text = "ro-bind ${CWD}\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "contains your home"));
	policy_free(&p);
}

/* profile_quote_word (used by sbx learn): what it writes reads back as the same path. */
static void test_quote_word_round_trip(void **state)
{
	static const char *const paths[] = { "/srv/plain", "/srv/My Documents", "/srv/a#b", "/srv/$HOME",
					     "/srv/${APP}", "/srv/q\"uote", "/srv/back\\slash", "/srv/tab\there" };
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *word = profile_quote_word(paths[i]);
		assert_non_null(word);
		char *text = xasprintf("ro-bind %s\n", word);
		struct policy p;
		struct sbx_error err = { 0 };
		if (parse(&p, text, &err) != 0)
			fail_msg("'%s' gave %s", text, err.msg);
		assert_int_equal(p.n_mounts, 1);
		assert_string_equal(p.mounts[0].src, paths[i]);
		policy_free(&p);
		free(text);
		free(word);
	}
	char *word = profile_quote_word("~/x");
	assert_string_equal(word, "\"~/x\"");  /* a literal '~', not the home */
	free(word);
	assert_null(profile_quote_word("/srv/new\nline"));
	assert_null(profile_quote_word("/srv/cr\r"));
}

/* ---- errors name file:line:column and the text ---- */

static void test_error_locations(void **state)
{
	expect_error("# comment\n\n  frobnicate now\n", "t.profile:3:3: unknown directive: 'frobnicate'");
	expect_error("net maybe\n", "t.profile:1:5: expected 'none' or 'host': 'maybe'");
	expect_error("bind relative/path\n", "absolute path");
	expect_error("bind /a/../b\n", "absolute path");
	expect_error("bind /a/*.txt\n", "globs are not supported yet");
	expect_error("bind\n", "missing words: usage: bind SRC [DST]");
	expect_error("bind /a /b /c\n", "t.profile:1:12: too many words");
	expect_error("net-connect 70000\n", "t.profile:1:13: bad port '70000' (ports are 1-65535, or *): '70000'");
	expect_error("net-connect 443 9-3\n", "t.profile:1:17: port range 9-3 is backwards: '9-3'");
	expect_error("net-bind ::1:80\n", "write IPv6 addresses in brackets");
	expect_error("net-connect example.com:443\n", "not an IPv4 or IPv6 address");
	expect_error("net-connect 10.0.0.1/8:443\n", "bits set beyond /8");
	expect_error("hostname -x\n", "host name");
	expect_error("setenv 1X y\n", "variable name");
	expect_error("allow everything\n", "expected devel");
	expect_error("override\n", "needs a directive");
	expect_error("mask etc/shadow\n", "expected an absolute path");
	expect_error("mask /etc/../shadow\n", "expected an absolute path");
	expect_error("mask /\n", "cannot mask the sandbox's root");
	expect_error("noexec\n", "noexec PATH");
	expect_error("noexec /\n", "cannot make the sandbox's root noexec");
	expect_error("noexec tmp\n", "expected an absolute path");
	expect_error("memory-deny-write-execute yes\n", "too many words");
	expect_error("mask /home/*/.ssh\n", "globs are not supported yet");
	expect_error("mask\n", "mask PATH");
	expect_error("mask /a /b\n", "mask PATH");
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "whitelist ~/x\n", &err), -EINVAL);
	assert_non_null(strstr(err.hint, "bind or ro-bind"));
	policy_free(&p);
	assert_int_equal(parse(&p, "dbus-user filter\n", &err), -EINVAL);
	assert_non_null(strstr(err.hint, "talk-name"));
	policy_free(&p);
}

static void test_bounds(void **state)
{
	size_t n = PROFILE_MAX_LINE + 10;
	char *text = malloc(n + 2);
	memset(text, 'x', n);
	memcpy(text, "net ", 4);
	text[n] = '\n';
	text[n + 1] = '\0';
	expect_error(text, "line longer than 4096 bytes");
	free(text);

	struct policy p;
	struct sbx_error err = { 0 };
	policy_init(&p);
	const char nul[] = "net none\nnet\0host\n";
	assert_int_equal(profile_parse_text(&p, nul, sizeof(nul) - 1, "t.profile", PROFILE_KIND_PROFILE,
					    &test_env, no_dirs, true, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "t.profile:2:4: NUL byte"));
	policy_free(&p);

	/* Too many words; a word too long after expansion. */
	char *many = malloc(4 * (PROFILE_MAX_ARGS + 2) + 16);
	strcpy(many, "unsetenv");
	for (int i = 0; i < PROFILE_MAX_ARGS + 1; i++)
		strcat(many, " A");
	strcat(many, "\n");
	expect_error(many, "more than 128 words");
	free(many);
	char longhome[400] = "/";
	memset(longhome + 1, 'h', 300);
	struct profile_env env = test_env;
	env.home = longhome;
	const char *big = "bind ${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}"
			  "${HOME}${HOME}${HOME}${HOME}${HOME}${HOME}\n";
	policy_init(&p);
	assert_int_equal(profile_parse_text(&p, big, strlen(big), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "word longer than 4096 bytes after expansion"));
	policy_free(&p);
}

/* ---- loosening ---- */

static void test_loosening_needs_override(void **state)
{
	expect_error("net none\nnet host\n", "t.profile:2:1: loosens 'net none' set at t.profile:1");
	expect_error("memory-max 1G\nmemory-max 2G\n", "loosens the memory-max limit");
	expect_error("memory-max 1G\nmemory-max max\n", "loosens the memory-max limit");
	expect_error("pids-max 10\npids-max max\n", "loosens the pids-max limit");
	expect_error("cpu-max 50%\ncpu-max 150%\n", "loosens the cpu-max limit");
	expect_error("timeout 1m\ntimeout 1h\n", "loosens the timeout");
	expect_error("rlimit nofile 64\nrlimit nofile 128\n", "loosens the nofile limit");
	expect_error("ro-bind /srv\nbind /srv\n", "loosens 'ro-bind /srv'");
	expect_error("ro-bind /srv/a\nbind /srv\n", "loosens 'ro-bind /srv/a'");
	expect_error("tmpfs /srv/cache\nro-bind /srv\n", "loosens 'tmpfs /srv/cache'");
	expect_error("syscalls deny @debug\nsyscalls allow ptrace\n", "loosens the rule denying @debug");
	expect_error("syscalls kill ptrace\nsyscalls log @debug\n", "loosens the rule denying ptrace");
	expect_error("syscalls deny @clock\nsyscalls allow @privileged\n", "loosens the rule denying @clock");
	expect_error("bind ~\n", "grants your whole home read-write");
	expect_error("bind /home\n", "contains your home");

	/* Tightening, holes inside a read-only grant, and override are fine. */
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "net host\nnet none\n"
				   "memory-max 2G\nmemory-max 1G\n"
				   "ro-bind /srv\nbind /srv/upload\n"
				   "bind /data\nro-bind /data\n"
				   "syscalls allow ptrace\nsyscalls deny ptrace\n"
				   "ro-bind ~\n"
				   "override net host\n"
				   "override memory-max 4G\n"
				   "override bind /srv\n"
				   "override bind ${HOME}\n",
			     &err), 0);
	assert_int_equal(p.net, NET_HOST);
	assert_int_equal(p.cgroup.memory_max, 4ULL << 30);
	assert_int_equal(p.n_mounts, 7);
	policy_free(&p);

	/* .local files have the same rights as profiles. */
	assert_int_equal(parse_kind(&p, "net none\noverride net host\nallow devel\n", PROFILE_KIND_LOCAL, &err), 0);
	policy_free(&p);
}

static void test_include_cannot_relax_or_override(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse_kind(&p, "allow devel\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only a profile or a .local file may do"));
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "landlock optional\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "limits-optional\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "override net host\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not in an include"));
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "override bind ~\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	policy_free(&p);
	/* Grants are what includes are for. */
	assert_int_equal(parse_kind(&p, "net host\nro-bind ~\nbind /srv\nlandlock required\n", PROFILE_KIND_INCLUDE, &err), 0);
	policy_free(&p);
}

/* socket x11: the display grant; trusted after untrusted loosens, optional relaxes. */
static void test_socket_x11(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "socket x11\n", &err), 0);
	assert_int_equal(p.x11.mode, X11_UNTRUSTED);
	assert_false(p.x11.optional);
	assert_string_equal(p.x11.origin, "t.profile:1");
	policy_free(&p);
	assert_int_equal(parse(&p, "socket x11 optional\n", &err), 0);
	assert_true(p.x11.optional);
	policy_free(&p);
	assert_int_equal(parse(&p, "socket x11-trusted\n", &err), 0);
	assert_int_equal(p.x11.mode, X11_TRUSTED);
	policy_free(&p);
	assert_int_equal(parse(&p, "socket x11\noverride socket x11-trusted\n", &err), 0);
	assert_int_equal(p.x11.mode, X11_TRUSTED);
	policy_free(&p);
	expect_error("socket x11\nsocket x11-trusted\n", "loosens the untrusted X11 cookie set at t.profile:1");
	expect_error("socket x11 maybe\n", "expected 'optional'");
	expect_error("socket x11-trusted optional\n", "drop 'optional'");
	expect_error("socket x12\n", "expected x11, x11-trusted, x11-optional, wayland, pulseaudio, pipewire, session-bus or system-bus");
	expect_error("socket\n", "usage: socket x11|x11-trusted|wayland|pulseaudio|pipewire [optional]");
	/* socket wayland|pulseaudio|pipewire [optional], device[-try] dri|snd|video (sockets.h, devices.h) */
	assert_int_equal(parse(&p, "socket wayland\nsocket pulseaudio optional\ndevice-try dri snd\n", &err), 0);
	assert_true(p.sockets[SBX_SOCK_WAYLAND].on);
	assert_false(p.sockets[SBX_SOCK_WAYLAND].optional);
	assert_true(p.sockets[SBX_SOCK_PULSEAUDIO].optional);
	assert_false(p.sockets[SBX_SOCK_PIPEWIRE].on);
	assert_true(p.devices[SBX_DEV_DRI].on && p.devices[SBX_DEV_DRI].optional && p.devices[SBX_DEV_SND].on);
	assert_false(p.devices[SBX_DEV_VIDEO].on);
	assert_string_equal(p.sockets[SBX_SOCK_WAYLAND].origin, "t.profile:1");
	policy_free(&p);
	expect_error("socket wayland maybe\n", "expected 'optional'");
	/* NAME-optional, as on the command line (--socket wayland-optional), is the same line. */
	assert_int_equal(parse(&p, "socket wayland-optional\n", &err), 0);
	assert_true(p.sockets[SBX_SOCK_WAYLAND].on && p.sockets[SBX_SOCK_WAYLAND].optional);
	policy_free(&p);
	expect_error("device gpu\n", "unknown device class; expected dri, snd or video");
	expect_error("device dri camera\n", "unknown device class");
	expect_error("device\n", "usage: device dri|snd|video...");
	expect_error("wayland\n", "unknown directive");
	expect_error("x11\n", "unknown directive");
	/* An include may grant the display, but not relax the refusal of a server without SECURITY. */
	assert_int_equal(parse_kind(&p, "socket x11\n", PROFILE_KIND_INCLUDE, &err), 0);
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "socket x11 optional\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only a profile or a .local file may do"));
	policy_free(&p);
}

/* user and caps-keep: root runs' account and the one keepable capability; never from an include. */
static void test_user_and_caps_keep(void **state)
{
	struct policy p;
	struct sbx_error err = { 0 };
	assert_int_equal(parse(&p, "user www-data\ncaps-keep net_bind_service\n", &err), 0);
	assert_string_equal(p.user, "www-data");
	assert_string_equal(p.user_origin, "t.profile:1");
	assert_true(p.bind_service);
	assert_string_equal(p.bind_service_origin, "t.profile:2");
	policy_free(&p);
	assert_int_equal(parse(&p, "caps-keep CAP_NET_BIND_SERVICE\n", &err), 0);
	assert_true(p.bind_service);
	policy_free(&p);
	expect_error("caps-keep sys_admin\n", "net_bind_service is the only capability");
	expect_error("caps-keep net_bind_service net_admin\n", "");
	expect_error("user root\n", "never runs a command as root");
	expect_error("user -x\n", "expected an account name");
	expect_error("user a/b\n", "expected an account name");
	assert_int_equal(parse_kind(&p, "user www-data\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only a profile or a .local file"));
	policy_free(&p);
	assert_int_equal(parse_kind(&p, "caps-keep net_bind_service\n", PROFILE_KIND_INCLUDE, &err), -EINVAL);
	policy_free(&p);
}

/* ---- files: includes, lookup, overrides ---- */

struct tree {
	char root[64];
	char user[128], distro[128], config[128];
};

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void tree_make(struct tree *t)
{
	strcpy(t->root, "/tmp/sbx-test-profile.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->config, sizeof(t->config), "%s/config", t->root);
	snprintf(t->user, sizeof(t->user), "%s/config/sbx/profiles", t->root);
	snprintf(t->distro, sizeof(t->distro), "%s/distro", t->root);
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' '%s'", t->user, t->distro);
	assert_int_equal(system(cmd), 0);
	setenv("SBX_PROFILES_DIR", t->distro, 1);
}

static void tree_remove(struct tree *t)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	assert_int_equal(system(cmd), 0);
	unsetenv("SBX_PROFILES_DIR");
}

static void test_lookup_and_overrides(void **state)
{
	struct tree t;
	tree_make(&t);
	struct profile_env env = test_env;
	env.config_home = t.config;
	write_text(t.distro, "default.profile", "net none\n");
	write_text(t.distro, "net.inc", "net host\n");
	write_text(t.distro, "app.profile", "include net\nhostname distro\nmemory-max 1G\n");
	write_text(t.distro, "other.profile", "hostname other\n");
	write_text(t.user, "other.profile", "hostname user-copy\n");
	write_text(t.user, "app.local", "hostname local\noverride memory-max 2G\n");

	struct policy p;
	struct sbx_error err = { 0 };
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "/usr/bin/app", NULL, &env, &err), 0);
	assert_string_equal(p.profile_name, "app");
	assert_non_null(strstr(p.profile_path, "/distro/app.profile"));
	assert_int_equal(p.net, NET_HOST);
	assert_string_equal(p.hostname, "local");
	assert_int_equal(p.cgroup.memory_max, 2ULL << 30);
	policy_free(&p);

	/* The user's copy shadows the distro's. */
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "other", NULL, &env, &err), 0);
	assert_string_equal(p.hostname, "user-copy");
	policy_free(&p);

	/* No profile: default, named default. */
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "/usr/bin/unknown-app", NULL, &env, &err), 0);
	assert_string_equal(p.profile_name, "default");
	assert_int_equal(p.net, NET_NONE);
	policy_free(&p);

	/* --profile NAME and --profile PATH. */
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "/usr/bin/unknown-app", "other", &env, &err), 0);
	assert_string_equal(p.hostname, "user-copy");
	policy_free(&p);
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "/usr/bin/unknown-app", "missing", &env, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "profile 'missing'"));
	policy_free(&p);
	char path[256];
	snprintf(path, sizeof(path), "%s/other.profile", t.distro);
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "x", path, &env, &err), 0);
	assert_string_equal(p.hostname, "other");
	assert_string_equal(p.profile_name, "other");
	policy_free(&p);

	/* A .local that loosens without override fails, naming both places. */
	write_text(t.user, "app.local", "memory-max 3G\n");
	policy_init(&p);
	p.quiet = true;
	assert_int_equal(profile_load(&p, "/usr/bin/app", NULL, &env, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "app.local:1:1: loosens the memory-max limit set at"));
	assert_non_null(strstr(err.msg, "app.profile:3"));
	policy_free(&p);

	/* The directories, in order. */
	char *dirs[3];
	profile_search_dirs(&env, dirs);
	assert_string_equal(dirs[0], t.user);
	assert_string_equal(dirs[1], SBX_SYSCONFDIR "/sbx/profiles");
	assert_string_equal(dirs[2], t.distro);
	for (int i = 0; i < 3; i++)
		free(dirs[i]);
	tree_remove(&t);
}

/* Appends `words` to the line of the names index of dir that describes `file`: a claim the
 * profile itself does not make, which only an index that is trusted can answer. */
static void index_add_claim(const char *dir, const char *file, const char *words)
{
	char *path = names_index_path(dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char text[8192];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	char prefix[128];
	snprintf(prefix, sizeof(prefix), "\nfile %s ", file);
	char *at = strstr(text, prefix);
	assert_non_null(at);
	char *eol = strchr(at + 1, '\n');
	assert_non_null(eol);
	f = fopen(path, "w");  /* in place: owner and mode stay */
	assert_non_null(f);
	fprintf(f, "%.*s %s%s", (int)(eol - text), text, words, eol);
	fclose(f);
	free(path);
}

/* The profile `command` finds ("default" when none), as `sbx profile which` decides. */
static char *found_profile(const struct profile_env *env, const char *command)
{
	char *name = NULL;
	int tier = -1;
	int r = profile_find(env, command, &name, &tier);
	assert_true(r >= 0);
	return r == 1 ? name : strdup("default");
}

static void expect_profile(const struct profile_env *env, const char *command, const char *want)
{
	char *got = found_profile(env, command);
	assert_string_equal(got, want);
	free(got);
}

static void test_names_index(void **state)
{
	struct tree t;
	tree_make(&t);
	struct profile_env env = test_env;
	env.config_home = t.config;
	write_text(t.distro, "default.profile", "net none\n");
	write_text(t.distro, "a.profile", "# an alias\nnames alias  other-alias # comment\n");
	write_text(t.distro, "b.profile", "hostname b\n");
	struct sbx_error err = { 0 };
	size_t n = 0;
	assert_int_equal(names_index_write(t.distro, &n, &err), 0);
	assert_int_equal(n, 2);
	expect_profile(&env, "alias", "a");
	expect_profile(&env, "other-alias", "a");

	/* A fresh index answers for the files: a claim written into it counts... */
	index_add_claim(t.distro, "b.profile", "forged");
	expect_profile(&env, "forged", "b");
	/* ...while only its writer or root can change it. */
	char *path = names_index_path(t.distro);
	assert_int_equal(chmod(path, 0666), 0);
	expect_profile(&env, "forged", "default");
	assert_int_equal(chmod(path, 0644), 0);
	if (getuid() == 0) {
		assert_int_equal(chown(path, 12345, (gid_t)-1), 0);
		expect_profile(&env, "forged", "default");
		assert_int_equal(chown(path, 0, (gid_t)-1), 0);
	}
	expect_profile(&env, "forged", "b");

	/* Any change in the directory sends the lookup back to the files: a profile edited in place
	 * (same inode, new change time), then a new one. */
	write_text(t.distro, "a.profile", "names renamed\n");
	expect_profile(&env, "alias", "default");
	expect_profile(&env, "renamed", "a");
	expect_profile(&env, "forged", "default");
	assert_int_equal(names_index_write(t.distro, &n, &err), 0);
	index_add_claim(t.distro, "b.profile", "forged");
	expect_profile(&env, "forged", "b");
	write_text(t.distro, "c.profile", "names newname\n");
	expect_profile(&env, "newname", "c");
	expect_profile(&env, "forged", "default");

	/* An index covers regular files only: a link's target could change behind it. */
	char link[256];
	snprintf(link, sizeof(link), "%s/d.profile", t.distro);
	assert_int_equal(symlink("b.profile", link), 0);
	assert_int_equal(names_index_write(t.distro, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "d.profile is a symbolic link"));
	free(path);
	tree_remove(&t);
}

static void test_includes(void **state)
{
	struct tree t;
	tree_make(&t);
	char *dirs[3] = { t.user, NULL, t.distro };
	write_text(t.distro, "a.inc", "include b\n");
	write_text(t.distro, "b.inc", "include a\n");
	write_text(t.distro, "loose.inc", "net host\n");
	write_text(t.distro, "relax.inc", "allow devel\n");
	write_text(t.distro, "lsmopt.inc", "exec-allow /bin/sh\nlsm-rules optional\n");
	write_text(t.distro, "chain0.inc", "include chain1\n");
	for (int i = 1; i < 12; i++) {
		char name[32], text[32];
		snprintf(name, sizeof(name), "chain%d.inc", i);
		snprintf(text, sizeof(text), "include chain%d\n", i + 1);
		write_text(t.distro, name, text);
	}
	write_text(t.distro, "chain12.inc", "net host\n");

	struct {
		const char *text;
		int result;
		const char *part;
	} cases[] = {
		{ "include a\n", -EINVAL, "include cycle" },
		{ "include chain0\n", -EINVAL, "includes nested deeper than 8" },
		{ "include nothere\n", -EINVAL, "include not found (looked for nothere.inc" },
		{ "include ../etc/passwd\n", -EINVAL, "expected an include name" },
		{ "include-try nothere\nhostname ok\n", 0, NULL },
		{ "net none\ninclude loose\n", -EINVAL, "loose.inc:1:1: loosens 'net none' set at t.profile:1; an include" },
		{ "include loose.inc\n", 0, NULL },
		{ "include relax\n", -EINVAL, "relax.inc:1:1: relaxes an always-on protection" },
		{ "include lsmopt\n", -EINVAL, "lsmopt.inc:2:11: relaxes an always-on protection" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct policy p;
		policy_init(&p);
		struct sbx_error err = { 0 };
		int r = profile_parse_text(&p, cases[i].text, strlen(cases[i].text), "t.profile", PROFILE_KIND_PROFILE,
					   &test_env, dirs, true, NULL, &err);
		if (r != cases[i].result || (cases[i].part && !strstr(err.msg, cases[i].part)))
			fail_msg("case %zu (%s): %d '%s'", i, cases[i].text, r, err.msg);
		policy_free(&p);
	}
	tree_remove(&t);
}

/* profile check mode: every error, one line each. */
static void test_keep_going_reports_every_error(void **state)
{
	const char *text = "net none\nfrob\nbind rel\nnet host\nx11\nhostname ok\n";
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct policy p;
	policy_init(&p);
	struct sbx_error err = { 0 };
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &test_env,
					    no_dirs, true, f, &err), -EINVAL);
	fclose(f);
	int lines = 0;
	for (char *c = out; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 4);
	assert_non_null(strstr(out, "t.profile:2:1: unknown directive: 'frob'\n"));
	assert_non_null(strstr(out, "t.profile:4:1: loosens 'net none'"));
	assert_string_equal(p.hostname, "ok");
	free(out);
	policy_free(&p);
}

static void test_kind_of(void **state)
{
	assert_int_equal(profile_kind_of("/x/curl.profile"), PROFILE_KIND_PROFILE);
	assert_int_equal(profile_kind_of("curl.local"), PROFILE_KIND_LOCAL);
	assert_int_equal(profile_kind_of("network.inc"), PROFILE_KIND_INCLUDE);
	assert_int_equal(profile_kind_of("weird"), PROFILE_KIND_PROFILE);
}

/* ---- user-dirs.dirs ---- */

static void test_userdirs(void **state)
{
	struct userdirs u = { 0 };
	const char *text = "# written by xdg-user-dirs-update\n"
			   "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n"
			   "XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"
			   "  XDG_DOCUMENTS_DIR = \"/data/docs/\"\n"
			   "XDG_MUSIC_DIR=\"$HOME/\"\n"
			   "XDG_PICTURES_DIR=\"/home\"\n"
			   "XDG_VIDEOS_DIR=\"$HOME/../other\"\n"
			   "XDG_TEMPLATES_DIR=\"$HOME/My \\\"T\\\"\"\n"
			   "XDG_PUBLICSHARE_DIR=\"relative\"\n"
			   "XDG_BOGUS_DIR=\"$HOME/x\"\n"
			   "garbage line\n";
	userdirs_parse(text, strlen(text), "/home/u", &u);
	assert_string_equal(u.path[USERDIR_DESKTOP], "/home/u/Desktop");
	assert_string_equal(u.path[USERDIR_DOWNLOADS], "/home/u/Téléchargements");
	assert_string_equal(u.path[USERDIR_DOCUMENTS], "/data/docs");
	assert_null(u.path[USERDIR_MUSIC]);
	assert_non_null(strstr(u.why[USERDIR_MUSIC], "home directory itself"));
	assert_null(u.path[USERDIR_PICTURES]);
	assert_non_null(strstr(u.why[USERDIR_PICTURES], "above the home"));
	assert_null(u.path[USERDIR_VIDEOS]);
	assert_string_equal(u.path[USERDIR_TEMPLATES], "/home/u/My \"T\"");
	/* A malformed entry is skipped, leaving the default. */
	assert_string_equal(u.path[USERDIR_PUBLICSHARE], "/home/u/Public");
	assert_string_equal(userdir_variable(USERDIR_DOWNLOADS), "DOWNLOADS");
	assert_string_equal(userdir_key(USERDIR_DOWNLOADS), "XDG_DOWNLOAD_DIR");
	userdirs_free(&u);

	userdirs_parse("", 0, "/home/u", &u);
	assert_string_equal(u.path[USERDIR_VIDEOS], "/home/u/Videos");
	userdirs_free(&u);

	const char weird[] = "XDG_DOWNLOAD_DIR=\"$HOME/a\0b\"\nXDG_MUSIC_DIR=\"$HOME/m";
	userdirs_parse(weird, sizeof(weird) - 1, "/home/u", &u);
	assert_string_equal(u.path[USERDIR_DOWNLOADS], "/home/u/Downloads");
	assert_string_equal(u.path[USERDIR_MUSIC], "/home/u/Music");
	userdirs_free(&u);
}

/* ${DOWNLOADS} comes from user-dirs.dirs; a disabled one is undefined. */
static void test_userdir_variables(void **state)
{
	struct tree t;
	tree_make(&t);
	write_text(t.config, "user-dirs.dirs", "XDG_DOWNLOAD_DIR=\"$HOME/dl\"\nXDG_MUSIC_DIR=\"$HOME\"\n");
	struct profile_env env = test_env;
	env.config_home = t.config;
	struct policy p;
	policy_init(&p);
	struct sbx_error err = { 0 };
	const char *text = "bind ${DOWNLOADS}\nro-bind-try ${MUSIC}\nro-bind ${PICTURES}\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), 0);
	assert_int_equal(p.n_mounts, 2);
	assert_string_equal(p.mounts[0].src, "/home/u/dl");
	assert_string_equal(p.mounts[1].src, "/home/u/Pictures");
	policy_free(&p);
	policy_init(&p);
	text = "bind ${MUSIC}\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env,
					    no_dirs, true, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "${MUSIC} is not defined"));
	policy_free(&p);
	tree_remove(&t);
}

/* names, bind-create, grant-args and ${GIT_TOP} against a real directory tree:
 * TOP/.git, TOP/data.tgz, TOP/sub (the working directory). */
static void test_lookup_directives(void **state)
{
	char top[] = "/tmp/sbx-unit-XXXXXX";
	assert_non_null(mkdtemp(top));
	char sub[64], git[64], data[64];
	snprintf(sub, sizeof(sub), "%s/sub", top);
	snprintf(git, sizeof(git), "%s/.git", top);
	snprintf(data, sizeof(data), "%s/data.tgz", top);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mkdir(git, 0755), 0);
	int fd = open(data, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	char *args[] = { "xzf", "../data.tgz", "--directory=../new/x", "../out.tgz", "/tmp", "-v" };
	struct profile_env env = test_env;
	env.cwd = sub;
	env.args = args;
	env.n_args = 6;
	struct policy p;
	struct sbx_error err = { 0 };
	policy_init(&p);
	p.quiet = true;
	const char *text = "names python3.11 zcat\nbind ${GIT_TOP}\nbind-create ~/.ssh/known_hosts\ngrant-args\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env, no_dirs,
					    true, NULL, &err), 0);
	/* GIT_TOP, known_hosts; data.tgz lies inside the GIT_TOP grant already; /tmp is refused. */
	assert_int_equal(p.n_mounts, 2);
	assert_string_equal(p.mounts[0].src, top);
	assert_true(p.mounts[1].create && p.mounts[1].optional);
	policy_free(&p);
	/* Read-only: data.tgz at its real path; read-write also the directory of ../out.tgz, which
	 * does not exist yet; ../new/x has no existing directory and gives nothing. */
	policy_init(&p);
	p.quiet = true;
	text = "grant-args rw\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env, no_dirs,
					    true, NULL, &err), 0);
	assert_int_equal(p.n_mounts, 2);
	assert_int_equal(p.mounts[0].kind, MOUNT_BIND);
	assert_string_equal(p.mounts[0].src, data);
	assert_string_equal(p.mounts[1].src, top);
	policy_free(&p);
	/* edit: the existing data.tgz through its directory (TOP), read-write, once for both; the
	 * directory of ../out.tgz is that same TOP. */
	policy_init(&p);
	p.quiet = true;
	text = "grant-args edit\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env, no_dirs,
					    true, NULL, &err), 0);
	assert_int_equal(p.n_mounts, 1);
	assert_int_equal(p.mounts[0].kind, MOUNT_BIND);
	assert_string_equal(p.mounts[0].src, top);
	policy_free(&p);
	expect_error("grant-args maybe\n", "expected 'ro', 'rw', 'edit' or nothing");
	expect_error("names default\n", "expected a command name");
	struct sbx_error e2 = { 0 };
	assert_int_equal(parse_kind(&p, "names foo\n", PROFILE_KIND_INCLUDE, &e2), -EINVAL);
	assert_non_null(strstr(e2.msg, "'names' belongs in a profile"));
	policy_free(&p);
	unlink(data);
	rmdir(git);
	rmdir(sub);
	rmdir(top);
}

/* grant-args rw: a new directory named with a trailing slash (rsync -a src/ ../dest/new/) grants
 * its parent, as the same name without the slash does. */
static void test_grant_args_trailing_slash(void **state)
{
	char top[] = "/tmp/sbx-unit-XXXXXX";
	assert_non_null(mkdtemp(top));
	char sub[64], dest[64];
	snprintf(sub, sizeof(sub), "%s/sub", top);
	snprintf(dest, sizeof(dest), "%s/dest", top);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(mkdir(dest, 0755), 0);
	char *args[] = { "-a", "../dest/new//" };
	struct profile_env env = test_env;
	env.cwd = sub;
	env.args = args;
	env.n_args = 2;
	struct policy p;
	struct sbx_error err = { 0 };
	policy_init(&p);
	p.quiet = true;
	const char *text = "grant-args rw\n";
	assert_int_equal(profile_parse_text(&p, text, strlen(text), "t.profile", PROFILE_KIND_PROFILE, &env, no_dirs,
					    true, NULL, &err), 0);
	assert_int_equal(p.n_mounts, 1);
	assert_int_equal(p.mounts[0].kind, MOUNT_BIND);
	assert_string_equal(p.mounts[0].src, dest);
	policy_free(&p);
	rmdir(dest);
	rmdir(sub);
	rmdir(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_private_dirs),
		cmocka_unit_test(test_noexec_mdwe),
		cmocka_unit_test(test_network_env_and_identity),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_limits_and_protections),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_cwd_at_home_is_undefined),
		cmocka_unit_test(test_quote_word_round_trip),
		cmocka_unit_test(test_error_locations),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_loosening_needs_override),
		cmocka_unit_test(test_include_cannot_relax_or_override),
		cmocka_unit_test(test_socket_x11),
		cmocka_unit_test(test_lookup_and_overrides),
		cmocka_unit_test(test_names_index),
		cmocka_unit_test(test_grant_args_trailing_slash),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_file_rules),
		cmocka_unit_test(test_keep_going_reports_every_error),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_userdirs),
		cmocka_unit_test(test_userdir_variables),
		cmocka_unit_test(test_lookup_directives),
		cmocka_unit_test(test_user_and_caps_keep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
