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
# Each mailbox has its own Gmail quota, so the pulls run side by side,
# gmail_parallel at a time (default 4); then each mailbox's output is
# archived and loaded in turn.  A failed pull does not keep the others'
# mail out of the warehouse: the run fails at the end, after loading them.
si_par=$(si_cfg gmail_parallel 4)
case $si_par in
'' | *[!0-9]* | 0) si_die 78 "config: $si_config: gmail_parallel must be a number from 1" ;;
esac
trap 'kill $si_pids 2>/dev/null; exit 143' TERM
trap 'kill $si_pids 2>/dev/null; exit 130' INT
si_i=0
si_pids=
for si_mb in $(si_cfg mailboxes); do
	si_i=$((si_i + 1))
	# shellcheck disable=SC2046,SC2086
	{
		gmail-pull --mailbox "$si_mb" $(si_state_args) $si_full $si_gargs \
			>"$si_spool/raw.$si_i.jsonl"
		echo $? >"$si_spool/pull.$si_i"
	} &
	si_pids="$si_pids $!"
	if [ $((si_i % si_par)) -eq 0 ]; then
		wait
		si_pids=
	fi
done
wait
si_pids=
si_i=0
si_failed=
for si_mb in $(si_cfg mailboxes); do
	si_i=$((si_i + 1))
	si_raw=$si_spool/raw.$si_i.jsonl
	si_rc=$(cat "$si_spool/pull.$si_i" 2>/dev/null || echo 70)
	if [ -s "$si_raw" ]; then
		si_archive "$si_raw" gmail "$si_i" || si_fail 74 archive
	fi
	if [ "$si_rc" -eq 0 ]; then
		si_process "$si_raw"
	else
		si_log "gmail-pull --mailbox $si_mb exited $si_rc"
		[ -n "$si_failed" ] || si_failed=$si_rc
	fi
	rm -f "$si_raw"
done
[ -z "$si_failed" ] || si_fail "$si_failed" gmail-pull
si_end
