# xz (unxz, xzcat, lzma, unlzma, lzcat): compresses and unpacks files in the working directory, or
# stdin to stdout. Files named on the command line elsewhere are readable (xzcat ../logs/x.xz);
# to compress or unpack in place outside the working directory, run it there. No network.
names unxz xzcat lzma unlzma lzcat xzdec lzmadec
net none
include hardened
bind-try ${CWD}
grant-args
