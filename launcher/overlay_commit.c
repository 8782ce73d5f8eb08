#include "overlay_commit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "appstate.h"
#include "overlay.h"
#include "overlay_commit_parts.h"

int overlay_commit_one(const struct identity *id, const char *app, const char *esc, const char *lower,
		       bool dry_run)
{
	struct sbx_error err = { 0 };
	_cleanup_free_ char *sub = xasprintf("overlay/%s", esc);
	_cleanup_close_ int statefd = appstate_open(id, app, sub, false, false, &err);
	_cleanup_free_ char *upper_sub = xasprintf("overlay/%s/upper", esc);
	_cleanup_close_ int upper = statefd < 0 ? -1 : appstate_open(id, app, upper_sub, false, false, &err);
	if (upper < 0) {
		sbx_report(&err);
		return SBX_EXIT_FAILURE;
	}
	/* The app's runs hold a shared lock on this directory (overlay_prepare_dirs). */
	if (!dry_run && flock(statefd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "sbx: overlay commit %s: %s runs with this overlay (or another commit does); "
			"commit once it has exited\n", lower, app);
		return SBX_EXIT_FAILURE;
	}
	/* The overlaid directory as named (as the run opened it); below it, nothing is followed. */
	_cleanup_close_ int host = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct statx hroot;
	if (host < 0 || statx(host, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &hroot) < 0) {
		fprintf(stderr, "sbx: overlay commit %s: %s\n", lower, strerror(errno));
		return SBX_EXIT_FAILURE;
	}
	const char *kill_after = getenv("SBX_TEST_COMMIT_KILL_AFTER");
	struct exec x = { .host = host, .upper = upper, .host_dev = makedev(hroot.stx_dev_major, hroot.stx_dev_minor),
			  .root = geteuid() == 0, .kill_after = kill_after ? atoll(kill_after) : 0 };

	struct commit_journal j = { 0 };
	int r = commit_read_journal(statefd, &j);
	if (r == 0) {
		if (dry_run) {
			printf("%s: an interrupted commit of %s is pending (%zu operations); a commit finishes it first\n",
			       app, lower, j.n);
			overlay_commit_journal_free(&j);
			return 0;
		}
		x.tag = j.tag;
		x.resumed = true;
		r = commit_finish(&x, statefd, &j, lower);
		x.resumed = false;
		printf("%s: finished an interrupted commit of %s\n", app, lower);
		overlay_commit_journal_free(&j);
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s; the journal is kept, commit again to retry\n", lower,
				strerror(-r));
			return SBX_EXIT_FAILURE;
		}
	} else if (r != -ENOENT) {
		fprintf(stderr, "sbx: overlay commit %s: its journal %s/%s: %s\n", lower, sub, OVERLAY_COMMIT_JOURNAL,
			strerror(-r));
		return SBX_EXIT_FAILURE;
	}

	struct commit c = { .host = host, .upper = upper, .host_dev = x.host_dev, .root = x.root, .lower = lower,
			    .out = stdout };
	commit_plan_dir(&c, upper, "", true, overlay_is_opaque(upper), NULL);
	size_t changes = c.added + c.modified + c.deleted;
	int code = 0;
	if (!dry_run && (c.n_ops || c.n_clean)) {
		unsigned char rnd[8];
		char tag[17];
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			commit_plan_free(&c);
			return SBX_EXIT_FAILURE;
		}
		for (int i = 0; i < 8; i++)
			snprintf(tag + 2 * i, 3, "%02x", rnd[i]);
		x.tag = tag;
		r = commit_write_journal(statefd, tag, &c);
		if (r == 0) {
			commit_step(&x);
			struct commit_journal plan = { 0 };
			commit_journal_from_plan(&c, &plan);
			r = commit_finish(&x, statefd, &plan, lower);
			overlay_commit_journal_free(&plan);
		}
		if (r < 0) {
			fprintf(stderr, "sbx: overlay commit %s: %s; commit again to finish\n", lower, strerror(-r));
			code = SBX_EXIT_FAILURE;
		}
	}
	if (code == 0 && (changes || c.conflicts || c.skipped))
		printf("%s: %s%zu added, %zu modified, %zu deleted, %zu conflicting%s\n", app,
		       dry_run ? "would commit " : "committed ", c.added, c.modified, c.deleted, c.conflicts,
		       dry_run ? " (dry run: nothing changed)" : c.conflicts ? " (left in the upper layer)" : "");
	else if (code == 0)
		printf("%s: nothing to commit in %s\n", app, lower);
	commit_plan_free(&c);
	return code ? code : c.conflicts || c.skipped ? 1 : 0;
}
