# yt-dlp: downloads media over the host network into the working directory; reads its
# configuration from ~/.config/yt-dlp when that exists (read-only: a config can run commands).
# Cookies files and other inputs named on the command line are readable. Nothing else of the home.
include network
include hardened
bind-try ${CWD}
grant-args
ro-bind-try ${XDG_CONFIG_HOME}/yt-dlp
