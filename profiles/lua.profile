# lua (lua5.1 to lua5.4, luajit, luac): runs scripts in the working directory, which it may change
# (never when that is your home, a shared or a system directory); a script or input named on the
# command line elsewhere is readable. No network, nothing else of the home.
names lua5.1 lua5.2 lua5.3 lua5.4 luajit luac luac5.1 luac5.2 luac5.3 luac5.4
net none
include hardened
bind-try ${CWD}
grant-args
