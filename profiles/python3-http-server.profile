# python3 -m http.server, serving the working directory read-only to other processes: use
#   sbx --profile python3-http-server python3 -m http.server PORT
# (python3.profile, which `sbx python3` gets, has no network). Listens on ports 8000-8999 only
# (any address the host has) and connects nowhere. Nothing else of the home. Started by root, it
# runs as nobody.
include network
include hardened
net-bind 8000-8999
ro-bind ${CWD}
