# lighttpd, a user's own instance (a root-started, www-data lighttpd is not covered yet: started by
# root it runs as nobody): serves what its configuration names, granted by name, e.g.
#   sbx --ro-bind /srv/site lighttpd -D -f /srv/site/lighttpd.conf
# The configuration file named on the command line is readable. Listens on ports 8000-8999 only
# and connects nowhere; pid and upload files go to the private /tmp. Nothing else of the home.
include network
include hardened
net-bind 8000-8999
grant-args
