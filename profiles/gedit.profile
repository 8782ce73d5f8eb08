# gedit: edits the files named on its command line in a window on your X display, with each file's
# directory read-write (saving writes a new copy there and renames it over the file; a file
# directly in your home is granted alone, and saving it fails); the spell checker's personal word
# lists (~/.config/enchant) when they exist. No network. Its preferences live in GSettings, which
# needs the session bus (a later version grants dconf through it): here they last until gedit
# exits.
socket x11
include desktop
include hardened
grant-args edit
bind-try ${XDG_CONFIG_HOME}/enchant
