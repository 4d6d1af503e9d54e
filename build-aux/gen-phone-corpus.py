#!/usr/bin/python3
"""Generate the differential-test corpus for lib/phone.c.

Dev-time only; its output tests/phone/corpus.tsv is committed and the test
(tests/integration/phone-differential.sh) needs no Python:
    /usr/bin/python3 build-aux/gen-phone-corpus.py > tests/phone/corpus.tsv

Each line: REGION TAB INPUT TAB STATUS TAB E164 TAB EXTENSION, where STATUS
and E164 are what python3-phonenumbers says: parse(INPUT, REGION), then
is_valid_number() ("ok" / "invalid") and format_number(E164); or the
NumberParseException type.  Fields are escaped: \\\\ \\t \\n \\r \\xHH.
The inputs are seeded-random spellings of example numbers of every type
of every region, near misses of them, and junk.
"""
import random
import sys

import phonenumbers
from phonenumbers import phonenumberutil as pu
from phonenumbers import PhoneNumberFormat as F, PhoneNumberType as T
from phonenumbers import NumberParseException as E

STATUS = {E.INVALID_COUNTRY_CODE: "invalid-country-code",
          E.NOT_A_NUMBER: "not-a-number",
          E.TOO_SHORT_AFTER_IDD: "too-short-after-idd",
          E.TOO_SHORT_NSN: "too-short",
          E.TOO_LONG: "too-long"}

TYPES = [T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST,
         T.VOIP, T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.VOICEMAIL]

PREFIXES = ["", "", "", "Tel: ", "tel ", "Phone: ", "call ", "Mobile:", "(",
            "T. ", "☎ ", "Tél. ", "电话 ", "m: "]
SUFFIXES = ["", "", "", " ", ".", " (mobile)", " (work)", ")", " - office",
            "!", "  ", ";", " / fax"]
EXTS = [" x123", " ext. 45", " ext 7", ";ext=7001", " #12", ",,123", ", 99",
        " extension 9", " доб 12", " anexo 3", " Ext: 5", " x 1", " EXT.12",
        "-123#", " int 4", " ＃22", " xt 88", " extn 1234567", "; 55"]
SEPS = [" ", "-", ".", "", " ", "/", "  "]
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
ARABIC = {str(d): chr(0x0660 + d) for d in range(10)}
PERSIAN = {str(d): chr(0x06F0 + d) for d in range(10)}
DEVANAGARI = {str(d): chr(0x0966 + d) for d in range(10)}
KEYPAD = {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO",
          "7": "PQRS", "8": "TUV", "9": "WXYZ"}


