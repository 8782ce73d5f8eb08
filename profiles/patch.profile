# patch: applies a patch to the files in the working directory; a patch file named elsewhere is
# readable (patch -p1 -i ../fix.diff). A hostile patch cannot write outside the working directory
# (../../.bashrc stays out). No network, nothing else of the home.
net none
include hardened
bind-try ${CWD}
grant-args
