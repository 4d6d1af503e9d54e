#!/bin/sh
# Pull HubSpot sequences and load them: sync-hubspot.sh
si_usage="sync-hubspot.sh [--full]"
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_usage_mode "$@"
si_config_load
si_env hubspot_token_file HUBSPOT_TOKEN_FILE
si_begin hubspot "$si_mode"
si_hargs=
[ -n "$(si_cfg hubspot_base_url)" ] && si_hargs="--base-url $(si_cfg hubspot_base_url)"
for si_u in $(si_cfg hubspot_user_ids); do
	si_hargs="$si_hargs --user-id $si_u"
done
# shellcheck disable=SC2046,SC2086
si_pull hubspot hubspot-pull $(si_state_args) $si_hargs
si_end
