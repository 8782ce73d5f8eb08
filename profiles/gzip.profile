# gzip: compresses files in the working directory, or stdin to stdout. No network.
net none
include hardened
bind-try ${CWD}
