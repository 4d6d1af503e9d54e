#!/bin/sh
# Run the test suite against the tools in $B/bin (default build/).
#   sh tests/run.sh [PATTERN]   only tests whose name contains PATTERN
# Parts: unit (Check binaries), tools (data tests in tests/tools/TOOL/CASE/),
# integration (tests/integration/*.sh).  Closing line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
pattern=${1:-}
PATH=$B/bin:$top/tests/bin:$PATH
SI_ROOT=$top
SI_BUILD=$B
export PATH SI_ROOT SI_BUILD B
# Tests never read the terminal, and never a user's configuration.
exec </dev/null
unset SALESINTEL_CONFIG
HOME=$(mktemp -d "${TMPDIR:-/tmp}/si-home.XXXXXX")
export HOME
work=$(mktemp -d "${TMPDIR:-/tmp}/si-test.XXXXXX")
trap 'rm -rf "$work" "$HOME"' EXIT INT TERM
passed=0
failed=0
failures=

want() {
	[ -z "$pattern" ] && return 0
	case $1 in *"$pattern"*) return 0 ;; esac
	return 1
}

report() { # name status log seconds
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS $1 (${4}s)"
	else
		failed=$((failed + 1))
		failures="$failures $1"
		echo "FAIL $1 (${4}s)"
		sed -e 's/^/    /' "$3" | tail -n 40
	fi
}

now() { date +%s; }

# Unit tests: one Check binary per library module.
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	name=unit/$(basename "$t")
	want "$name" || continue
	start=$(now)
	CK_FORK=yes timeout 600 "$t" >"$work/log" 2>&1
	report "$name" $? "$work/log" $(($(now) - start))
done

# Tool tests as data: args, in, out, code (default 0), err (grep -E pattern).
for dir in "$top"/tests/tools/*/*/; do
	[ -f "$dir/args" ] || continue
	tool=$(basename "$(dirname "$dir")")
	name=tools/$tool/$(basename "$dir")
	want "$name" || continue
	start=$(now)
	expect=0
	[ -f "$dir/code" ] && expect=$(cat "$dir/code")
	input=/dev/null
	[ -f "$dir/in" ] && input=$dir/in
	(cd "$dir" && eval "set -- $(cat args)" && timeout 60 "$tool" "$@" <"$input" \
		>"$work/out" 2>"$work/err")
	code=$?
	status=0
	: >"$work/log"
	if [ "$code" -ne "$expect" ]; then
		echo "exit $code, expected $expect" >>"$work/log"
		status=1
	fi
	if [ -f "$dir/out" ] && ! cmp -s "$dir/out" "$work/out"; then
		echo "stdout differs:" >>"$work/log"
		diff "$dir/out" "$work/out" | head -n 20 >>"$work/log"
		status=1
	fi
	if [ -f "$dir/err" ] && ! grep -Eq -f "$dir/err" "$work/err"; then
		echo "stderr does not match $(cat "$dir/err"):" >>"$work/log"
		head -n 5 "$work/err" >>"$work/log"
		status=1
	fi
	[ $status -ne 0 ] && head -n 5 "$work/err" >>"$work/log"
	report "$name" $status "$work/log" $(($(now) - start))
done

# Integration tests: shell scripts that run the real tools (and fake-api).
for t in "$top"/tests/integration/*.sh; do
	[ -f "$t" ] || continue
	name=integration/$(basename "$t" .sh)
	want "$name" || continue
	start=$(now)
	TMPDIR=$(mktemp -d "$work/it.XXXXXX") timeout 900 sh "$t" >"$work/log" 2>&1
	report "$name" $? "$work/log" $(($(now) - start))
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
