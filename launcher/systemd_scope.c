#include "systemd_scope.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* The few sd-bus entry points used, declared here so building needs no libsystemd-dev; the
 * sd-bus ABI (libsystemd.so.0) is stable. */
typedef struct sd_bus sd_bus;
typedef struct sd_bus_message sd_bus_message;
typedef struct {
	const char *name;
	const char *message;
	int _need_free;
} sd_bus_error;

struct sdbus_api {
	void *lib;
	int (*open_user)(sd_bus **ret);
	int (*open_system)(sd_bus **ret);
	int (*call_method)(sd_bus *bus, const char *destination, const char *path, const char *interface,
			   const char *member, sd_bus_error *ret_error, sd_bus_message **reply,
			   const char *types, ...);
	sd_bus *(*flush_close_unref)(sd_bus *bus);
	sd_bus_message *(*message_unref)(sd_bus_message *m);
	void (*error_free)(sd_bus_error *e);
};

static int sdbus_load(struct sdbus_api *api, char *why, size_t why_size)
{
	api->lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (!api->lib) {
		snprintf(why, why_size, "libsystemd.so.0 cannot be loaded (%s)", dlerror());
		return -ENOENT;
	}
	*(void **)&api->open_user = dlsym(api->lib, "sd_bus_open_user");
	*(void **)&api->open_system = dlsym(api->lib, "sd_bus_open_system");
	*(void **)&api->call_method = dlsym(api->lib, "sd_bus_call_method");
	*(void **)&api->flush_close_unref = dlsym(api->lib, "sd_bus_flush_close_unref");
	*(void **)&api->message_unref = dlsym(api->lib, "sd_bus_message_unref");
	*(void **)&api->error_free = dlsym(api->lib, "sd_bus_error_free");
	if (!api->open_user || !api->open_system || !api->call_method || !api->flush_close_unref ||
	    !api->message_unref || !api->error_free) {
		snprintf(why, why_size, "libsystemd.so.0 lacks the sd-bus functions sbx needs");
		dlclose(api->lib);
		return -ENOSYS;
	}
	return 0;
}

static bool ends_with_component(const char *path, const char *name)
{
	size_t lp = strlen(path), ln = strlen(name);
	return lp > ln && path[lp - ln - 1] == '/' && strcmp(path + lp - ln, name) == 0;
}

int systemd_scope_start(const char *unit, const char *description, char **cgroup_path, char *why,
			size_t why_size)
{
	/* sd_booted(): systemd creates this directory early when it is PID 1. */
	if (access("/run/systemd/system", F_OK) < 0) {
		snprintf(why, why_size, "systemd is not the init system (no /run/systemd/system)");
		return -ENOENT;
	}
	struct sdbus_api api;
	int r = sdbus_load(&api, why, why_size);
	if (r < 0)
		return r;

	bool system = geteuid() == 0;
	sd_bus *bus = NULL;
	r = system ? api.open_system(&bus) : api.open_user(&bus);
	if (r < 0) {
		snprintf(why, why_size, "cannot connect to the %s bus: %s", system ? "system" : "user",
			 strerror(-r));
		goto out;
	}
	sd_bus_error error = { 0 };
	sd_bus_message *reply = NULL;
	/* Properties as `systemd-run --scope -p Delegate=yes` sends them; PIDs moves sbx itself. */
	r = api.call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
			    "org.freedesktop.systemd1.Manager", "StartTransientUnit", &error, &reply,
			    "ssa(sv)a(sa(sv))", unit, "fail", 4,
			    "PIDs", "au", 1, (uint32_t)getpid(),
			    "Delegate", "b", 1,
			    "CollectMode", "s", "inactive-or-failed",
			    "Description", "s", description,
			    0);
	if (r < 0) {
		snprintf(why, why_size, "StartTransientUnit %s failed: %s", unit,
			 error.message ? error.message : strerror(-r));
		api.error_free(&error);
		api.flush_close_unref(bus);
		goto out;
	}
	api.message_unref(reply);
	api.error_free(&error);
	api.flush_close_unref(bus);

	/* The start job moves sbx asynchronously; wait for it (up to 5 s). */
	for (int i = 0; i < 500; i++) {
		char *path = NULL;
		if (own_cgroup_path(&path) == 0 && ends_with_component(path, unit)) {
			*cgroup_path = path;
			r = 0;
			goto out;
		}
		free(path);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	snprintf(why, why_size, "systemd started %s but did not move sbx into it within 5 s", unit);
	r = -ETIMEDOUT;
out:
	/* libsystemd stays loaded: it may have thread-local state with destructors that would run
	 * after an unload. */
	return r;
}
