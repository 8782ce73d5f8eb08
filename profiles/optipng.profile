# optipng: recompresses PNG files in place in the working directory; a PNG named elsewhere is
# readable (write the result here with -out or -dir .). No network, nothing else of the home.
net none
include hardened
bind-try ${CWD}
grant-args
