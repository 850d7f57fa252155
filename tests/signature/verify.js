// Reads [{secret, id, timestamp, signature, body_base64}] on stdin and prints, for each case, true when the
// standardwebhooks reference library accepts the delivery, or the library's error text when it refuses it.
"use strict";
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((c) => {
    try {
      new Webhook(c.secret).verify(Buffer.from(c.body_base64, "base64"), {
        "webhook-id": c.id,
        "webhook-timestamp": c.timestamp,
        "webhook-signature": c.signature,
      });
      return true;
    } catch (e) {
      return String(e.message || e);
    }
  });
  process.stdout.write(JSON.stringify(results) + "\n");
});
