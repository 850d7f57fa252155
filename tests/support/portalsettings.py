#!/usr/bin/python3
"""The XDG desktop portal's Settings interface for the colour scheme tests (python3-dbus, python3-gi), headless.

Owns org.freedesktop.portal.Desktop on the session bus (run it under dbus-run-session) with
/org/freedesktop/portal/desktop implementing org.freedesktop.portal.Settings as xdg-desktop-portal does for
"org.freedesktop.appearance" "color-scheme": Read answers the number wrapped in two variants (as the real portal
does), ReadAll in one, and an unknown key is the portal's NotFound error. The first argument is the starting
value (0 no preference, 1 prefer dark, 2 prefer light); "--silent" never answers Read (a stuck portal).
Each stdin line "set N" changes the value and emits SettingChanged. Prints "ready" once it owns the name,
"read" for every Read and "changed N" after each signal. Ends when stdin closes.
"""
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.Settings"
GROUP = "org.freedesktop.appearance"
KEY = "color-scheme"


class NotFound(dbus.DBusException):
    _dbus_error_name = "org.freedesktop.portal.Error.NotFound"


class Settings(dbus.service.Object):
    def __init__(self, bus, value, silent):
        super().__init__(bus, PATH)
        self.value = value
        self.silent = silent

    @dbus.service.method(IFACE, in_signature="ss", out_signature="v", async_callbacks=("reply", "error"))
    def Read(self, group, key, reply, error):
        print("read", flush=True)
        if self.silent:
            return  # never answered
        if group != GROUP or key != KEY:
            error(NotFound("Requested setting not found"))
            return
        reply(dbus.UInt32(self.value, variant_level=2))

    @dbus.service.method(IFACE, in_signature="as", out_signature="a{sa{sv}}")
    def ReadAll(self, groups):
        return {GROUP: {KEY: dbus.UInt32(self.value, variant_level=1)}}

    @dbus.service.signal(IFACE, signature="ssv")
    def SettingChanged(self, group, key, value):
        pass

    def set(self, value):
        self.value = value
        self.SettingChanged(GROUP, KEY, dbus.UInt32(value, variant_level=1))
        print("changed %d" % value, flush=True)


def main():
    args = [a for a in sys.argv[1:] if a != "--silent"]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    settings = Settings(bus, int(args[0]) if args else 0, "--silent" in sys.argv)
    loop = GLib.MainLoop()

    def on_stdin(*_):
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        words = line.split()
        if len(words) == 2 and words[0] == "set":
            settings.set(int(words[1]))
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_HUP | GLib.IO_IN, on_stdin)
    print("ready", flush=True)
    loop.run()
    del name, settings


if __name__ == "__main__":
    main()
