# gimp (gimp-2.10, gimp-console): edits the images named on its command line in a window on your
# X display, with each image's directory read-write (File > Overwrite and Export save there), and
# runs batch scripts (`gimp -i -b ...`: the files a script names must be granted, --bind DIR);
# keeps its settings, brushes, plug-in state and scripts in ~/.config/GIMP when that exists. No
# network. Files it opens from its own dialog must be granted (--bind DIR).
names gimp-2.10 gimp-console gimp-console-2.10
socket x11
include desktop
include hardened
grant-args edit
bind-try ${XDG_CONFIG_HOME}/GIMP
