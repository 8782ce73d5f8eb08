# xmllint (libxml2-utils): parses, validates and queries XML and HTML from stdin or the files named
# on its command line (read-only); --output writes into the working directory. No network: an
# external DTD or entity on http:// fails to load, as with --nonet.
net none
include hardened
bind-try ${CWD}
grant-args
