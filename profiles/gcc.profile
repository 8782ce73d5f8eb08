# gcc (cc, c89, c99, g++, c++, cpp and their versioned and triplet names): compiles and links in
# the working directory, and the paths named on the command line read-write (cc -o ../bin/x
# ../src/x.c: the directory of an output that does not exist yet). Headers and libraries come from
# the read-only /usr, temporary files go to the private /tmp. No network, nothing else of the home.
names cc c89 c99 gcc-12 g++ g++-12 c++ cpp cpp-12
names x86_64-linux-gnu-gcc x86_64-linux-gnu-gcc-12 x86_64-linux-gnu-g++ x86_64-linux-gnu-g++-12
names x86_64-linux-gnu-cpp x86_64-linux-gnu-cpp-12
net none
include hardened
bind-try ${CWD}
grant-args rw
