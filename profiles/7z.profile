# 7z (p7zip-full: 7z, 7za, 7zr): packs and unpacks archives in the working directory; archives
# named on the command line elsewhere are readable (7z x ../in.7z). An archive's paths cannot
# escape: only the working directory is writable. No network, nothing else of the home.
names 7za 7zr
net none
include hardened
bind-try ${CWD}
grant-args
