#!/bin/sh
# Build every libFuzzer harness (tests/fuzz/fuzz_NAME.c) with clang, ASan and
# UBSan, replay its regression inputs (tests/fuzz/regress/NAME/), then fuzz it
# for FUZZ_SECONDS seconds (default 60) starting from its committed seed corpus
# (tests/fuzz/corpus/NAME/, copied: the committed corpus is never changed).
#   sh tests/fuzz/run.sh [NAME...]
# New crashes are saved in build-fuzz/crash/NAME/; each must become a fixed
# bug and a file in tests/fuzz/regress/NAME/.
# Closing line: "fuzz: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 70
seconds=${FUZZ_SECONDS:-60}
B=build-fuzz
FCFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all"
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: clang is missing (sh build-aux/install-deps installs it)" >&2
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
mkdir -p $B
make -s B=$B CC=clang SAN= WARN="-Wall -Wextra" CFLAGS="$FCFLAGS" $B/libsalesintel.a >$B/build.log 2>&1 || {
	cat $B/build.log >&2
	echo "fuzz: 0 passed, 1 failed"
	exit 1
}
libs=$(pkg-config --libs libcurl libcjson sqlite3 openssl libidn2 libpsl zlib)
passed=0
failed=0
names=${*:-$(for f in tests/fuzz/fuzz_*.c; do [ -f "$f" ] && basename "$f" .c | sed 's/^fuzz_//'; done)}
for name in $names; do
	bin=$B/fuzz/fuzz_$name
	mkdir -p $B/fuzz $B/crash/"$name" $B/corpus
	# shellcheck disable=SC2086
	if ! clang $FCFLAGS -fsanitize=fuzzer -std=c11 -D_GNU_SOURCE -Ilib -I$B/gen \
	    -o "$bin" tests/fuzz/fuzz_"$name".c $B/libsalesintel.a $libs -lm -lpthread \
	    >$B/fuzz/"$name".log 2>&1; then
		echo "FAIL fuzz/$name (build)"
		sed 's/^/    /' $B/fuzz/"$name".log | tail -n 20
		failed=$((failed + 1))
		continue
	fi
	ok=1
	if [ -d tests/fuzz/regress/"$name" ] && [ -n "$(ls tests/fuzz/regress/"$name")" ]; then
		"$bin" -runs=0 tests/fuzz/regress/"$name"/* >$B/fuzz/"$name".regress.log 2>&1 || ok=0
		[ $ok -eq 1 ] || { echo "FAIL fuzz/$name (regression input)"; tail -n 30 $B/fuzz/"$name".regress.log; }
	fi
	corpus=$B/corpus/$name
	rm -rf "$corpus"
	mkdir -p "$corpus"
	[ -d tests/fuzz/corpus/"$name" ] && cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	dict=
	[ -f tests/fuzz/"$name".dict ] && dict=-dict=tests/fuzz/$name.dict
	if [ $ok -eq 1 ]; then
		# shellcheck disable=SC2086
		"$bin" $dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		    -max_len=65536 -artifact_prefix=$B/crash/"$name"/ -print_final_stats=1 \
		    "$corpus" >$B/fuzz/"$name".run.log 2>&1 || ok=0
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' $B/fuzz/"$name".run.log)
		cov=$(grep -o 'cov: [0-9]*' $B/fuzz/"$name".run.log | tail -n 1)
		if [ $ok -eq 1 ]; then
			echo "PASS fuzz/$name (${seconds}s, ${execs:-?} execs, ${cov:-cov: ?})"
		else
			echo "FAIL fuzz/$name: crash saved in $B/crash/$name/"
			grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' $B/fuzz/"$name".run.log | head -n 20
		fi
	fi
	if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
