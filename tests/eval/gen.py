#!/usr/bin/env python3
"""Generate the labelled evaluation set of resolve (dev-time only).

    python3 tests/eval/gen.py tests/eval

Writes a small CRM (accounts, contacts, leads, manual mappings as JSONL with
the warehouse's column names), 5,000 gmail_participants and 1,000
dialpad_calls as Singer RECORD lines, and truth.tsv: for each participant
and call what the right answer is and which rule should reach it.  The
output is committed; the build never runs this script.  Deterministic
(fixed seed), so a re-run rewrites the same bytes.

truth.tsv columns: id, class, contact, lead, account, internal
  class: the rule that should reach it (manual, email_contact, email_lead,
  phone_contact, phone_other, domain), "none" when the right answer is no
  match, "unreachable" when the truth is known but no rule can reach it
  (excluded from recall).  contact may list alternatives "a|b" (a shared
  mailbox on several contacts: any of them is right).
"""
import json
import os
import random
import sys

R = random.Random(20261206)
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)

FIRST = """asha bob carla dev emma farid greta hugo ines jon kai lena marco nadia
omar petra quinn rosa sam tara ugo vera will xena yusuf zoe anil bea chen
dara eli fay gil hana ivan jade kurt lola milo nina otto paz raj sara tom
uma vik wen yara zack""".split()
LAST = """rao smith jones garcia muller rossi novak tanaka kim silva dubois
larsen kowalski oconnor haddad ng patel cohen ivanova berg santos moreau
fischer costa lindqvist okafor mendes weber sato park""".split()
WORDS = """globex initech hooli umbrella stark wayne acme vandelay soylent
tyrell cyberdyne wonka gringotts oscorp aperture massive blackmesa
virtucon monarch nakatomi duff krusty sirius weyland yoyodyne zorg
dunder gekko hudsucker kramerica prestige pendant bluth""".split()
TLDS = ["com"] * 8 + ["co.uk", "com.au", "de", "io", "fr", "co", "net",
                      "co.jp", "com.br", "nl"]
FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
            "aol.com", "icloud.com", "gmx.de", "web.de", "yahoo.co.uk",
            "proton.me", "mail.com", "live.com"]
INTERNAL = "ourco.com"
STAMP0 = 1735689600  # 2025-01-01


def stamp(i=None):
    t = STAMP0 + (R.randrange(0, 600 * 86400) if i is None else i)
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


def sfid(prefix, n):
    return "%s%015d" % (prefix, n)


used_domains = set()


def new_domain():
    while True:
        w = R.choice(WORDS)
        if R.random() < 0.6:
            w += R.choice(["", "-", ""]) + R.choice(WORDS)
        if R.random() < 0.2:
            w += str(R.randrange(2, 99))
        d = w + "." + R.choice(TLDS)
        if d not in used_domains:
            used_domains.add(d)
            return d


# ---- numbers: (e164, spellings) ----
used_numbers = set()


def new_number(country):
    while True:
        if country == "us":
            area = R.choice([212, 312, 415, 512, 617, 646, 702, 206, 303])
            n = "+1%d%03d%04d" % (area, R.randrange(200, 999),
                                  R.randrange(0, 10000))
        elif country == "uk":
            n = "+44%s%04d%04d" % (R.choice(["20", "7700"]),
                                   R.randrange(1000, 9999),
                                   R.randrange(0, 10000))
            n = n[:13]
        elif country == "de":
            n = "+4930%08d" % R.randrange(10**7, 10**8)
        else:  # au
            n = "+614%08d" % R.randrange(10**7, 10**8)
        if n not in used_numbers:
            used_numbers.add(n)
            return n


