#!/usr/bin/python3
# A D-Bus test service for tests of the bus grants (tests/lib/dbus.bash): owns every name given on
# the command line on the session bus of DBUS_SESSION_BUS_ADDRESS (or the system bus with
# --system), answers org.sbx.Test.Ping with "pong NAME-OF-FIRST", prints "ready" once it owns them.
# Exits 3 when a name cannot be had.
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
args = sys.argv[1:]
system = bool(args) and args[0] == "--system"
if system:
    args = args[1:]
bus = dbus.SystemBus() if system else dbus.SessionBus()
names = []
for n in args:
    try:
        names.append(dbus.service.BusName(n, bus, do_not_queue=True))
    except dbus.exceptions.DBusException as e:
        print("cannot own %s: %s" % (n, e.get_dbus_name()), flush=True)
        sys.exit(3)


class Obj(dbus.service.Object):
    @dbus.service.method("org.sbx.Test", out_signature="s")
    def Ping(self):
        return "pong " + args[0]


Obj(bus, "/org/sbx/Test")
print("ready", flush=True)
GLib.MainLoop().run()
