# bc (and dc): arbitrary-precision calculators; read the files named on their command line and
# stdin, write only to stdout. No network, nothing of the home.
names dc
net none
include hardened
grant-args
