# jq: filters JSON from stdin or from the files named on its command line, which it may read and
# nothing else: it writes only to stdout, so it is not given the working directory. Your ~/.jq
# (definitions or a module directory) is readable. No network.
net none
include hardened
grant-args
ro-bind-try ${HOME}/.jq
