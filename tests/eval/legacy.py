#!/usr/bin/env python3
"""The old system's matching rules, on the evaluation set (dev-time only).

    python3 tests/eval/legacy.py tests/eval > /tmp/legacy.jsonl
    awk -F'\t' -f tests/eval/score.awk tests/eval/truth.tsv /tmp/legacy.jsonl

As the system being replaced did it: the address lower-cased and compared
as it stands with the contacts' addresses; else its domain compared with
the accounts' website domains (scheme, "www." and path cut); else the last
10 digits of a number compared with the contacts' phone and mobile.  No
leads, no manual mappings, no free-mail or internal exclusion.
"""
import json
import os
import re
import sys

D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)


def rows(name):
    with open(os.path.join(D, name), encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


by_email, by_domain, by_last10 = {}, {}, {}
for c in rows("contacts.jsonl"):
    if c.get("email"):
        by_email[c["email"].strip().lower()] = c
    for k in ("phone", "mobile_phone"):
        d = re.sub(r"\D", "", c.get(k) or "")
        if len(d) >= 10:
            by_last10[d[-10:]] = c
for a in rows("accounts.jsonl"):
    w = (a.get("website") or "").strip().lower()
    w = re.sub(r"^[a-z]+://", "", w)
    w = re.sub(r"^www\.", "", w)
    w = w.split("/")[0]
    if w:
        by_domain[w] = a


def out(msg, rec, cols, c=None, a=None, method=None):
    rec[cols[0]] = c["contact_id"] if c else None
    rec[cols[1]] = (c or {}).get("account_id") if c else \
        (a["account_id"] if a else None)
    rec["match_method"] = method
    print(json.dumps(msg, separators=(",", ":"), ensure_ascii=False))


for m in rows("participants.jsonl"):
    r = m["record"]
    e = r["email_address"].strip().lower()
    cols = ("sf_contact_id", "sf_account_id")
    if e in by_email:
        out(m, r, cols, c=by_email[e], method="email")
    elif e.split("@")[-1] in by_domain:
        out(m, r, cols, a=by_domain[e.split("@")[-1]], method="domain")
    else:
        out(m, r, cols)
for m in rows("calls.jsonl"):
    r = m["record"]
    d = re.sub(r"\D", "", r.get("external_number") or "")
    cols = ("matched_contact_id", "matched_account_id")
    if len(d) >= 10 and d[-10:] in by_last10:
        out(m, r, cols, c=by_last10[d[-10:]], method="phone_last10")
    else:
        out(m, r, cols)
