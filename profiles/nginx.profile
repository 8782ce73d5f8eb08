# nginx as Debian ships it, started by root (`ExecStart=sbx nginx -g 'daemon off;'` in a unit, or
# a root shell, from any directory): it runs as www-data with www-data's groups, reads /etc/nginx,
# serves /var/www read-only, appends to its logs in /var/log/nginx, and keeps its temporary files
# (/var/lib/nginx) and its pid file (/run/nginx.pid) in private tmpfs. It may listen on ports 80,
# 443 and 8000-8999 and opens no outgoing connection (add 'net-connect PORT' in nginx.local for
# proxy_pass upstreams, and 'net-connect 53' if it resolves names: as root, eBPF refuses UDP to
# unlisted ports too). Ports 80 and 443 need eBPF (caps-keep below; see sbx-profile(5)).
# Started by another user, it runs as that user and cannot bind ports below 1024 or write
# /var/log/nginx: use a configuration of your own and grant its directory, e.g.
#   sbx --ro-bind /srv/site nginx -p /srv/site -c nginx.conf -e stderr -g 'daemon off;'
# with the pid file and temporary files in /tmp and a listen port of 8000-8999.
user www-data
caps-keep net_bind_service
tmpfs /run
include network
include hardened
ro-bind-try /var/www
bind-try /var/log/nginx
tmpfs /var/lib/nginx
net-bind 80 443 8000-8999
