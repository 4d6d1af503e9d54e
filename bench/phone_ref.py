#!/usr/bin/python3
"""What the old system did for phones (issue 2, bench): for every phone
column of a Singer RECORD, phonenumbers.parse(value, "US"), then
is_valid_number and format_number(E164), else None.  Reads stdin, writes
stdout.  Needs Debian's python3-phonenumbers (/usr/bin/python3)."""
import json
import sys

import phonenumbers
from phonenumbers import PhoneNumberFormat

PHONE = {"sf_contacts": ("phone", "mobile_phone"), "sf_leads": ("phone", "mobile_phone"),
         "sf_accounts": ("phone",),
         "dialpad_calls": ("from_number", "to_number", "external_number", "internal_number")}


def norm(v):
    if not isinstance(v, str) or not v.strip():
        return None
    try:
        n = phonenumbers.parse(v, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(n):
        return None
    return phonenumbers.format_number(n, PhoneNumberFormat.E164)


out = sys.stdout
for line in sys.stdin:
    m = json.loads(line)
    if m.get("type") == "RECORD" and m.get("stream") in PHONE:
        r = m["record"]
        for k in PHONE[m["stream"]]:
            if k in r:
                r[k] = norm(r[k])
        line = json.dumps(m, separators=(",", ":"), ensure_ascii=False) + "\n"
    out.write(line)
