-- SQLite schema of the salesintel warehouse.
-- Generated from lib/schema.c by build-aux/schema-gen: do not edit.
-- load(1) creates these tables itself; this file is for reading and for other tools.

CREATE TABLE IF NOT EXISTS gmail_messages (
	message_id TEXT NOT NULL,
	thread_id TEXT,
	mailbox_email TEXT NOT NULL,
	from_email TEXT,
	to_emails TEXT,
	cc_emails TEXT,
	subject TEXT,
	body_text TEXT,
	body_html TEXT,
	sent_at TEXT,
	labels TEXT,
	embedding TEXT,
	ingested_at TEXT,
	history_id TEXT,
	internal_date TEXT,
	message_id_header TEXT,
	in_reply_to TEXT,
	references_header TEXT,
	size_estimate INTEGER,
	bcc_emails TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (message_id)
);
CREATE INDEX IF NOT EXISTS gmail_messages__cluster ON gmail_messages (mailbox_email, from_email);

CREATE TABLE IF NOT EXISTS gmail_participants (
	participant_id TEXT NOT NULL,
	message_id TEXT NOT NULL,
	email_address TEXT NOT NULL,
	role TEXT NOT NULL,
	sf_contact_id TEXT,
	sf_account_id TEXT,
	match_confidence TEXT,
	display_name TEXT,
	sf_lead_id TEXT,
	match_method TEXT,
	confidence_score REAL,
	is_internal INTEGER,
	mailbox_email TEXT,
	sent_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (participant_id)
);
CREATE INDEX IF NOT EXISTS gmail_participants__cluster ON gmail_participants (email_address, sf_contact_id);

CREATE TABLE IF NOT EXISTS gmail_sync_state (
	mailbox_email TEXT NOT NULL,
	last_history_id TEXT,
	last_sync_at TEXT,
	sync_type TEXT,
	updated_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (mailbox_email)
);
CREATE INDEX IF NOT EXISTS gmail_sync_state__cluster ON gmail_sync_state (mailbox_email);

CREATE TABLE IF NOT EXISTS sf_accounts (
	account_id TEXT NOT NULL,
	account_name TEXT,
	website TEXT,
	domain TEXT,
	industry TEXT,
	annual_revenue REAL,
	owner_id TEXT,
	created_date TEXT,
	last_modified_date TEXT,
	ingested_at TEXT,
	phone TEXT,
	system_modstamp TEXT,
	parent_account_id TEXT,
	billing_country TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (account_id)
);
CREATE INDEX IF NOT EXISTS sf_accounts__cluster ON sf_accounts (owner_id, account_name);

CREATE TABLE IF NOT EXISTS sf_contacts (
	contact_id TEXT NOT NULL,
	account_id TEXT,
	first_name TEXT,
	last_name TEXT,
	email TEXT,
	phone TEXT,
	mobile_phone TEXT,
	title TEXT,
	is_primary INTEGER,
	ingested_at TEXT,
	owner_id TEXT,
	system_modstamp TEXT,
	created_date TEXT,
	last_modified_date TEXT,
	mailing_country TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (contact_id)
);
CREATE INDEX IF NOT EXISTS sf_contacts__cluster ON sf_contacts (email, account_id);

CREATE TABLE IF NOT EXISTS sf_leads (
	lead_id TEXT NOT NULL,
	first_name TEXT,
	last_name TEXT,
	email TEXT,
	company TEXT,
	phone TEXT,
	title TEXT,
	lead_source TEXT,
	status TEXT,
	owner_id TEXT,
	created_by_system INTEGER,
	source_message_id TEXT,
	created_date TEXT,
	ingested_at TEXT,
	mobile_phone TEXT,
	is_converted INTEGER,
	converted_contact_id TEXT,
	converted_account_id TEXT,
	converted_date TEXT,
	system_modstamp TEXT,
	last_modified_date TEXT,
	country TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (lead_id)
);
CREATE INDEX IF NOT EXISTS sf_leads__cluster ON sf_leads (email, owner_id);

