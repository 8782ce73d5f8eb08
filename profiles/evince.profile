# evince (evince-previewer): shows the documents named on its command line, read-only, in a window
# on your X display. No network. Printing, saving a copy and annotating need a directory granted
# read-write (--bind DIR).
names evince-previewer
socket x11
include desktop
include hardened
grant-args
