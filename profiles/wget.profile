# wget: downloads into the working directory over the host network; reads ~/.wgetrc.
# Run from your home directory, wget gets no directory to write to (-O - still works).
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.wgetrc
