# python3 (python, python3.N): runs scripts in the working directory, which it may change, like
# the default profile: never when that is your home, a shared or a system directory (sbx says
# why). No network, nothing else of the home. Give a script more with --bind DIR or python3.local.
names python python3.9 python3.10 python3.11 python3.12 python3.13 python3.14
net none
include hardened
bind-try ${CWD}
