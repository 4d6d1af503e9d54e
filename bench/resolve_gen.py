#!/usr/bin/env python3
"""Data for the resolve benchmark (bench/resolve.sh).

    python3 bench/resolve_gen.py DIR [PARTICIPANTS]

Writes DIR/{contacts,leads,accounts,mappings}.jsonl at the old system's
production size (105,000 contacts, 50,000 leads, 35,000 accounts, 500
manual mappings) and DIR/participants.jsonl (1,000,000 gmail_participants
RECORDs by default): 55% contacts' addresses, 10% leads', 20% unknown people
at accounts' domains, 10% free mail, 5% the company's own people.
Deterministic (fixed seed).
"""
import json
import os
import random
import sys

out = sys.argv[1]
n_parts = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
R = random.Random(7)
FREE = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com"]


def w(name, rows):
    with open(os.path.join(out, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


def stamp():
    return "2026-%02d-%02dT%02d:00:00.000Z" % (R.randrange(1, 13),
                                                R.randrange(1, 29),
                                                R.randrange(24))


domains = ["company%05d.%s" % (i, R.choice(["com", "co.uk", "de", "io"]))
           for i in range(35000)]
accounts = [{"account_id": "001%015d" % i,
             "website": "https://www.%s/" % d,
             "phone": "+1415%07d" % i,
             "last_modified_date": stamp()} for i, d in enumerate(domains)]
contacts = []
for i in range(105000):
    a = R.randrange(35000)
    contacts.append({"contact_id": "003%015d" % i,
                     "account_id": accounts[a]["account_id"],
                     "email": "person%06d@%s" % (i, domains[a]),
                     "phone": "+1212%07d" % i,
                     "last_modified_date": stamp()})
leads = [{"lead_id": "00Q%015d" % i,
          "email": "lead%06d@prospect%05d.com" % (i, i % 20000),
          "phone": "+1646%07d" % i, "is_converted": i % 5 == 0,
          "converted_contact_id": contacts[i]["contact_id"] if i % 5 == 0
          else None,
          "converted_account_id": contacts[i]["account_id"] if i % 5 == 0
          else None,
          "last_modified_date": stamp()} for i in range(50000)]
mappings = [{"mapping_id": "mm%06d" % i,
             "email_address": "home%06d@gmail.com" % i,
             "sf_contact_id": contacts[i * 7]["contact_id"],
             "is_active": True, "created_at": stamp()} for i in range(500)]
w("accounts.jsonl", accounts)
w("contacts.jsonl", contacts)
w("leads.jsonl", leads)
w("mappings.jsonl", mappings)

with open(os.path.join(out, "participants.jsonl"), "w") as f:
    for i in range(n_parts):
        r = R.random()
        if r < 0.55:
            e = contacts[R.randrange(105000)]["email"]
        elif r < 0.65:
            e = leads[R.randrange(50000)]["email"]
        elif r < 0.85:
            e = "someone%d@%s" % (R.randrange(10**6),
                                  domains[R.randrange(35000)])
        elif r < 0.95:
            e = "x%d@%s" % (R.randrange(10**6), R.choice(FREE))
        else:
            e = "rep%d@ourco.com" % R.randrange(100)
        f.write('{"type":"RECORD","stream":"gmail_participants","record":'
                '{"participant_id":"p%07d","message_id":"m%07d",'
                '"email_address":"%s","role":"to"}}\n' % (i, i // 3, e))
