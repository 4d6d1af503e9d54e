#!/bin/sh
# Pull every configured mailbox and load it: sync-gmail.sh [--full]
si_usage="sync-gmail.sh [--full]"
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_usage_mode "$@"
si_config_load
[ -n "$(si_cfg mailboxes)" ] || si_die 78 "config: $si_config: mailboxes is not set"
si_env gmail_key_file GMAIL_KEY_FILE
si_env gmail_refresh_token_file GMAIL_REFRESH_TOKEN_FILE
si_env gmail_client_id GMAIL_CLIENT_ID
si_env gmail_client_secret_file GMAIL_CLIENT_SECRET_FILE
si_begin gmail "$si_mode"
si_gargs=
[ -n "$(si_cfg gmail_base_url)" ] && si_gargs="$si_gargs --base-url $(si_cfg gmail_base_url)"
[ -n "$(si_cfg gmail_token_url)" ] && si_gargs="$si_gargs --token-url $(si_cfg gmail_token_url)"
[ -n "$(si_cfg gmail_quota)" ] && si_gargs="$si_gargs --quota $(si_cfg gmail_quota)"
for si_mb in $(si_cfg mailboxes); do
	# shellcheck disable=SC2046,SC2086
	si_pull gmail gmail-pull --mailbox "$si_mb" $(si_state_args) $si_full $si_gargs
done
si_end
