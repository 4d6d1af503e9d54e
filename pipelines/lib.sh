# shellcheck shell=sh
# shellcheck disable=SC2034,SC2154  # variables shared with the scripts that source this
# lib.sh: what every salesintel pipeline shares: configuration, locking,
# running a source's stages without losing exit codes, archiving, run
# records and failure notices.  Sourced by the sync-*.sh scripts.
#
# POSIX sh has no pipefail: every stage of a pipeline writes its exit code to
# a file of its own, and the run checks them all.  Nothing downstream of a
# failed stage is loaded, so the bookmark stays where it was.

si_name=$(basename "$0" .sh)

si_die() { # code message
	printf '%s: %s\n' "$si_name" "$2" >&2
	exit "$1"
}

si_log() {
	printf '%s: %s\n' "$si_name" "$*" >&2
}

# The configuration: SALESINTEL_CONFIG, else /etc/salesintel/config, else
# ~/.config/salesintel/config.  Lines are "key = value" (value optionally in
# double quotes); '#' starts a comment.  Values are never evaluated by the
# shell.  Secrets are never in this file, only the names of files holding them.
si_known_keys="database bq_dir archive_dir log_dir lock_dir lock_wait
phone_region internal_domains freemail_file mailboxes
sf_login_url sf_client_id sf_username sf_jwt_key_file sf_client_secret_file
sf_password_file sf_security_token_file sf_refresh_token_file sf_objects sf_bulk_threshold
gmail_key_file gmail_refresh_token_file gmail_client_id gmail_client_secret_file
gmail_base_url gmail_token_url gmail_quota gmail_parallel
dialpad_api_key_file dialpad_base_url dialpad_requests_per_minute
hubspot_token_file hubspot_base_url hubspot_user_ids
notify_webhook_url_file notify_pubsub_topic notify_key_file notify_token_url
notify_pubsub_url"

si_config_load() {
	si_config=${SALESINTEL_CONFIG:-}
	if [ -z "$si_config" ]; then
		if [ -f /etc/salesintel/config ]; then
			si_config=/etc/salesintel/config
		else
			si_config=${HOME:-/nonexistent}/.config/salesintel/config
		fi
	fi
	[ -r "$si_config" ] || si_die 78 "config: cannot read $si_config (set SALESINTEL_CONFIG)"
	si_lineno=0
	while IFS= read -r si_line || [ -n "$si_line" ]; do
		si_lineno=$((si_lineno + 1))
		si_trim=$(printf '%s' "$si_line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
		case $si_trim in '' | \#*) continue ;; esac
		case $si_trim in
		*=*) ;;
		*) si_die 78 "config: $si_config:$si_lineno: expected key = value" ;;
		esac
		si_key=$(printf '%s' "${si_trim%%=*}" | sed -e 's/[[:space:]]*$//')
		si_val=$(printf '%s' "${si_trim#*=}" | sed -e 's/^[[:space:]]*//')
		case $si_val in \"*\") si_val=${si_val#\"} si_val=${si_val%\"} ;; esac
		case $si_key in
		'' | *[!a-z0-9_]* | [0-9]*)
			si_die 78 "config: $si_config:$si_lineno: bad key name" ;;
		esac
		case " $(printf '%s' "$si_known_keys" | tr '\n' ' ') " in
		*" $si_key "*) ;;
		*)
			case $si_key in
			*password* | *secret* | *token* | *api_key* | *webhook_url)
				si_die 78 "config: $si_config:$si_lineno: $si_key: secrets go in a file; name it with ${si_key}_file" ;;
			esac
			si_die 78 "config: $si_config:$si_lineno: unknown setting $si_key" ;;
		esac
		# The value is assigned from a variable, never evaluated.
		eval "cfg_$si_key=\$si_val"
	done <"$si_config"
	if [ -z "${cfg_database:-}" ] && [ -z "${cfg_bq_dir:-}" ]; then
		si_die 78 "config: $si_config: database (or bq_dir) is not set"
	fi
	[ -n "${cfg_archive_dir:-}" ] || si_die 78 "config: $si_config: archive_dir is not set"
	case ${cfg_lock_wait:-0} in
	*[!0-9]*) si_die 78 "config: $si_config: lock_wait must be a number of seconds" ;;
	esac
	case ${cfg_phone_region:-US} in
	[A-Z][A-Z]) ;;
	*) si_die 78 "config: $si_config: phone_region must be a two-letter region code such as US" ;;
	esac
	for si_key in $si_known_keys; do
		case $si_key in *_file) ;; *) continue ;; esac
		eval "si_val=\${cfg_$si_key:-}"
		[ -z "$si_val" ] || [ -r "$si_val" ] ||
			si_die 78 "config: $si_config: $si_key: cannot read $si_val"
	done
}

# Setting or default.
si_cfg() { # key default
	eval "si_v=\${cfg_$1:-}"
	if [ -n "$si_v" ]; then printf '%s' "$si_v"; else printf '%s' "${2:-}"; fi
}

