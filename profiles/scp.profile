# scp and sftp: copy files over ssh, as ssh.profile (reads ~/.ssh, writes known_hosts, the agent),
# with the working directory and the local paths named on the command line read-write (never your
# home itself, a shared or system directory). Nothing else of the home.
names sftp
include network
include hardened
include ssh-client
include ssh-remote
bind-try ${CWD}
grant-args rw
