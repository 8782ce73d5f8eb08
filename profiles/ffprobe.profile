# ffprobe: inspects the media files named on its command line and in the working directory,
# read-only; it writes only to stdout. No network.
net none
include hardened
ro-bind-try ${CWD}
grant-args
