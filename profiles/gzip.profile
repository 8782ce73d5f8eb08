# gzip (and gunzip, zcat: Debian's are scripts that run gzip): compresses files in the working
# directory, or stdin to stdout. Files named on the command line elsewhere are readable
# (zcat ../logs/x.gz); to compress or unpack in place outside the working directory, run it there.
# No network.
names gunzip zcat gzcat
net none
include hardened
bind-try ${CWD}
grant-args
