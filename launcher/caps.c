#include "caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <linux/securebits.h>

int caps_drop_all(struct sbx_error *err)
{
	/* Every capability this kernel knows (EINVAL marks the end), not just those libcap knows. */
	for (cap_value_t c = 0; c < 64; c++) {
		if (cap_drop_bound(c) < 0) {
			if (errno == EINVAL)
				break;
			return sbx_fail(err, errno, "cannot drop capability %d from the bounding set", (int)c);
		}
	}
	/* One call: libcap's cap_reset_ambient first asks about each of the 41 capabilities. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return sbx_fail(err, errno, "cannot clear the ambient capabilities");
	/* Setting securebits needs CAP_SETPCAP, so it comes before the sets are emptied. */
	unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
			SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (cap_set_secbits(bits) < 0)
		return sbx_fail(err, errno, "cannot lock the securebits");
	cap_t none = cap_init();
	if (!none)
		return sbx_fail(err, errno, "cap_init");
	int r = cap_set_proc(none);
	int e = errno;
	cap_t now = r == 0 ? cap_get_proc() : NULL;
	bool empty = now && cap_compare(now, none) == 0;
	cap_free(now);
	cap_free(none);
	if (r < 0)
		return sbx_fail(err, e, "cannot drop capabilities");
	if (!empty || prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) != 0)
		return sbx_fail(err, 0, "capabilities are still held after dropping them");
	return 0;
}
