# convert (ImageMagick 6: identify, mogrify, montage, composite, compare and their -im6.q16 names):
# converts images in the working directory and the paths named on the command line, read-write
# (the directory of an output that does not exist yet). Reads ~/.config/ImageMagick. No network:
# an http:// or ftp:// input fails to load.
names convert-im6.q16 identify identify-im6.q16 mogrify mogrify-im6.q16 montage montage-im6.q16
names composite composite-im6.q16 compare compare-im6.q16
net none
include hardened
bind-try ${CWD}
grant-args rw
ro-bind-try ${XDG_CONFIG_HOME}/ImageMagick
