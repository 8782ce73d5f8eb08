# shellcheck: lints the shell scripts named on its command line and the working directory
# (read-only: it only reports). No network, nothing else of the home.
net none
include hardened
include cwd-ro
grant-args
