# rsync, for local copies: the working directory and the paths named on its command line
# read-write (rsync -a src/ ../backup/: the directory of a destination that does not exist yet).
# Never your home itself, a shared or system directory or ~/.ssh. No network (the default, not set
# here, so that copies over ssh can be granted in rsync.local with the lines 'include network',
# 'include ssh-client' and 'include ssh-remote').
include hardened
bind-try ${CWD}
grant-args rw
