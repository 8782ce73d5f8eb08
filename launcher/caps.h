/* Capabilities: the command holds none, in any set, and cannot regain them. */
#ifndef SBX_CAPS_H
#define SBX_CAPS_H

#include "util.h"

/* Empties the bounding, ambient, inheritable, permitted and effective sets, and locks the
 * securebits so that no uid change or exec brings capabilities back. Verifies the result. */
int caps_drop_all(struct sbx_error *err);

#endif
