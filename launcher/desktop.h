/* Desktop integration: `sbx desktop enable|disable|list|sync`. Writes managed copies of desktop
 * files (and D-Bus service and autostart files) whose Exec runs the app through sbx, and keeps
 * them current. Never edits a file it did not write: each copy carries X-SBX-Managed. The files'
 * format (parsing, rewriting) is desktop_entry.h. */
#ifndef SBX_DESKTOP_H
#define SBX_DESKTOP_H

#include "profile.h"

/* `sbx desktop ...`; argv[0] is "desktop". Returns the exit code: 0, 1 on an error, 2 on a usage
 * error. */
int desktop_main(int argc, char **argv, const struct profile_env *env);

#endif
