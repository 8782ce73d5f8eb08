# lynx: browses and dumps (-dump) web pages over the host network, and the local files named on
# its command line (read-only); saves into the working directory; reads ~/.lynxrc when it exists.
# Nothing else of the home.
include network
include hardened
bind-try ${CWD}
grant-args
ro-bind-try ${HOME}/.lynxrc