CREATE TABLE IF NOT EXISTS sf_opportunities (
	opportunity_id TEXT NOT NULL,
	account_id TEXT,
	name TEXT,
	stage TEXT,
	amount REAL,
	close_date TEXT,
	probability REAL,
	owner_id TEXT,
	is_closed INTEGER,
	is_won INTEGER,
	ingested_at TEXT,
	system_modstamp TEXT,
	created_date TEXT,
	last_modified_date TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (opportunity_id)
);
CREATE INDEX IF NOT EXISTS sf_opportunities__cluster ON sf_opportunities (account_id, owner_id, stage);

CREATE TABLE IF NOT EXISTS sf_activities (
	activity_id TEXT NOT NULL,
	activity_type TEXT,
	what_id TEXT,
	who_id TEXT,
	subject TEXT,
	description TEXT,
	activity_date TEXT,
	owner_id TEXT,
	matched_account_id TEXT,
	ingested_at TEXT,
	system_modstamp TEXT,
	created_date TEXT,
	last_modified_date TEXT,
	status TEXT,
	task_subtype TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (activity_id)
);
CREATE INDEX IF NOT EXISTS sf_activities__cluster ON sf_activities (what_id, who_id, owner_id);

CREATE TABLE IF NOT EXISTS sf_email_messages (
	email_message_id TEXT NOT NULL,
	from_address TEXT,
	to_address TEXT,
	cc_address TEXT,
	bcc_address TEXT,
	subject TEXT,
	text_body TEXT,
	html_body TEXT,
	message_date TEXT,
	related_to_id TEXT,
	created_date TEXT,
	last_modified_date TEXT,
	ingested_at TEXT,
	system_modstamp TEXT,
	from_name TEXT,
	incoming INTEGER,
	status TEXT,
	activity_id TEXT,
	sf_contact_id TEXT,
	sf_lead_id TEXT,
	sf_account_id TEXT,
	match_method TEXT,
	match_confidence TEXT,
	confidence_score REAL,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (email_message_id)
);
CREATE INDEX IF NOT EXISTS sf_email_messages__cluster ON sf_email_messages (from_address, related_to_id);

CREATE TABLE IF NOT EXISTS dialpad_calls (
	call_id TEXT NOT NULL,
	direction TEXT,
	from_number TEXT,
	to_number TEXT,
	duration_seconds INTEGER,
	transcript_text TEXT,
	sentiment_score REAL,
	call_time TEXT,
	user_id TEXT,
	matched_contact_id TEXT,
	matched_account_id TEXT,
	embedding TEXT,
	ingested_at TEXT,
	external_number TEXT,
	internal_number TEXT,
	state TEXT,
	was_recorded INTEGER,
	matched_lead_id TEXT,
	match_method TEXT,
	confidence_score REAL,
	match_confidence TEXT,
	user_email TEXT,
	contact_name TEXT,
	date_connected TEXT,
	date_ended TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (call_id)
);
CREATE INDEX IF NOT EXISTS dialpad_calls__cluster ON dialpad_calls (user_id, matched_account_id);

CREATE TABLE IF NOT EXISTS dialpad_transcripts (
	transcript_id TEXT NOT NULL,
	call_id TEXT NOT NULL,
	speaker TEXT,
	text_segment TEXT,
	start_time_seconds REAL,
	end_time_seconds REAL,
	segment_index INTEGER,
	created_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (transcript_id)
);
CREATE INDEX IF NOT EXISTS dialpad_transcripts__cluster ON dialpad_transcripts (call_id, segment_index);

CREATE TABLE IF NOT EXISTS account_recommendations (
	recommendation_id TEXT NOT NULL,
	account_id TEXT NOT NULL,
	score_date TEXT NOT NULL,
	priority_score INTEGER,
	budget_likelihood INTEGER,
	engagement_score INTEGER,
	reasoning TEXT,
	recommended_action TEXT,
	key_signals TEXT,
	last_interaction_date TEXT,
	created_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (recommendation_id)
);
CREATE INDEX IF NOT EXISTS account_recommendations__cluster ON account_recommendations (account_id, priority_score);

