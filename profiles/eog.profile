# eog (Eye of GNOME): shows the images named on its command line, read-only, in a window on your
# X display (a directory named there is granted whole, for browsing it). No network.
socket x11
include desktop
include hardened
grant-args
