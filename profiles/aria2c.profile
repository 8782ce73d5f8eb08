# aria2c: downloads over http(s) and ftp into the working directory (or -d DIR inside it) on the
# host network; reads its configuration (~/.config/aria2, ~/.aria2), never writes it. Run from ~
# (never granted), its downloads are discarded at exit, and sbx says so. Nothing else of the home.
include network
include hardened
bind-try ${CWD}
ro-bind-try ${XDG_CONFIG_HOME}/aria2
ro-bind-try ${HOME}/.aria2
