include x.inc
ignore net
?HAS_NET: whitelist ${HOME}/.a
whitelist-ro ~/.b
seccomp.drop ptrace,@clock
private-cache
blacklist /usr/bin/sh
noblacklist /usr/bin/*
