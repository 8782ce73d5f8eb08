# flac (and metaflac): encodes and decodes FLAC audio in the working directory; files named
# elsewhere are readable. No network, no sound device (it only converts), nothing else of the home.
names metaflac
net none
include hardened
bind-try ${CWD}
grant-args