def esc(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def oracle(text, region):
    try:
        n = phonenumbers.parse(text, region)
    except E as e:
        return (STATUS[e.error_type], "", "")
    st = "ok" if phonenumbers.is_valid_number(n) else "invalid"
    return (st, phonenumbers.format_number(n, F.E164), n.extension or "")


def regroup(rng, digits):
    out = []
    i = 0
    sep = rng.choice(SEPS)
    while i < len(digits):
        k = rng.randint(1, 4)
        out.append(digits[i:i + k])
        i += k
    return sep.join(out)


def mutate(rng, nsn):
    """A near miss: one digit dropped, added, changed or swapped."""
    if not nsn:
        return nsn
    k = rng.randrange(4)
    i = rng.randrange(len(nsn))
    if k == 0 and len(nsn) > 1:
        return nsn[:i] + nsn[i + 1:]
    if k == 1:
        return nsn[:i] + str(rng.randrange(10)) + nsn[i:]
    if k == 2:
        return nsn[:i] + str(rng.randrange(10)) + nsn[i + 1:]
    if len(nsn) > 1 and i + 1 < len(nsn):
        return nsn[:i] + nsn[i + 1] + nsn[i] + nsn[i + 2:]
    return nsn + str(rng.randrange(10))


def translit(rng, s):
    m = rng.choice([FULLWIDTH, ARABIC, PERSIAN, DEVANAGARI])
    return "".join(m.get(c, c) if rng.random() < 0.9 else c for c in s)


def vanity(rng, s):
    out = []
    for c in s:
        if c in KEYPAD and rng.random() < 0.5:
            ch = rng.choice(KEYPAD[c])
            out.append(ch.lower() if rng.random() < 0.3 else ch)
        else:
            out.append(c)
    return "".join(out)


def spellings(rng, region, num, all_regions):
    """Many ways to write num, each with the region to parse it with."""
    cc = num.country_code
    nsn = pu.national_significant_number(num)
    intl = phonenumbers.format_number(num, F.INTERNATIONAL)
    nat = phonenumbers.format_number(num, F.NATIONAL)
    e164 = phonenumbers.format_number(num, F.E164)
    rfc = phonenumbers.format_number(num, F.RFC3966)
    other = rng.choice(all_regions)
    out = [(region, e164), (region, intl), (region, nat), (region, rfc),
           (other, e164), (other, intl), (region, nsn),
           (region, "+" + str(cc) + " " + regroup(rng, nsn)),
           (region, str(cc) + nsn),
           (region, "00" + str(cc) + nsn),
           ("US", "011 " + str(cc) + " " + regroup(rng, nsn)),
           ("GB", "00 " + str(cc) + " " + regroup(rng, nsn)),
           ("RU", "8 10 " + str(cc) + " " + nsn),
           ("AU", "0011 " + str(cc) + " " + nsn),
           ("JP", "010-" + str(cc) + "-" + nsn),
           (region, "+" + str(cc) + " (0) " + regroup(rng, nsn)),
           (region, rng.choice(PREFIXES) + nat + rng.choice(EXTS) + rng.choice(SUFFIXES)),
           (region, rng.choice(PREFIXES) + intl + rng.choice(SUFFIXES)),
           (region, intl + rng.choice(EXTS)),
           (region, translit(rng, nat)),
           (other, translit(rng, intl)),
           (region, "＋" + str(cc) + nsn),
           (region, vanity(rng, nat)),
           (region, "tel:" + regroup(rng, nsn) + ";phone-context=+" + str(cc)),
           (region, rfc + ";isub=12345"),
           (region, nat + " / " + nat),
           (region, nat + "/x" + str(rng.randrange(100))),
           (region, mutate(rng, nat)),
           (region, "+" + str(cc) + mutate(rng, nsn)),
           (other, "+" + str(cc) + " " + mutate(rng, nsn)),
           (region, mutate(rng, nsn)),
           ("ZZ", e164),
           ("ZZ", nat),
           (region, "0" + nsn),
           (region, nsn[:max(1, len(nsn) - 3)]),
           (region, nsn + "12345"),
           ]
    return out


def junk(rng, regions):
    alphabet = "0123456789 +-()./xX#*;,ext:abc\t_~０１٣"
    for _ in range(1500):
        region = rng.choice(regions)
        n = rng.choice([1, 2, 3, 5, 8, 12, 16, 20, 30])
        yield (region, "".join(rng.choice(alphabet) for _ in range(n)))
    for _ in range(200):
        region = rng.choice(regions)
        yield (region, "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 22))))
    for region in ["US", "DE", "GB"]:
        yield (region, "1" * 251)
        yield (region, "+1 " + "2" * 240)
        yield (region, "")
        yield (region, "+")
        yield (region, "++44 20 7946 0000")
        yield (region, "+0 123 456")
        yield (region, "tel:+1-415-555-0100;ext=12")
        yield (region, "tel:+1-415-555-0100;phone-context=+1")
        yield (region, "1-800-FLOWERS")
        yield (region, "1-800-flowers")
        yield (region, "(415) 555-0100")
        yield (region, "+1 (415) 555-0100 x 1234")
        yield (region, "no phone")
        yield (region, "n/a")
        yield (region, "0")
        yield (region, "+44")
        yield (region, "00")
        yield (region, "+999 123 456 789")
        yield (region, "+800 1234 5678")
        yield (region, "+979 123 456 789")
        yield (region, "+1\n415 555 0100")
        yield (region, "415 555 0100\n")


NOISE = list(" +-()./xX#*;,_~:") + [
    "ext", "EXT", "Ext.", "доб", "anexo", "int", "ｅｘｔ", "＃", "ｘ", "ó",
    "tel:", ";phone-context=+1", ";isub=", ";ext=", "+1", "00", "011", "0",
    "15", "\u00a0", "\u2010", "（", "）", "ſ", "ı", "０", "٣", "a", "B", "\\",
    "/ x", "\uff0b", "(0)", "810", "0011", "\u0301", "\u200b", "²", "\n"]


def mutated(rng, regions, n):
    """Example numbers with noise put in, digits dropped or added."""
    ex = []
    for r in regions:
        for t in TYPES:
            num = phonenumbers.example_number_for_type(r, t)
            if num:
                ex.append((r, num))
    for _ in range(n):
        r, num = rng.choice(ex)
        t = phonenumbers.format_number(num, rng.choice([F.E164, F.INTERNATIONAL,
                                                        F.NATIONAL, F.RFC3966]))
        for _ in range(rng.randint(1, 3)):
            i = rng.randint(0, len(t))
            op = rng.random()
            if op < 0.5:
                t = t[:i] + rng.choice(NOISE) + t[i:]
            elif op < 0.8 and len(t) > 1:
                t = t[:i] + t[i + 1:]
            else:
                t = t[:i] + str(rng.randrange(10)) + t[i:]
        yield (r if rng.random() < 0.6 else rng.choice(regions + ["ZZ"]), t)


def main():
    rng = random.Random(20261206)
    regions = sorted(pu.SUPPORTED_REGIONS)
    seen = set()
    rows = []

    def add(region, text):
        key = (region, text)
        if key in seen:
            return
        seen.add(key)
        try:
            res = oracle(text, region)
        except Exception:   # a crash inside phonenumbers: not a test case
            return
        rows.append((region, text) + res)

    for region in regions:
        nums = []
        for t in TYPES:
            n = phonenumbers.example_number_for_type(region, t)
            if n is not None:
                nums.append(n)
        inv = phonenumbers.invalid_example_number(region)
        if inv is not None:
            nums.append(inv)
        for num in nums:
            for (r, text) in spellings(rng, region, num, regions):
                add(r, text)
    for cc in sorted(pu.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        num = phonenumbers.example_number_for_non_geo_entity(cc)
        if num is None:
            continue
        for (r, text) in spellings(rng, "US", num, regions):
            add(r, text)
    for (r, text) in junk(rng, regions):
        add(r, text)
    for (r, text) in mutated(rng, regions, 8000):
        add(r, text)
    w = sys.stdout.write
    w("# generated by build-aux/gen-phone-corpus.py from python3-phonenumbers %s\n"
      % phonenumbers.__version__)
    for row in rows:
        w("\t".join(esc(x) for x in row) + "\n")


main()
