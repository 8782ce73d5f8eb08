# mousepad: edits the files named on its command line in a window on your X display, with each
# file's directory read-write (saving writes a new copy there and renames it over the file; a file
# directly in your home is granted alone, and saving it fails); keeps its settings in
# ~/.config/Mousepad when that exists. No network. Files it opens from its own dialog must be
# granted (--bind DIR).
socket x11
include desktop
include hardened
grant-args edit
bind-try ${XDG_CONFIG_HOME}/Mousepad
