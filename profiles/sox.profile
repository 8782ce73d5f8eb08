# sox (soxi): converts, mixes and analyses audio files in the working directory; files named
# elsewhere are readable. It gets no sound device: play and rec are not covered (they would need
# audio sockets). No network, nothing else of the home.
names soxi
net none
include hardened
bind-try ${CWD}
grant-args