def spell(e164, national_ok=True):
    """A spelling a CRM or a phone system might hold."""
    cc1 = e164.startswith("+1")
    digits = e164[1:]
    style = R.randrange(6)
    if cc1:
        a, b, c = digits[1:4], digits[4:7], digits[7:]
        if style == 0:
            return e164
        if style == 1:
            return "+1 (%s) %s-%s" % (a, b, c)
        if style == 2 and national_ok:
            return "(%s) %s-%s" % (a, b, c)
        if style == 3 and national_ok:
            return "%s.%s.%s" % (a, b, c)
        if style == 4:
            return "1-%s-%s-%s" % (a, b, c)
        return "+1 %s %s %s" % (a, b, c)
    if style in (0, 1):
        return e164
    if style == 2:
        return "00" + digits[:2] + " " + digits[2:5] + " " + digits[5:]
    if style == 3:
        return "+" + digits[:2] + " (" + digits[2:4] + ") " + digits[4:]
    return "+" + digits[:2] + " " + digits[2:6] + " " + digits[6:]


def country():
    return R.choices(["us", "uk", "de", "au"], [6, 2, 1, 1])[0]


# ---- the CRM ----
accounts = []       # dicts
acct_domain = {}    # account id -> email domain of its people
contacts = []
leads = []
mappings = []


def add_account(domain, website=None, phone=None, modified=None):
    aid = sfid("001", len(accounts) + 1)
    if website is None:
        website = R.choice([
            "https://www.%s/", "http://%s", "%s", "www.%s/about",
            "HTTPS://WWW.%s:443/en", "https://%s/contact?x=1",
            "http://www.%s"]) % (domain.upper() if R.random() < 0.1
                                  else domain)
    a = {"account_id": aid, "account_name": domain.split(".")[0].title(),
         "website": website, "phone": phone,
         "last_modified_date": modified or stamp()}
    accounts.append(a)
    acct_domain[aid] = domain
    return a


for i in range(700):
    c = country()
    add_account(new_domain(),
                phone=new_number(c) if R.random() < 0.5 else None)
# subsidiaries on a subdomain of another account's domain
for i in range(15):
    parent = accounts[i * 7]
    add_account(R.choice(["eu", "uk", "apac", "labs"]) + "." +
                acct_domain[parent["account_id"]],
                website="https://" + R.choice(["eu", "uk", "apac", "labs"]) +
                "." + acct_domain[parent["account_id"]])
    accounts[-1]["website"] = "https://" + acct_domain[accounts[-1]["account_id"]]
# duplicate accounts: an old stale record on the same domain
dups = {}
for i in range(10):
    live = accounts[100 + i * 9]
    d = acct_domain[live["account_id"]]
    old = add_account(d, website="http://" + d,
                      modified="2020-01-01T00:00:00.000Z")
    live["last_modified_date"] = "2026-06-01T00:00:00.000Z"
    dups[d] = live["account_id"]
# IDN accounts
for d in ["bücher-müller.de", "café-lumière.fr"]:
    import encodings.idna  # noqa
    ascii_d = d.split(".")[0].encode("idna").decode() + "." + d.split(".")[1]
    a = add_account(ascii_d, website="https://www." + d + "/")
# traps: an account on a free-mail domain, and one on our own domain
gmail_acct = add_account("gmail.com", website="gmail.com")
own_acct = add_account(INTERNAL, website="https://www.ourco.com")
trap_accounts = {gmail_acct["account_id"], own_acct["account_id"]}
# domain -> account for the domain rule (most specific wins; dups: live)
domain_owner = {}
for a in accounts:
    if a["account_id"] in trap_accounts:
        continue
    d = acct_domain[a["account_id"]]
    if d in dups:
        domain_owner[d] = dups[d]
    else:
        domain_owner.setdefault(d, a["account_id"])

real_accounts = [a for a in accounts if a["account_id"] not in trap_accounts
                 and acct_domain[a["account_id"]] not in dups or
                 dups.get(acct_domain[a["account_id"]]) == a["account_id"]]


def person():
    return R.choice(FIRST), R.choice(LAST)


used_emails = set()


