# thunderbird: mail and news over the host network in a window on your X display, with its
# profile (~/.thunderbird when it exists: create it once, or every run starts from a fresh
# profile, with no accounts, that sbx discards), its cache, the download directory (saved
# attachments) and the files named on its command line (read-only: an .eml to show, an
# attachment to send). Attaching other files needs them granted (--bind DIR).
#
# No `allow userns`: Thunderbird's content processes run under its seccomp filter alone, the
# browser profiles' nested namespaces are not needed to read mail.
socket x11
include desktop
include network
include hardened
include downloads
bind-try ${HOME}/.thunderbird
bind-try ${XDG_CACHE_HOME}/thunderbird
grant-args
