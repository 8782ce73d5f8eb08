# make (gmake): builds in the working directory, and in the paths named on its command line
# read-write (make -C ../lib, -f ../common.mk). The compilers and tools a Makefile runs share this
# sandbox and its grants. No network: a build step that downloads fails (sbx --net host make, or
# make.local, when a build must fetch). Nothing else of the home.
names gmake
net none
include hardened
bind-try ${CWD}
grant-args rw
