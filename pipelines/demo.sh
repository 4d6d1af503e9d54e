#!/bin/sh
# The demo: placeholder while the suite is rebuilt.
set -eu
echo "demo: tools built in ${B:-build}/bin"
