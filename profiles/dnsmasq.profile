# dnsmasq, as a DNS forwarder and local name server (not DHCP, which needs privileged ports and
# raw sockets): listens on ports 5300-5399 only, e.g.
#   sbx dnsmasq --no-daemon --port 5353 --listen-address 127.0.0.1 --bind-interfaces --conf-file=my.conf
# The configuration and hosts files named on the command line are readable; it forwards to the
# servers in /etc/resolv.conf (or --server) over the host network. Nothing of the home.
# Started by root it runs as nobody; eBPF lets its UDP answers leave from the port it was granted
# (a socket bound by a net-bind rule may send to its clients); forwarding to the servers of
# /etc/resolv.conf needs 'net-connect 53' in dnsmasq.local.
include network
include hardened
net-bind 5300-5399
grant-args