def local(f, l):
    return R.choice(["%s.%s", "%s%s", "%s_%s", "%s"]) % ((f, l) if True else ()) \
        if False else R.choice([f + "." + l, f + l, f[0] + l, f + "_" + l])


def new_email(domain, f, l):
    base = local(f, l)
    e = base + "@" + domain
    n = 2
    while e in used_emails or (domain == "gmail.com" and
                               e.replace(".", "", e.count(".") - 1) in used_emails):
        e = "%s%d@%s" % (base, n, domain)
        n += 1
    used_emails.add(e)
    return e


contact_by_email = {}
for i in range(2000):
    a = R.choice(real_accounts)
    f, l = person()
    free = R.random() < 0.08
    dom = R.choice(FREEMAIL) if free else acct_domain[a["account_id"]]
    e = new_email(dom, f, l)
    cid = sfid("003", i + 1)
    ph = new_number(country()) if R.random() < 0.6 else None
    mob = new_number(country()) if R.random() < 0.35 else None
    c = {"contact_id": cid, "account_id": a["account_id"],
         "first_name": f.title(), "last_name": l.title(),
         "email": R.choice([e, e, e, e.title(), e.upper()]),
         "phone": spell(ph) if ph else None,
         "mobile_phone": spell(mob) if mob else None,
         "last_modified_date": stamp(), "_e": e, "_ph": ph, "_mob": mob,
         "_first": f, "_last": l}
    contacts.append(c)
    contact_by_email[e] = c
# contacts whose phone field holds their company's switchboard: a caller
# from that line is somebody at the company, not necessarily them
switch_on_contact = []
for a in accounts[400:]:
    if a["phone"] and len(switch_on_contact) < 8 and \
            a["account_id"] not in trap_accounts:
        cid = sfid("003", len(contacts) + 1)
        f, l = person()
        e = new_email(acct_domain[a["account_id"]], f, l)
        contacts.append({"contact_id": cid, "account_id": a["account_id"],
                         "email": e, "phone": spell(a["phone"]),
                         "last_modified_date": stamp(), "_e": e,
                         "_ph": None, "_mob": None})
        switch_on_contact.append(a)
# shared mailboxes: one address on two or three contacts of one account
shared = []
for i in range(25):
    a = real_accounts[200 + i]
    box = R.choice(["info", "sales", "accounts", "team"]) + "@" + \
        acct_domain[a["account_id"]]
    if box in used_emails:
        continue
    used_emails.add(box)
    ids = []
    for k in range(R.choice([2, 2, 3])):
        cid = sfid("003", len(contacts) + 1)
        contacts.append({"contact_id": cid, "account_id": a["account_id"],
                         "email": box, "last_modified_date": stamp(),
                         "_e": box, "_ph": None, "_mob": None})
        ids.append(cid)
    shared.append((box, ids, a["account_id"]))

# leads: unconverted at new companies (some at known accounts' domains),
# converted ones whose old address now belongs to nobody else
lead_domains = [new_domain() for i in range(300)]
for i in range(450):
    f, l = person()
    dom = R.choice(lead_domains) if R.random() < 0.8 else \
        acct_domain[R.choice(real_accounts)["account_id"]]
    if R.random() < 0.1:
        dom = R.choice(FREEMAIL)
    e = new_email(dom, f, l)
    ph = new_number(country()) if R.random() < 0.5 else None
    leads.append({"lead_id": sfid("00Q", len(leads) + 1), "email": e,
                  "phone": spell(ph) if ph else None,
                  "is_converted": False, "last_modified_date": stamp(),
                  "_e": e, "_ph": ph, "_first": f, "_last": l})