# The bookmark store and load target: --state-db DB for pulls, load's target.
si_state_args() {
	if [ -n "${cfg_database:-}" ]; then
		printf '%s' "--state-db $cfg_database"
	else
		printf '%s' "--state $cfg_bq_dir/state.json"
	fi
}

# One lock per source: a second run waits lock_wait seconds, then exits 75.
si_lock() { # source
	si_lockdir=$(si_cfg lock_dir "$(si_cfg archive_dir)/.locks")
	mkdir -p "$si_lockdir" || si_die 73 "cannot create $si_lockdir"
	exec 9>"$si_lockdir/$1.lock"
	if ! flock -w "$(si_cfg lock_wait 0)" 9; then
		si_log "$1: another run holds $si_lockdir/$1.lock; try again later"
		exit 75
	fi
}

si_now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# Start a run of a source: take its lock, make a private spool directory
# (removed at exit), and note the start for etl_runs.
si_begin() { # source job_type
	si_source=$1
	si_job=$2
	si_lock "$1"
	si_started=$(si_now)
	si_run_id="$1-$(date -u +%Y%m%dT%H%M%S%3NZ)-$$"
	umask 077
	si_spool=$(mktemp -d "${TMPDIR:-/tmp}/salesintel.$1.XXXXXX") ||
		si_die 73 "cannot create a spool directory"
	trap 'rm -rf "$si_spool"' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
}

# The load stage's arguments.
si_load_target() {
	if [ -n "${cfg_database:-}" ]; then
		printf '%s' "--db $cfg_database"
	else
		printf '%s' "--bq-dir $cfg_bq_dir"
	fi
}

# Record the run in etl_runs, through load like any other row.  Every value
# here is made by this script (source names, stage names, exit codes), so it
# needs no JSON escaping beyond what the case below refuses.
si_run_record() { # status error_message
	si_completed=$(si_now)
	case $2 in *[\"\\]*) set -- "$1" "error (message withheld)" ;; esac
	if [ -n "$2" ]; then si_err="\"$2\""; else si_err=null; fi
	# shellcheck disable=SC2046
	printf '{"type":"RECORD","stream":"etl_runs","record":{"run_id":"%s","source_system":"pipeline:%s","job_type":"%s","started_at":"%s","completed_at":"%s","status":"%s","error_message":%s}}\n' \
		"$si_run_id" "$si_source" "$si_job" "$si_started" "$si_completed" "$1" "$si_err" |
		load $(si_load_target) >/dev/null ||
		si_log "could not record the run in etl_runs"
}

# A failed run: a one-line summary on stderr (cron mails it), the etl_runs
# row, and the configured notices.  Exits with the failed stage's code.
si_fail() { # code stage
	si_msg="$si_source $si_job run $si_run_id failed: $2 exited $1"
	printf '%s: %s\n' "$si_name" "$si_msg" >&2
	si_run_record failed "$2 exited $1"
	si_notify "$si_msg"
	exit "$1"
}

si_notify() { # message
	[ -n "${cfg_notify_webhook_url_file:-}${cfg_notify_pubsub_topic:-}" ] || return 0
	si_env notify_webhook_url_file NOTIFY_WEBHOOK_URL_FILE
	si_nargs=
	[ -n "${cfg_notify_pubsub_topic:-}" ] && si_nargs="$si_nargs --pubsub-topic $cfg_notify_pubsub_topic"
	[ -n "${cfg_notify_pubsub_url:-}" ] && si_nargs="$si_nargs --pubsub-url $cfg_notify_pubsub_url"
	[ -n "${cfg_notify_token_url:-}" ] && si_nargs="$si_nargs --token-url $cfg_notify_token_url"
	[ -n "${cfg_notify_key_file:-}" ] && si_nargs="$si_nargs --key-file $cfg_notify_key_file"
	# shellcheck disable=SC2086
	printf '%s\n' "$1" | notify $si_nargs ||
		si_log "could not send the failure notice"
}

# Keep a pull's raw output before anything downstream touches it:
# ARCHIVE/<source>/<UTC timestamp>[.<part>].jsonl.gz, written whole, then
# renamed (part: which of several pulls of one run, e.g. a mailbox's index).
si_archive() { # file source [part]
	si_adir=$(si_cfg archive_dir)/$2
	mkdir -p "$si_adir" || return 73
	si_aname=$si_adir/$(date -u +%Y%m%dT%H%M%S.%3NZ)${3:+.$3}.jsonl.gz
	gzip -c <"$1" >"$si_aname.tmp" && mv "$si_aname.tmp" "$si_aname" || return 74
	si_log "archived $(wc -l <"$1" | tr -d ' ') lines to $si_aname"
}

# Run the downstream stages over a raw stream file: normalize, resolve into
# the spool, then load only if every stage succeeded.
si_process() { # rawfile
	si_region=$(si_cfg phone_region US)
	si_rargs="--region $si_region"
	for si_d in $(si_cfg internal_domains); do
		si_rargs="$si_rargs --internal-domain $si_d"
	done
	[ -n "${cfg_freemail_file:-}" ] && si_rargs="$si_rargs --freemail $cfg_freemail_file"
	# Reference data comes from the database once it exists (the very first
	# run has none: resolve then passes the records through unmatched).
	# normalize-phone reads there the accounts' countries of contacts whose
	# account this pull does not carry.
	si_pargs="--region $si_region"
	if [ -n "${cfg_database:-}" ] && [ -f "$cfg_database" ]; then
		si_rargs="$si_rargs --db $cfg_database"
		si_pargs="$si_pargs --db $cfg_database"
	fi
	rm -f "$si_spool"/st.*
	# shellcheck disable=SC2086
	{ normalize-email <"$1"; echo $? >"$si_spool/st.normalize-email"; } |
		{ normalize-phone $si_pargs; echo $? >"$si_spool/st.normalize-phone"; } |
		{ resolve $si_rargs; echo $? >"$si_spool/st.resolve"; } >"$si_spool/mapped.jsonl"
	for si_stage in normalize-email normalize-phone resolve; do
		si_rc=$(cat "$si_spool/st.$si_stage" 2>/dev/null || echo 70)
		[ "$si_rc" -eq 0 ] || si_fail "$si_rc" "$si_stage"
	done
	# shellcheck disable=SC2046
	load $(si_load_target) <"$si_spool/mapped.jsonl" >"$si_spool/load.out"
	si_rc=$?
	[ "$si_rc" -eq 0 ] || si_fail "$si_rc" load
}

# One pull: its raw output into the spool, archived, then processed.
si_pull() { # archive-name pull-command...
	si_src=$1
	shift
	"$@" >"$si_spool/raw.jsonl"
	si_rc=$?
	if [ -s "$si_spool/raw.jsonl" ]; then
		si_archive "$si_spool/raw.jsonl" "$si_src" || si_fail 74 archive
	fi
	[ "$si_rc" -eq 0 ] || si_fail "$si_rc" "$(basename "$1")"
	si_process "$si_spool/raw.jsonl"
}

# The run succeeded: record it.
si_end() {
	si_run_record success ""
}

# Hand a setting to the tools as an environment variable (secrets travel
# as NAME_FILE: the tools read the file; nothing secret is in argv).
si_env() { # key VAR
	eval "si_v=\${cfg_$1:-}"
	if [ -n "$si_v" ]; then
		eval "$2=\$si_v"
		export "${2?}"
	fi
}

si_usage_mode() { # usage args...: sets si_full to --full or empty
	si_full=
	si_mode=incremental
	si_new_only=
	for si_a in "$@"; do
		case $si_a in
		--full) si_full=--full si_mode=full ;;
		--new-only) si_new_only=1 ;;
		-h | --help) printf 'usage: %s\n' "$si_usage"; exit 0 ;;
		*) printf 'usage: %s\n' "$si_usage" >&2; exit 64 ;;
		esac
	done
}

