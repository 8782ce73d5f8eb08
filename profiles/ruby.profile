# ruby: runs scripts in the working directory, which it may change, like perl.profile. A script or
# input named on the command line elsewhere is readable (ruby ../tools/x.rb). No network (gem and
# bundler are not covered), nothing else of the home.
names ruby3.1
net none
include hardened
bind-try ${CWD}
grant-args
