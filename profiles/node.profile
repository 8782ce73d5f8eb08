# node (nodejs): runs scripts in the working directory, which it may change, like python3.profile:
# never when that is your home, a shared or a system directory (sbx says why). A script or input
# named on the command line elsewhere is readable (node ../tools/x.js). No network (npm is not
# covered: it needs the registry), nothing else of the home. Give a script more with --bind DIR.
names nodejs
net none
include hardened
bind-try ${CWD}
grant-args
