# sqlite3: databases in the working directory (read-write, with their journals). No network.
net none
include hardened
include cwd
ro-bind-try ${HOME}/.sqliterc
