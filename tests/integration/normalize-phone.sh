#!/bin/sh
# normalize-phone end to end: the differential corpus through the tool (one
# run per region, the expected E.164 or null from python3-phonenumbers),
# the default region from the environment, and a full disk.
set -eu
corpus=$SI_ROOT/tests/phone/corpus.tsv
d=$TMPDIR/np
trap 'rm -rf "$d"' EXIT INT TERM
mkdir -p "$d/in" "$d/want"

# Corpus lines of some regions to JSON, grouped by region (every region
# and the inputs holding a \xHH escape are phone-differential.sh's).
regions=" US CA GB DE FR IT ES AR MX BR IN CN JP AU RU NL CH SE AG IM ZZ "
awk -F'\t' -v d="$d" -v regions="$regions" '
/^#/ { next }
index(regions, " " $1 " ") == 0 { next }
index($2, "\\x") { next }
{
	s = $2
	gsub(/"/, "\\\"", s)
	print "{\"p\":\"" s "\"}" >> (d "/in/" $1)
	if ($3 == "ok")
		print "{\"p\":\"" $4 "\"}" >> (d "/want/" $1)
	else
		print "{\"p\":null}" >> (d "/want/" $1)
	n++
}
END { print n > (d "/count") }' "$corpus"
echo "normalize-phone: $(cat "$d/count") corpus inputs over$regions"
bad=0
for f in "$d"/in/*; do
	r=$(basename "$f")
	normalize-phone --region "$r" -f p <"$f" >"$d/out" 2>/dev/null || {
		echo "FAIL region $r: exit $?"; bad=$((bad + 1)); continue; }
	if ! cmp -s "$d/out" "$d/want/$r"; then
		echo "FAIL region $r:"
		diff "$d/want/$r" "$d/out" | head -n 10
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ]

# The default region: --region, else SALESINTEL_PHONE_REGION, else US.
out=$(echo '{"p":"020 7946 0958"}' | SALESINTEL_PHONE_REGION=gb normalize-phone -f p)
[ "$out" = '{"p":"+442079460958"}' ] || { echo "env region: $out"; exit 1; }
out=$(echo '{"p":"030 123456"}' | SALESINTEL_PHONE_REGION=GB normalize-phone --region de -f p)
[ "$out" = '{"p":"+4930123456"}' ] || { echo "flag over env: $out"; exit 1; }
out=$(echo '{"p":"(415) 555-0100"}' | normalize-phone -f p)
[ "$out" = '{"p":"+14155550100"}' ] || { echo "default US: $out"; exit 1; }
rc=0
echo '{}' | SALESINTEL_PHONE_REGION=XX normalize-phone -f p >/dev/null 2>"$d/err" || rc=$?
[ "$rc" -eq 78 ] || { echo "bad env region: exit $rc"; exit 1; }
grep -q 'unknown region XX' "$d/err"

# A full disk is an I/O error (74), said on stderr.
rc=0
echo '{"p":"(415) 555-0100"}' | normalize-phone -f p >/dev/full 2>"$d/err" || rc=$?
[ "$rc" -eq 74 ] || { echo "/dev/full: exit $rc"; cat "$d/err"; exit 1; }
[ -s "$d/err" ]
echo "normalize-phone: ok"
