# xmlstarlet (xml): queries, edits and validates the XML files named on its command line and in the
# working directory, and writes there (ed -L edits in place). External entities reach no network.
# Nothing else of the home.
names xml
net none
include hardened
bind-try ${CWD}
grant-args
