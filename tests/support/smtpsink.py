#!/usr/bin/python3
"""A real SMTP server for the email tests (Debian's python3-aiosmtpd), on loopback only.

Each message it accepts is written to --dir as NNN.eml (the bytes received) and NNN.json (envelope, how the
session was secured and authenticated, and the text and HTML parts decoded by Python's own email parser), the
JSON renamed into place last so a reader never sees half a message. Prints "ready PORT" once listening, with
the port it listens on (--port 0: one the system picks, so no other process can take it first).

  smtpsink.py --port P --dir D [--starttls CERT KEY [--require-starttls]] [--smtps CERT KEY]
              [--auth USER:PASSWORD [--auth-without-tls]] [--reject-rcpt CODE]

--auth-without-tls offers AUTH over a plain connection (no STARTTLS), as a server behind a stripped
STARTTLS would. Every AUTH the sink receives, accepted or not, is logged to --dir/auth.log (mechanism and
login, never the password), so a test can tell that none was sent.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class FolderHandler:
    def __init__(self, folder, reject_rcpt=None):
        self.folder = folder
        self.reject_rcpt = reject_rcpt
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt:
            return f"{self.reject_rcpt} mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
            "auth_mechanism": getattr(session, "auth_mechanism", None),
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "message_id": str(msg["message-id"]),
            "date": str(msg["date"]),
            "content_type": msg.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(info, f)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    p.add_argument("--auth-without-tls", action="store_true")
    p.add_argument("--reject-rcpt")
    a = p.parse_args()

    handler = FolderHandler(a.dir, a.reject_rcpt)
    starttls_ctx = None
    if a.starttls:
        starttls_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        starttls_ctx.load_cert_chain(*a.starttls)
    listen_ctx = None
    if a.smtps:
        listen_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        listen_ctx.load_cert_chain(*a.smtps)

    def authenticator(server, session, envelope, mechanism, auth_data):
        with open(os.path.join(a.dir, "auth.log"), "a") as log:
            login = auth_data.login.decode(errors="replace") if isinstance(auth_data, LoginPassword) else "?"
            log.write("%s %s tls=%s\n" % (mechanism, login, session.ssl is not None))
        if not a.auth or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = a.auth.split(":", 1)
        session.auth_mechanism = mechanism
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    def factory():
        return SMTP(handler, hostname="sink.test", tls_context=starttls_ctx,
                    require_starttls=a.require_starttls, auth_required=bool(a.auth),
                    # Implicit TLS counts as TLS for AUTH; over plain smtp:// AUTH waits for STARTTLS.
                    auth_require_tls=not a.smtps and not a.auth_without_tls,
                    authenticator=authenticator if a.auth else None)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", a.port, ssl=listen_ctx))
    print("ready", server.sockets[0].getsockname()[1], flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
