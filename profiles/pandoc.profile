# pandoc: converts documents in the working directory and the paths named on the command line,
# read-write (-o ../out.html: the directory of an output that does not exist yet); reads its data
# directory (templates, filters) in ~/.local/share/pandoc. No network: remote images and
# --embed-resources of URLs fail to load.
net none
include hardened
bind-try ${CWD}
grant-args rw
ro-bind-try ${XDG_DATA_HOME}/pandoc
