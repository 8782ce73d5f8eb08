# nginx as a server: serves the working directory read-only, may listen on ports 80, 443 and
# 8000-8999 of the host network, and opens no outgoing connection (add 'net-connect PORT' in
# nginx.local for proxy_pass upstreams, and 'net-connect 53' if it resolves names: as root, eBPF
# refuses UDP to unlisted ports too). It runs as you, so use a configuration that keeps the pid
# file and temporary files in /tmp and logs to stderr, e.g.
#   cd /srv/site && sbx /usr/sbin/nginx -p "$PWD" -c nginx.conf -e stderr -g 'daemon off;'
include network
include hardened
include cwd-ro
net-bind 80 443 8000-8999
