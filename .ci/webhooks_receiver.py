"""A webhook receiver that checks every delivery with the Standard Webhooks reference verifier
(PyPI `standardwebhooks`), not with this project's code.

    webhooks_receiver.py PORT SECRETS_FILE REPORT_FILE

SECRETS_FILE holds one `whsec_` secret per line, re-read on every request (the CI script adds
the new one after a rotation); a delivery passes when one of them verifies it. Each delivery
appends a JSON line to REPORT_FILE: its webhook-id, type, object id, and whether it verified.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PORT, SECRETS, REPORT = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {name: value for name, value in self.headers.items()}
        with open(SECRETS, encoding="utf-8") as f:
            secrets = [line.strip() for line in f if line.strip()]
        verified, error, payload = False, None, None
        for secret in secrets:
            try:
                payload = Webhook(secret).verify(body, headers)
                verified = True
                break
            except WebhookVerificationError as e:
                error = str(e)
        line = {
            "webhook_id": headers.get("webhook-id"),
            "event_type": headers.get("webhook-event-type"),
            "verified": verified,
            "error": None if verified else error,
            "signatures": len(headers.get("webhook-signature", "").split(" ")),
        }
        if payload is not None:
            line["type"] = payload.get("type")
            line["object_id"] = payload.get("data", {}).get("id")
        with open(REPORT, "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
        self.send_response(204 if verified else 400)
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
