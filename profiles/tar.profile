# tar: creates and extracts archives in the working directory, and the paths named on its command
# line read-write (tar xzf ../data.tgz, -C ../dest, an archive written to ../out.tgz: the directory
# of a file that does not exist yet). Never your home itself, a shared or system directory or
# ~/.ssh (sbx names what it left out). No network.
names gtar
net none
include hardened
include cwd
grant-args rw
