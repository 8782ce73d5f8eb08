# firefox-esr (firefox): browses over the host network in a window on your X display, with its
# profile (~/.mozilla, or ~/.config/mozilla on a first run: create one of them once, or every run
# starts from a fresh profile that is discarded), its cache, the download directory and the local
# files named on its command line (read-only).
#
# Firefox's own sandbox keeps working in full: `allow userns` lets it put each content process
# into its own user and network namespace (with chroot, which sbx allows together with userns;
# allowing the namespaces but not chroot makes Firefox hang), on top of its seccomp filter. The
# price is the kernel's user-namespace code within reach of the whole browser. Without it Firefox
# falls back to seccomp alone, with content processes sharing the browser's network.
names firefox
allow userns
socket x11
include desktop
include network
include hardened
include downloads
bind-try ${HOME}/.mozilla
bind-try ${XDG_CONFIG_HOME}/mozilla
bind-try ${XDG_CACHE_HOME}/mozilla
grant-args
