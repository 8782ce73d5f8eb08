# zstd (unzstd, zstdcat, zstdmt, pzstd): compresses and unpacks files in the working directory, or
# stdin to stdout. Files named on the command line elsewhere are readable (zstdcat ../x.zst); to
# write next to them, run it there. No network.
names unzstd zstdcat zstdmt pzstd
net none
include hardened
bind-try ${CWD}
grant-args
