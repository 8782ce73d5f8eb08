# cmake (ctest, cpack): configures and builds a project in the working directory (a source tree
# named elsewhere is readable: cmake -S ../src -B .). Compilers come from the read-only /usr.
# No network (FetchContent and ExternalProject downloads fail), nothing else of the home.
names ctest cpack
net none
include hardened
bind-try ${CWD}
grant-args
