#!/bin/sh
# normalize-email on a generated stream: a full disk is exit 74 with a
# message, a closed pipe ends the run quietly, the output of a run is a
# fixed point (normalizing it again changes nothing, byte for byte), and
# every line comes out, in order.
set -eu
cd "$TMPDIR"
trap 'rm -f "$TMPDIR"/*' EXIT INT TERM

# 20,000 records in the spellings real data has
awk 'BEGIN {
	split("ASHA@Globex.co.UK|Asha Patel <asha@globex.co.uk>|\"Patel, Asha\" <A.Patel@globex.co.uk>|mailto:lee%40initech.com|  dee@b\303\274cher.de. |not an address|a@x.com; b@y.com|o'"'"'brien@acme.io", s, "|")
	for (i = 0; i < 20000; i++) {
		e = s[i % 8 + 1]
		gsub(/"/, "\\\"", e)
		printf "{\"type\":\"RECORD\",\"stream\":\"sf_contacts\",\"record\":{\"contact_id\":\"c%d\",\"email\":\"%s\"}}\n", i, e
	}
}' >in.jsonl

normalize-email in.jsonl >out1.jsonl 2>err1
test "$(wc -l <out1.jsonl)" -eq 20000
# the ids are in order
awk -F'"contact_id":"c' '{ split($2, a, "\""); if (a[1] != NR - 1) { print "order broken at " NR; exit 1 } }' out1.jsonl
grep -q '"contact_id":"c0","email":"asha@globex.co.uk"' out1.jsonl
grep -q '"contact_id":"c4","email":"dee@xn--bcher-kva.de"' out1.jsonl
grep -q '"contact_id":"c5","email":null' out1.jsonl
grep -q '"contact_id":"c6","email":null' out1.jsonl
grep -q '"contact_id":"c7","email":"o'"'"'brien@acme.io"' out1.jsonl
# each bad value is warned about once, then counted
test "$(grep -c 'not an address (' err1)" -eq 5000
grep -q '^normalize-email: warning: 5000 values were not addresses$' err1

# a fixed point: a second run changes nothing and warns about nothing
normalize-email out1.jsonl >out2.jsonl 2>err2
cmp out1.jsonl out2.jsonl
test ! -s err2

# a full disk is an I/O error, not a silent success
set +e
normalize-email in.jsonl >/dev/full 2>err3
rc=$?
set -e
test "$rc" -eq 74
grep -q '^normalize-email: .*' err3

# a reader that goes away early ends the run quietly: 0 when SIGPIPE is
# ignored (EPIPE), else the default death by SIGPIPE (128 + 13), no message
{ rc=0; normalize-email out1.jsonl 2>err4 || rc=$?; echo "$rc" >rc4; } |
	head -n 1 >/dev/null
case $(cat rc4) in 0 | 141) ;; *) echo "closed pipe: exit $(cat rc4)"; exit 1 ;; esac
test ! -s err4
echo ok
