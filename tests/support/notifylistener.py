#!/usr/bin/python3
"""A desktop notification server for the alert tests (Debian's python3-dbus and python3-gi), headless.

Owns org.freedesktop.Notifications on the session bus (run it under dbus-run-session) and implements the
Desktop Notifications Specification's methods: Notify is answered with a new id, as a real server does,
and written to stdout as one JSON line {"id", "app_name", "replaces_id", "summary", "body", "actions",
"urgency", "desktop_entry"}. Prints "ready" once it owns the name. Ends when stdin closes.
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


class Server(dbus.service.Object):
    def __init__(self, bus):
        super().__init__(bus, PATH)
        self.next_id = 0

    @dbus.service.method(NAME, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout):
        self.next_id += 1
        nid = int(replaces_id) if replaces_id else self.next_id
        print(json.dumps({
            "id": nid,
            "app_name": str(app_name),
            "replaces_id": int(replaces_id),
            "summary": str(summary),
            "body": str(body),
            "actions": [str(a) for a in actions],
            "urgency": int(hints.get("urgency", 1)),
            "desktop_entry": str(hints.get("desktop-entry", "")),
        }), flush=True)
        return dbus.UInt32(nid)

    @dbus.service.method(NAME, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        pass

    @dbus.service.method(NAME, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body"]

    @dbus.service.method(NAME, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("notifylistener", "StatusDesk tests", "1.0", "1.2")


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    name = dbus.service.BusName(NAME, bus, do_not_queue=True)
    server = Server(bus)
    loop = GLib.MainLoop()
    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_HUP | GLib.IO_IN,
                      lambda *a: (loop.quit(), False)[1] if not sys.stdin.readline() else True)
    print("ready", flush=True)
    loop.run()
    del name, server


if __name__ == "__main__":
    main()
