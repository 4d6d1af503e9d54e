#!/bin/sh
# Every shell script of the product and its tests is shellcheck clean.
set -eu
cd "$SI_ROOT"
command -v shellcheck >/dev/null || { echo "shellcheck missing (build-aux/install-deps)"; exit 1; }
files=$(find pipelines tests build-aux bench .ci -type f \( -name '*.sh' -o -name run -o -name install-deps \) 2>/dev/null | sort)
files="$files $(find tests/bin -type f 2>/dev/null | sort)"
# shellcheck disable=SC2086
set -- $files
shellcheck -x -s sh "$@"
echo "shellcheck: $# files clean"