# Re-resolution (export is a shell builtin: the tool runs as "env export"): every stored participant, call, Salesforce email and
# enrollment through resolve again (contacts and accounts change after the
# rows were first loaded); with --new-only, only the rows still unmatched.
si_reresolve() { # new_only
	[ -n "${cfg_database:-}" ] ||
		si_die 78 "config: $si_config: re-resolution needs database (not only bq_dir)"
	si_region=$(si_cfg phone_region US)
	si_rargs="--db $cfg_database --region $si_region"
	for si_d in $(si_cfg internal_domains); do
		si_rargs="$si_rargs --internal-domain $si_d"
	done
	[ -n "${cfg_freemail_file:-}" ] && si_rargs="$si_rargs --freemail $cfg_freemail_file"
	for si_t in gmail_participants:sf_contact_id dialpad_calls:matched_contact_id \
	    sf_email_messages:sf_contact_id hubspot_enrollments:sf_contact_id; do
		si_table=${si_t%%:*}
		si_where=
		[ -n "$1" ] && si_where="--where-null ${si_t#*:}"
		rm -f "$si_spool"/st.*
		# shellcheck disable=SC2086
		{ env export --db "$cfg_database" --table "$si_table" $si_where; echo $? >"$si_spool/st.export"; } |
			{ resolve $si_rargs; echo $? >"$si_spool/st.resolve"; } >"$si_spool/mapped.jsonl"
		for si_stage in export resolve; do
			si_rc=$(cat "$si_spool/st.$si_stage" 2>/dev/null || echo 70)
			[ "$si_rc" -eq 0 ] || si_fail "$si_rc" "$si_stage $si_table"
		done
		load --db "$cfg_database" <"$si_spool/mapped.jsonl" >/dev/null
		si_rc=$?
		[ "$si_rc" -eq 0 ] || si_fail "$si_rc" "load $si_table"
	done
}