converted = []
for i in range(150):
    c = contacts[i * 13]
    old = new_email(R.choice(lead_domains + FREEMAIL), c["_first"],
                    c["_last"])
    leads.append({"lead_id": sfid("00Q", len(leads) + 1), "email": old,
                  "is_converted": True, "converted_contact_id": c["contact_id"],
                  "converted_account_id": c["account_id"],
                  "last_modified_date": stamp(), "_e": old, "_ph": None})
    converted.append(leads[-1])
# a lead on an account's switchboard number: the account wins the tie
switch_tie = []
for a in accounts[:400]:
    if a["phone"] and len(switch_tie) < 20 and \
            a["account_id"] not in trap_accounts:
        leads.append({"lead_id": sfid("00Q", len(leads) + 1),
                      "email": None, "phone": spell(a["phone"]),
                      "is_converted": False,
                      "last_modified_date": stamp(), "_e": None,
                      "_ph": None})
        switch_tie.append(a)

# manual mappings: personal addresses and numbers of contacts; inactive
# ones that would send a known address elsewhere
for i in range(40):
    c = contacts[500 + i * 11]
    pe = new_email(R.choice(FREEMAIL), c["_first"], c["_last"] + "home")
    mappings.append({"mapping_id": "mm%04d" % (i + 1), "email_address": pe,
                     "sf_contact_id": c["contact_id"],
                     "sf_account_id": c["account_id"], "is_active": True,
                     "created_at": stamp(), "created_by": "rep@ourco.com",
                     "_c": c})
for i in range(15):
    c = contacts[900 + i * 17]
    n = new_number("us")
    mappings.append({"mapping_id": "mm%04d" % (len(mappings) + 1),
                     "phone_number": n, "sf_contact_id": c["contact_id"],
                     "sf_account_id": c["account_id"], "is_active": True,
                     "created_at": stamp(), "_c": c, "_n": n})
inactive = []
for i in range(10):
    c = contacts[1200 + i * 7]
    wrong = contacts[10 + i]
    mappings.append({"mapping_id": "mm%04d" % (len(mappings) + 1),
                     "email_address": c["_e"],
                     "sf_contact_id": wrong["contact_id"],
                     "is_active": False, "created_at": stamp()})
    inactive.append(c)


def clean(d):
    return {k: v for k, v in d.items() if not k.startswith("_")}


# ---- participants ----
truth = []
parts = []


def noisy(addr, f=None, l=None, gmail_ok=True):
    loc, dom = addr.rsplit("@", 1)
    r = R.random()
    if dom == "gmail.com" and gmail_ok and R.random() < 0.3:
        loc = ".".join(loc.replace(".", ""))[:40] if len(loc) < 12 \
            else loc.replace(".", "")
    if R.random() < 0.15 and not loc.startswith("+"):
        loc = loc + "+" + R.choice(["news", "crm", "x1"])
    a = loc + "@" + dom
    if r < 0.25:
        a = a.upper() if R.random() < 0.3 else a.title()
    r = R.random()
    if r < 0.2 and f:
        a = "%s %s <%s>" % (f.title(), (l or "").title(), a)
    elif r < 0.25 and f:
        a = "\"%s, %s\" <%s>" % ((l or "").title(), f.title(), a)
    return a


def participant(addr, cls, contact="", lead="", account="", internal=0,
                display=None):
    pid = "gp%06d" % (len(parts) + 1)
    parts.append({"type": "RECORD", "stream": "gmail_participants",
                  "record": {"participant_id": pid,
                             "message_id": "m%06d" % R.randrange(10**6),
                             "email_address": addr,
                             "role": R.choice(["from", "to", "cc"]),
                             "display_name": display}})
    truth.append((pid, cls, contact, lead, account, str(internal)))


plan = (["contact"] * 2140 + ["manual"] * 200 + ["lead"] * 280 +
        ["converted"] * 200 + ["domain"] * 650 + ["subdomain"] * 150 +
        ["freemail"] * 450 + ["internal"] * 450 + ["shared"] * 150 +
        ["stranger"] * 200 + ["sibling"] * 70 + ["inactive"] * 50 +
        ["dupdomain"] * 50 + ["parentdomain"] * 8 + ["typo"] * 20)
