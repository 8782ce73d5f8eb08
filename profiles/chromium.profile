# chromium: browses over the host network in a window on your X display, with its profile
# (~/.config/chromium when it exists; else every run starts from a fresh profile that sbx
# discards), its cache, the download directory and the local files named on its command line
# (read-only).
#
# Chromium's own sandbox keeps working: `allow userns` lets its zygote put renderers into user,
# pid and network namespaces of their own (and chroot them into an empty directory, which sbx
# allows together with userns) under its seccomp filter. Without it Chromium refuses to start
# ("No usable sandbox!"): its setuid helper cannot work under no_new_privs, and --no-sandbox would
# switch off every layer. The price is the kernel's user-namespace code within reach of the whole
# browser.
allow userns
socket x11
include desktop
include network
include hardened
include downloads
bind-try ${XDG_CONFIG_HOME}/chromium
bind-try ${XDG_CACHE_HOME}/chromium
grant-args
