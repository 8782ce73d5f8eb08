# inkscape: edits the drawings named on its command line in a window on your X display, with
# each file's directory read-write (saving writes a new copy there and renames it over the file),
# and exports them (`--export-filename=OUT.png`, whose directory is granted); keeps its
# preferences, extensions' settings and palettes in ~/.config/inkscape when that exists. No
# network: the "Open Clip Art" import and extension downloads fail. Files it opens from its own
# dialog must be granted (--bind DIR).
socket x11
include desktop
include hardened
grant-args edit
bind-try ${XDG_CONFIG_HOME}/inkscape