R.shuffle(plan)
for kind in plan:
    if kind == "contact":
        c = R.choice(contacts[:2000])
        participant(noisy(c["_e"], c.get("_first"), c.get("_last")),
                    "email_contact", c["contact_id"], "", c["account_id"])
    elif kind == "manual":
        m = R.choice([m for m in mappings[:40]])
        participant(noisy(m["email_address"], gmail_ok=False), "manual",
                    m["sf_contact_id"], "", m["sf_account_id"])
    elif kind == "lead":
        ld = R.choice(leads[:450])
        participant(noisy(ld["_e"], ld["_first"], ld["_last"]),
                    "email_lead", "", ld["lead_id"], "")
    elif kind == "converted":
        ld = R.choice(converted)
        participant(noisy(ld["_e"]), "email_lead",
                    ld["converted_contact_id"], ld["lead_id"],
                    ld["converted_account_id"])
    elif kind in ("domain", "subdomain", "dupdomain"):
        if kind == "dupdomain":
            d = R.choice(sorted(dups))
        else:
            a = R.choice(real_accounts)
            d = acct_domain[a["account_id"]]
        f, l = person()
        addr = f + "." + l + str(R.randrange(100, 999)) + "@"
        if kind == "subdomain":
            addr += R.choice(["mail.", "corp.", "us.mail."]) + d
        else:
            addr += d
        if addr.split("@")[0] + "@" + d in used_emails:
            continue
        participant(noisy(addr, f, l), "domain", "", "", domain_owner[d])
    elif kind == "freemail":
        f, l = person()
        participant(noisy("%s.%s%d@%s" % (f, l, R.randrange(1000, 9999),
                                          R.choice(FREEMAIL)), f, l),
                    "none")
    elif kind == "internal":
        f, l = person()
        participant(noisy("%s.%s@%s" % (f, l, R.choice(
            [INTERNAL, INTERNAL, "eu." + INTERNAL])), f, l), "none",
            internal=1)
    elif kind == "shared":
        box, ids, aid = R.choice(shared)
        participant(noisy(box), "email_contact", "|".join(ids), "", aid)
    elif kind == "stranger":
        f, l = person()
        participant("%s@%s" % (f, new_domain()), "none")
    elif kind == "sibling":
        # same registrable name, another public suffix; or a look-alike
        a = R.choice(real_accounts[:690])
        d = acct_domain[a["account_id"]]
        name, tld = d.split(".", 1)
        other = name + "." + ("com.au" if tld != "com.au" else "co.uk")
        if R.random() < 0.5:
            other = name + "-mail." + tld
        if other in domain_owner or other in used_domains:
            continue
        participant("x%d@%s" % (R.randrange(100), other), "none")
    elif kind == "parentdomain":
        # staff of a subsidiary writing from the parent's domain: the rules
        # can only name the parent (a known limit, counted as wrong)
        sub = R.choice(accounts[700:715])
        parent = acct_domain[sub["account_id"]].split(".", 1)[1]
        participant("staff%d@%s" % (R.randrange(10**6), parent), "domain",
                    "", "", sub["account_id"])
    elif kind == "typo":
        # a contact's address mistyped: only the domain rule can help, and
        # it finds the account but not the person
        c = R.choice(contacts[:2000])
        if c["_e"].split("@")[1] not in domain_owner:
            continue
        loc, dom = c["_e"].split("@")
        if len(loc) < 4:
            continue
        loc = loc[:2] + loc[3] + loc[2] + loc[4:]
        if loc + "@" + dom in used_emails:
            continue
        participant(loc + "@" + dom, "unreachable", c["contact_id"], "",
                    c["account_id"])
    elif kind == "inactive":
        c = R.choice(inactive)
        participant(c["_e"], "email_contact", c["contact_id"], "",
                    c["account_id"])

