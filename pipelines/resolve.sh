#!/bin/sh
# Re-resolve stored rows against the current Salesforce data:
# resolve.sh [--new-only]   (default: every row; --new-only: unmatched rows only)
si_usage="resolve.sh [--new-only]"
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_usage_mode "$@"
si_config_load
if [ -n "$si_new_only" ]; then si_begin resolve new-only; else si_begin resolve full; fi
si_reresolve "$si_new_only"
si_end
