#!/usr/bin/env python3
"""Reference: what the old system did to load a stream into SQLite.

Reads Singer messages on stdin, upserts each stream's RECORDs with the
sqlite3 module's executemany (INSERT ... ON CONFLICT DO UPDATE) in batches,
commits at each STATE, stores the bookmark.  Same schema, same pragmas as
load(1) (WAL, synchronous=NORMAL), so the comparison is about the code.
Usage: load.py DB SCHEMA_SQL < stream.jsonl
"""
import datetime
import json
import sqlite3
import sys


def ts(v):
    if v is None:
        return None
    d = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
    d = d.astimezone(datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def main():
    db = sqlite3.connect(sys.argv[1])
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with open(sys.argv[2]) as f:
        db.executescript(f.read())
    keys = {}
    batch = {}
    now = ts(datetime.datetime.now(datetime.timezone.utc).isoformat())

    def flush():
        for stream, rows in batch.items():
            if not rows:
                continue
            cols = list(rows[0].keys())
            sql = "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s" % (
                stream, ", ".join(cols), ", ".join("?" * len(cols)),
                keys[stream], ", ".join("%s = excluded.%s" % (c, c) for c in cols))
            db.executemany(sql, [tuple(r.get(c) for c in cols) for r in rows])
            rows.clear()

    for line in sys.stdin:
        m = json.loads(line)
        t = m.get("type")
        if t == "SCHEMA":
            keys[m["stream"]] = m["key_properties"][0]
            batch.setdefault(m["stream"], [])
        elif t == "RECORD":
            r = m["record"]
            for k in ("sent_at",):
                if k in r:
                    r[k] = ts(r[k])
            if isinstance(r.get("is_internal"), bool):
                r["is_internal"] = int(r["is_internal"])
            r["ingested_at"] = now
            r["_sdc_extracted_at"] = ts(m.get("time_extracted"))
            batch.setdefault(m["stream"], []).append(r)
        elif t == "STATE":
            flush()
            for k, v in m["value"].get("bookmarks", {}).items():
                db.execute("INSERT INTO sync_state (stream, value, updated_at) VALUES (?, ?, ?) "
                           "ON CONFLICT (stream) DO UPDATE SET value = excluded.value, "
                           "updated_at = excluded.updated_at", (k, json.dumps(v), now))
            db.commit()
            sys.stdout.write(line)
    flush()
    db.commit()


main()
