# zip (zipcloak, zipnote, zipsplit): makes and updates archives in the working directory, and the
# paths named on its command line read-write (zip ../out.zip notes.txt: the directory of an
# archive that does not exist yet). Never your home itself, a shared or system directory or
# ~/.ssh (sbx names what it left out). No network.
names zipcloak zipnote zipsplit
net none
include hardened
bind-try ${CWD}
grant-args rw
