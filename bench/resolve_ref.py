#!/usr/bin/env python3
"""The reference for the resolve benchmark: the same lookups, in Python
dicts, the way a careful script would do them.

    python3 bench/resolve_ref.py DIR < participants.jsonl > out.jsonl

Exact email on a contact, then on a lead (converted: its contact), then
the domain or a parent of it on an account's website domain, never for
free mail or the internal domain.  No ties, no display names, no folding:
it does less than resolve does.
"""
import json
import os
import sys

d = sys.argv[1]
FREE = {"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com"}
INTERNAL = "ourco.com"


def rows(name):
    with open(os.path.join(d, name)) as f:
        for line in f:
            yield json.loads(line)


contact = {}
for c in rows("contacts.jsonl"):
    if c.get("email"):
        contact[c["email"].lower()] = (c["contact_id"], c.get("account_id"))
lead = {}
for x in rows("leads.jsonl"):
    if x.get("email"):
        lead[x["email"].lower()] = x
manual = {}
for m in rows("mappings.jsonl"):
    if m.get("is_active") and m.get("email_address"):
        manual[m["email_address"].lower()] = m
domain = {}
for a in rows("accounts.jsonl"):
    w = (a.get("website") or "").lower().split("//")[-1].split("/")[0]
    if w.startswith("www."):
        w = w[4:]
    domain[w] = a["account_id"]
print("index built", file=sys.stderr)

out = sys.stdout
for line in sys.stdin:
    msg = json.loads(line)
    r = msg.get("record")
    if msg.get("type") != "RECORD" or msg.get("stream") != \
            "gmail_participants" or r is None:
        out.write(line)
        continue
    e = (r.get("email_address") or "").strip().lower()
    dom = e.rpartition("@")[2]
    cid = lid = aid = method = None
    if e in manual:
        m = manual[e]
        cid, aid, method = m["sf_contact_id"], m.get("sf_account_id"), \
            "manual_email"
    elif e in contact:
        (cid, aid), method = contact[e], "email_contact"
    elif e in lead:
        x = lead[e]
        lid, method = x["lead_id"], "email_lead"
        if x.get("is_converted"):
            cid, aid = x.get("converted_contact_id"), \
                x.get("converted_account_id")
    elif dom not in FREE and dom != INTERNAL and \
            not dom.endswith("." + INTERNAL):
        p = dom
        while "." in p:
            if p in domain:
                aid, method = domain[p], "domain"
                break
            p = p.split(".", 1)[1]
    r["sf_contact_id"], r["sf_lead_id"], r["sf_account_id"] = cid, lid, aid
    r["match_method"] = method
    r["is_internal"] = dom == INTERNAL or dom.endswith("." + INTERNAL)
    out.write(json.dumps(msg, separators=(",", ":")) + "\n")