CREATE TABLE IF NOT EXISTS hubspot_sequences (
	sequence_id TEXT NOT NULL,
	sequence_name TEXT,
	is_active INTEGER,
	enrollment_count INTEGER,
	last_synced TEXT,
	user_id TEXT,
	step_count INTEGER,
	created_at TEXT,
	updated_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (sequence_id)
);

CREATE TABLE IF NOT EXISTS hubspot_enrollments (
	enrollment_id TEXT NOT NULL,
	sequence_id TEXT NOT NULL,
	contact_email TEXT NOT NULL,
	sf_contact_id TEXT,
	enrolled_at TEXT,
	status TEXT,
	created_at TEXT,
	updated_at TEXT,
	hubspot_contact_id TEXT,
	sf_lead_id TEXT,
	sf_account_id TEXT,
	match_method TEXT,
	match_confidence TEXT,
	confidence_score REAL,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (enrollment_id)
);
CREATE INDEX IF NOT EXISTS hubspot_enrollments__cluster ON hubspot_enrollments (sequence_id, contact_email);

CREATE TABLE IF NOT EXISTS etl_runs (
	run_id TEXT NOT NULL,
	source_system TEXT NOT NULL,
	job_type TEXT,
	started_at TEXT,
	completed_at TEXT,
	rows_processed INTEGER,
	rows_failed INTEGER,
	status TEXT,
	error_message TEXT,
	watermark TEXT,
	stream_key TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (run_id)
);
CREATE INDEX IF NOT EXISTS etl_runs__cluster ON etl_runs (source_system, status);

CREATE TABLE IF NOT EXISTS manual_mappings (
	mapping_id TEXT NOT NULL,
	email_address TEXT,
	phone_number TEXT,
	sf_contact_id TEXT,
	sf_account_id TEXT,
	created_by TEXT,
	created_at TEXT,
	is_active INTEGER,
	sf_lead_id TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (mapping_id)
);
CREATE INDEX IF NOT EXISTS manual_mappings__cluster ON manual_mappings (email_address, phone_number);

CREATE TABLE IF NOT EXISTS entity_resolution_emails (
	resolution_id TEXT NOT NULL,
	email_address TEXT NOT NULL,
	sf_contact_id TEXT,
	sf_account_id TEXT,
	match_confidence TEXT,
	match_method TEXT,
	confidence_score REAL,
	resolved_at TEXT,
	last_verified_at TEXT,
	is_active INTEGER,
	sf_lead_id TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (resolution_id)
);
CREATE INDEX IF NOT EXISTS entity_resolution_emails__cluster ON entity_resolution_emails (email_address, sf_contact_id);

CREATE TABLE IF NOT EXISTS entity_resolution_phones (
	resolution_id TEXT NOT NULL,
	phone_number TEXT NOT NULL,
	sf_contact_id TEXT,
	sf_account_id TEXT,
	match_confidence TEXT,
	match_method TEXT,
	confidence_score REAL,
	resolved_at TEXT,
	last_verified_at TEXT,
	is_active INTEGER,
	sf_lead_id TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (resolution_id)
);
CREATE INDEX IF NOT EXISTS entity_resolution_phones__cluster ON entity_resolution_phones (phone_number, sf_contact_id);

CREATE TABLE IF NOT EXISTS semantic_embeddings (
	embedding_id TEXT NOT NULL,
	content_type TEXT NOT NULL,
	content_id TEXT NOT NULL,
	text_content TEXT,
	embedding TEXT NOT NULL,
	embedding_model TEXT,
	embedding_dimensions INTEGER,
	created_at TEXT,
	updated_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (embedding_id)
);
CREATE INDEX IF NOT EXISTS semantic_embeddings__cluster ON semantic_embeddings (content_type, content_id);

CREATE TABLE IF NOT EXISTS sync_state (
	stream TEXT NOT NULL,
	value TEXT,
	updated_at TEXT,
	ingested_at TEXT,
	_sdc_extracted_at TEXT,
	_sdc_deleted_at TEXT,
	PRIMARY KEY (stream)
);
