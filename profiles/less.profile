# less (pager): shows stdin or the files named on its command line, and the working directory,
# read-only (:e OTHERFILE); reads your lesskey settings and LESS options. It writes nothing: no
# history file, no saving piped input ('s'), no editor ('v': the editor would get these grants).
# No network.
net none
include hardened
ro-bind-try ${CWD}
grant-args
ro-bind-try ${XDG_CONFIG_HOME}/lesskey
ro-bind-try ${HOME}/.lesskey
keepenv LESS LESSCHARSET
setenv LESSHISTFILE -
