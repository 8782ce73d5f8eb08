# gifsicle: edits and optimises GIF images and animations in the working directory; GIFs named
# elsewhere are readable. No network, nothing else of the home.
net none
include hardened
bind-try ${CWD}
grant-args
