# redis-server, a user's own instance: listens on ports 6379-6399 only (any address the host has)
# and connects nowhere, so no replication to another port; keeps its dump and append-only files in
# the working directory (--dir elsewhere is not granted); a config file named on the command line
# is readable. Nothing else of the home. Started by root it runs as nobody (no service account).
include network
include hardened
net-bind 6379-6399
bind-try ${CWD}
grant-args
