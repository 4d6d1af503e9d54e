#!/bin/sh
# Pull Salesforce (all configured objects) and load it: sync-salesforce.sh [--full]
si_usage="sync-salesforce.sh [--full]"
# shellcheck source=pipelines/lib.sh
. "$(dirname "$0")/lib.sh"
si_usage_mode "$@"
si_config_load
si_env sf_login_url SF_LOGIN_URL
si_env sf_client_id SF_CLIENT_ID
si_env sf_username SF_USERNAME
si_env sf_jwt_key_file SF_JWT_KEY_FILE
si_env sf_client_secret_file SF_CLIENT_SECRET_FILE
si_env sf_password_file SF_PASSWORD_FILE
si_env sf_security_token_file SF_SECURITY_TOKEN_FILE
si_env sf_refresh_token_file SF_REFRESH_TOKEN_FILE
si_begin salesforce "$si_mode"
si_objargs=
for si_o in $(si_cfg sf_objects all); do
	si_objargs="$si_objargs --object $si_o"
done
[ -n "$(si_cfg sf_bulk_threshold)" ] &&
	si_objargs="$si_objargs --bulk-threshold $(si_cfg sf_bulk_threshold)"
# shellcheck disable=SC2046,SC2086
si_pull salesforce sf-pull $(si_state_args) $si_full $si_objargs
si_end
