#!/bin/sh
# Pull Dialpad calls and transcripts and load them: sync-dialpad.sh [--full]
si_usage="sync-dialpad.sh [--full]"
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_usage_mode "$@"
si_config_load
si_env dialpad_api_key_file DIALPAD_API_KEY_FILE
si_begin dialpad "$si_mode"
si_dargs=
[ -n "$(si_cfg dialpad_base_url)" ] && si_dargs="--base-url $(si_cfg dialpad_base_url)"
si_rpm=$(si_cfg dialpad_requests_per_minute)
case $si_rpm in
'') ;;
*[!0-9]* | 0) si_die 78 "config: $si_config: dialpad_requests_per_minute must be a whole number from 1" ;;
*) si_dargs="$si_dargs --requests-per-minute $si_rpm" ;;
esac
# shellcheck disable=SC2046,SC2086
si_pull dialpad dialpad-pull $(si_state_args) $si_full $si_dargs
si_end
