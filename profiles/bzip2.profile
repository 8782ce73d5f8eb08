# bzip2 (bunzip2, bzcat, bzip2recover): compresses and unpacks files in the working directory, or
# stdin to stdout. Files named on the command line elsewhere are readable (bzcat ../x.bz2); to
# write next to them, run it there. No network.
names bunzip2 bzcat bzip2recover
net none
include hardened
bind-try ${CWD}
grant-args
