# jpegoptim: optimises JPEG files in place in the working directory; a JPEG named elsewhere is
# readable (write the result here with -d .). No network, nothing else of the home.
net none
include hardened
bind-try ${CWD}
grant-args
