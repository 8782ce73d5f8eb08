# curl: transfers URLs. Host network; writes only into the working directory (-o, -O) and reads
# its own configuration. The rest of the home (~/.ssh, ~/.netrc, ...) stays hidden.
# Run from your home directory, curl gets no directory to write to (stdout still works).
include network
include hardened
bind-try ${CWD}
ro-bind-try ${HOME}/.curlrc
ro-bind-try ${XDG_CONFIG_HOME}/curlrc
