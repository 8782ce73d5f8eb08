# diff (cmp, diff3, sdiff): compares the files and trees named on its command line, read-only.
# It writes only to stdout. No network, nothing else of the home.
names cmp diff3 sdiff
net none
include hardened
include cwd-ro
grant-args
