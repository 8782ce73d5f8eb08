# perl: runs scripts in the working directory, which it may change, like python3.profile: never
# when that is your home, a shared or a system directory (sbx says why). A script or input named
# on the command line elsewhere is readable (perl ../tools/x.pl). No network, nothing else of the
# home. Give a script more with --bind DIR or perl.local.
names perl5.36.0 perl5.40.1
net none
include hardened
bind-try ${CWD}
grant-args
