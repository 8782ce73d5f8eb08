# python3: runs scripts from the working directory, which it can read but not change. No network,
# nothing else of the home. Give a script a place to write with --bind DIR or python3.local.
net none
include hardened
ro-bind-try ${CWD}
