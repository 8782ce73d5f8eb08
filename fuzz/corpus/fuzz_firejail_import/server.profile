# a server (written for the fuzz seeds, not from firejail)
caps.keep net_bind_service
protocol unix,inet,inet6,netlink
net eth0
whitelist /srv/site
private-srv site
writable-var-log
rlimit-nofile 1024
tracelog
netfilter
