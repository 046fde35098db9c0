"""A local SMTP receiver for the end-to-end tests (aiosmtpd, installed into .venv by
scripts/ensure-venv).

    receiver.py PORT DIR

Listens on 127.0.0.1:PORT, prints "listening" once it accepts connections, and writes each
message it receives, decoded, as DIR/N.json: {"from", "to", "subject", "text"} ("text" is the
plain-text part, transfer encoding undone). Each file is written under another name, then
renamed, so a reader never sees half a message. Runs until its standard input closes (the test
that started it ends).
"""

import email
import email.policy
import itertools
import json
import pathlib
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, out):
        self.out = out
        self.count = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "text": body.get_content() if body is not None else "",
        }
        n = next(self.count)
        partial = self.out / f".{n}.json.part"
        partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        partial.rename(self.out / f"{n}.json")
        return "250 Message accepted for delivery"


def main():
    port, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    controller = Controller(Keep(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("listening", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