# ---- calls ----
calls = []


def call(number, cls, contact="", lead="", account=""):
    cid = "call%06d" % (len(calls) + 1)
    direction = R.choice(["inbound", "outbound"])
    calls.append({"type": "RECORD", "stream": "dialpad_calls",
                  "record": {"call_id": cid, "direction": direction,
                             "external_number": number,
                             "internal_number": "+14155550000",
                             "duration_seconds": R.randrange(5, 3600)}})
    truth.append((cid, cls, contact, lead, account, "0"))


with_phone = [c for c in contacts if c["_ph"] or c["_mob"]]
acct_phone = [a for a in accounts if a["phone"] and
              a["account_id"] not in trap_accounts]
lead_phone = [ld for ld in leads[:450] if ld["_ph"]]
# last-10-digit collisions: a number abroad ending like a contact's
collide = []
for c in with_phone:
    n = c["_ph"] or c["_mob"]
    if n.startswith("+1"):
        collide.append(("+44" + n[-10:], c))
plan = (["contact"] * 440 + ["account"] * 150 + ["lead"] * 100 +
        ["manual"] * 50 + ["unknown"] * 150 + ["collide"] * 80 +
        ["switch"] * 30 + ["national"] * 20 + ["switchcontact"] * 6)
R.shuffle(plan)
for kind in plan:
    if kind == "contact":
        c = R.choice(with_phone)
        n = c["_ph"] if c["_ph"] and (not c["_mob"] or R.random() < 0.5) \
            else c["_mob"]
        call(spell(n), "phone_contact", c["contact_id"], "", c["account_id"])
    elif kind == "account":
        a = R.choice(acct_phone)
        if a in switch_tie:
            continue
        call(spell(a["phone"]), "phone_other", "", "", a["account_id"])
    elif kind == "switch":
        a = R.choice(switch_tie)
        call(spell(a["phone"]), "phone_other", "", "", a["account_id"])
    elif kind == "lead":
        ld = R.choice(lead_phone)
        call(spell(ld["_ph"]), "phone_other", "", ld["lead_id"], "")
    elif kind == "manual":
        m = R.choice(mappings[40:55])
        call(spell(m["_n"]), "manual", m["sf_contact_id"], "",
             m["sf_account_id"])
    elif kind == "unknown":
        call(spell(new_number(country())), "none")
    elif kind == "collide":
        n, c = R.choice(collide)
        if n in used_numbers:
            continue
        call(spell(n), "none")
    elif kind == "switchcontact":
        # somebody on the switchboard that a contact's record also holds:
        # the rules name that contact (a known limit, counted as wrong)
        a = R.choice(switch_on_contact)
        call(spell(a["phone"]), "phone_other", "", "", a["account_id"])
    elif kind == "national":
        # a UK number in its national spelling: no rule can read it
        # without knowing the country
        c = R.choice([c for c in with_phone if (c["_ph"] or "").startswith("+44")])
        call("0" + c["_ph"][3:], "unreachable", c["contact_id"], "",
             c["account_id"])


def dump(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False,
                               separators=(",", ":")) + "\n")


dump("accounts.jsonl", [clean(a) for a in accounts])
dump("contacts.jsonl", [clean(c) for c in contacts])
dump("leads.jsonl", [clean(x) for x in leads])
dump("mappings.jsonl", [clean(m) for m in mappings])
dump("participants.jsonl", parts)
dump("calls.jsonl", calls)
with open(os.path.join(OUT, "truth.tsv"), "w") as f:
    f.write("id\tclass\tcontact\tlead\taccount\tinternal\n")
    for t in truth:
        f.write("\t".join(t) + "\n")
print("accounts %d contacts %d leads %d mappings %d participants %d calls %d"
      % (len(accounts), len(contacts), len(leads), len(mappings), len(parts),
         len(calls)), file=sys.stderr)
