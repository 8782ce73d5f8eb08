# memcached, started by a user: listens on ports 11211-11219 only and connects nowhere. It keeps
# everything in memory: no file of yours is granted, not even the working directory.
include network
include hardened
net-bind 11211-11219
