# file: identifies the files named on its command line (read-only) and in the working directory.
# Its parsers see untrusted files all day: no network, no write anywhere, nothing else of the home.
net none
include hardened
include cwd-ro
grant-args
