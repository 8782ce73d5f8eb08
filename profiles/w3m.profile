# w3m: browses and dumps (-dump) web pages over the host network and the local files named on its
# command line (read-only); keeps its cookies, history and settings in ~/.w3m when that exists;
# saves into the working directory. Nothing else of the home.
include network
include hardened
bind-try ${CWD}
grant-args
bind-try ${HOME}/.w3m
