# dot (graphviz: dot, neato, twopi, circo, fdp, sfdp): lays out graphs from the files in the
# working directory and those named elsewhere, and writes images into the working directory.
# No network, nothing else of the home.
names neato twopi circo fdp sfdp osage patchwork
net none
include hardened
bind-try ${CWD}
grant-args
# Rendering text builds a fontconfig cache: private and silent.
tmpfs ${XDG_CACHE_HOME}/fontconfig
