#!/usr/bin/env python3
"""What the old system did to an email column: strip, lower case, and a
regex; anything else became None.  The reference for bench/normalize-email.sh
(the same streams and columns as normalize-email, so the work is comparable).
"""
import json
import re
import sys

EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$")
ONE = {
    "sf_contacts": ["email"], "sf_leads": ["email"],
    "gmail_messages": ["from_email"],
    "gmail_participants": ["email_address"],
    "sf_email_messages": ["from_address"],
    "hubspot_enrollments": ["contact_email"],
}
LIST = {
    "gmail_messages": ["to_emails", "cc_emails", "bcc_emails"],
    "sf_email_messages": ["to_address", "cc_address", "bcc_address"],
}


def norm(v):
    if not isinstance(v, str):
        return v
    v = v.strip().lower()
    return v if EMAIL_RE.match(v) else None


def main():
    out = sys.stdout
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "RECORD":
            rec = msg["record"]
            stream = msg.get("stream")
            for col in ONE.get(stream, ()):
                if col in rec:
                    rec[col] = norm(rec[col])
            for col in LIST.get(stream, ()):
                v = rec.get(col)
                if isinstance(v, list):
                    rec[col] = [x for x in map(norm, v) if x]
                elif isinstance(v, str):
                    rec[col] = "; ".join(
                        x for x in map(norm, v.split(";")) if x)
        out.write(json.dumps(msg, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
