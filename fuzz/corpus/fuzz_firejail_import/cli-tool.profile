# a command-line tool, blacklist-mode home (written for the fuzz seeds, not from firejail)
include tool.local
include globals.local
noblacklist ${HOME}/.toolrc
noblacklist ${PATH}/sh
blacklist ${PATH}/sh
blacklist /usr/bin/gcc*
blacklist ${HOME}/.ssh
blacklist ${RUNUSER}
mkdir ${HOME}/.cache/tool
mkfile ${HOME}/.tool_history
include disable-common.inc
caps.drop all
net none
nonewprivs
noroot
protocol unix
seccomp !chroot,kexec_load
seccomp.drop mount,umount2
private-bin tool,sh
private-cache
private-dev
private-etc ssl,passwd
private-tmp
memory-deny-write-execute
restrict-namespaces
rmenv SECRET_TOKEN
env LC_ALL=C
