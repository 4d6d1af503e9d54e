-- BigQuery schema of the salesintel warehouse.
-- Generated from lib/schema.c by build-aux/schema-gen: do not edit.
-- Table names are unqualified: bq query --use_legacy_sql=false --dataset_id=DATASET < bigquery.sql

CREATE TABLE IF NOT EXISTS `gmail_messages` (
  message_id STRING NOT NULL,
  thread_id STRING,
  mailbox_email STRING NOT NULL,
  from_email STRING,
  to_emails ARRAY<STRING>,
  cc_emails ARRAY<STRING>,
  subject STRING,
  body_text STRING,
  body_html STRING,
  sent_at TIMESTAMP,
  labels ARRAY<STRING>,
  embedding ARRAY<FLOAT64>,
  ingested_at TIMESTAMP,
  history_id STRING,
  internal_date TIMESTAMP,
  message_id_header STRING,
  in_reply_to STRING,
  references_header STRING,
  size_estimate INTEGER,
  bcc_emails ARRAY<STRING>,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (message_id) NOT ENFORCED
)
PARTITION BY DATE(sent_at)
CLUSTER BY mailbox_email, from_email;

CREATE TABLE IF NOT EXISTS `gmail_participants` (
  participant_id STRING NOT NULL,
  message_id STRING NOT NULL,
  email_address STRING NOT NULL,
  role STRING NOT NULL,
  sf_contact_id STRING,
  sf_account_id STRING,
  match_confidence STRING,
  display_name STRING,
  sf_lead_id STRING,
  match_method STRING,
  confidence_score FLOAT64,
  is_internal BOOLEAN,
  mailbox_email STRING,
  sent_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (participant_id) NOT ENFORCED
)
CLUSTER BY email_address, sf_contact_id;

CREATE TABLE IF NOT EXISTS `gmail_sync_state` (
  mailbox_email STRING NOT NULL,
  last_history_id STRING,
  last_sync_at TIMESTAMP,
  sync_type STRING,
  updated_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (mailbox_email) NOT ENFORCED
)
CLUSTER BY mailbox_email;

CREATE TABLE IF NOT EXISTS `sf_accounts` (
  account_id STRING NOT NULL,
  account_name STRING,
  website STRING,
  domain STRING,
  industry STRING,
  annual_revenue FLOAT64,
  owner_id STRING,
  created_date TIMESTAMP,
  last_modified_date TIMESTAMP,
  ingested_at TIMESTAMP,
  phone STRING,
  system_modstamp TIMESTAMP,
  parent_account_id STRING,
  billing_country STRING,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (account_id) NOT ENFORCED
)
CLUSTER BY owner_id, account_name;

CREATE TABLE IF NOT EXISTS `sf_contacts` (
  contact_id STRING NOT NULL,
  account_id STRING,
  first_name STRING,
  last_name STRING,
  email STRING,
  phone STRING,
  mobile_phone STRING,
  title STRING,
  is_primary BOOLEAN,
  ingested_at TIMESTAMP,
  owner_id STRING,
  system_modstamp TIMESTAMP,
  created_date TIMESTAMP,
  last_modified_date TIMESTAMP,
  mailing_country STRING,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (contact_id) NOT ENFORCED
)
CLUSTER BY email, account_id;

CREATE TABLE IF NOT EXISTS `sf_leads` (
  lead_id STRING NOT NULL,
  first_name STRING,
  last_name STRING,
  email STRING,
  company STRING,
  phone STRING,
  title STRING,
  lead_source STRING,
  status STRING,
  owner_id STRING,
  created_by_system BOOLEAN,
  source_message_id STRING,
  created_date TIMESTAMP,
  ingested_at TIMESTAMP,
  mobile_phone STRING,
  is_converted BOOLEAN,
  converted_contact_id STRING,
  converted_account_id STRING,
  converted_date DATE,
  system_modstamp TIMESTAMP,
  last_modified_date TIMESTAMP,
  country STRING,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (lead_id) NOT ENFORCED
)
CLUSTER BY email, owner_id;

CREATE TABLE IF NOT EXISTS `sf_opportunities` (
  opportunity_id STRING NOT NULL,
  account_id STRING,
  name STRING,
  stage STRING,
  amount FLOAT64,
  close_date DATE,
  probability FLOAT64,
  owner_id STRING,
  is_closed BOOLEAN,
  is_won BOOLEAN,
  ingested_at TIMESTAMP,
  system_modstamp TIMESTAMP,
  created_date TIMESTAMP,
  last_modified_date TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (opportunity_id) NOT ENFORCED
)
CLUSTER BY account_id, owner_id, stage;

CREATE TABLE IF NOT EXISTS `sf_activities` (
  activity_id STRING NOT NULL,
  activity_type STRING,
  what_id STRING,
  who_id STRING,
  subject STRING,
  description STRING,
  activity_date TIMESTAMP,
  owner_id STRING,
  matched_account_id STRING,
  ingested_at TIMESTAMP,
  system_modstamp TIMESTAMP,
  created_date TIMESTAMP,
  last_modified_date TIMESTAMP,
  status STRING,
  task_subtype STRING,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (activity_id) NOT ENFORCED
)
PARTITION BY DATE(activity_date)
CLUSTER BY what_id, who_id, owner_id;

CREATE TABLE IF NOT EXISTS `sf_email_messages` (
  email_message_id STRING NOT NULL,
  from_address STRING,
  to_address STRING,
  cc_address STRING,
  bcc_address STRING,
  subject STRING,
  text_body STRING,
  html_body STRING,
  message_date TIMESTAMP,
  related_to_id STRING,
  created_date TIMESTAMP,
  last_modified_date TIMESTAMP,
  ingested_at TIMESTAMP,
  system_modstamp TIMESTAMP,
  from_name STRING,
  incoming BOOLEAN,
  status STRING,
  activity_id STRING,
  sf_contact_id STRING,
  sf_lead_id STRING,
  sf_account_id STRING,
  match_method STRING,
  match_confidence STRING,
  confidence_score FLOAT64,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (email_message_id) NOT ENFORCED
)
PARTITION BY DATE(message_date)
CLUSTER BY from_address, related_to_id;

CREATE TABLE IF NOT EXISTS `dialpad_calls` (
  call_id STRING NOT NULL,
  direction STRING,
  from_number STRING,
  to_number STRING,
  duration_seconds INTEGER,
  transcript_text STRING,
  sentiment_score FLOAT64,
  call_time TIMESTAMP,
  user_id STRING,
  matched_contact_id STRING,
  matched_account_id STRING,
  embedding ARRAY<FLOAT64>,
  ingested_at TIMESTAMP,
  external_number STRING,
  internal_number STRING,
  state STRING,
  was_recorded BOOLEAN,
  matched_lead_id STRING,
  match_method STRING,
  confidence_score FLOAT64,
  match_confidence STRING,
  user_email STRING,
  contact_name STRING,
  date_connected TIMESTAMP,
  date_ended TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (call_id) NOT ENFORCED
)
PARTITION BY DATE(call_time)
CLUSTER BY user_id, matched_account_id;

CREATE TABLE IF NOT EXISTS `dialpad_transcripts` (
  transcript_id STRING NOT NULL,
  call_id STRING NOT NULL,
  speaker STRING,
  text_segment STRING,
  start_time_seconds FLOAT64,
  end_time_seconds FLOAT64,
  segment_index INTEGER,
  created_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (transcript_id) NOT ENFORCED
)
CLUSTER BY call_id, segment_index;

CREATE TABLE IF NOT EXISTS `account_recommendations` (
  recommendation_id STRING NOT NULL,
  account_id STRING NOT NULL,
  score_date DATE NOT NULL,
  priority_score INTEGER,
  budget_likelihood INTEGER,
  engagement_score INTEGER,
  reasoning STRING,
  recommended_action STRING,
  key_signals ARRAY<STRING>,
  last_interaction_date DATE,
  created_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (recommendation_id) NOT ENFORCED
)
PARTITION BY score_date
CLUSTER BY account_id, priority_score;

CREATE TABLE IF NOT EXISTS `hubspot_sequences` (
  sequence_id STRING NOT NULL,
  sequence_name STRING,
  is_active BOOLEAN,
  enrollment_count INTEGER,
  last_synced TIMESTAMP,
  user_id STRING,
  step_count INTEGER,
  created_at TIMESTAMP,
  updated_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (sequence_id) NOT ENFORCED
);

CREATE TABLE IF NOT EXISTS `hubspot_enrollments` (
  enrollment_id STRING NOT NULL,
  sequence_id STRING NOT NULL,
  contact_email STRING NOT NULL,
  sf_contact_id STRING,
  enrolled_at TIMESTAMP,
  status STRING,
  created_at TIMESTAMP,
  updated_at TIMESTAMP,
  hubspot_contact_id STRING,
  sf_lead_id STRING,
  sf_account_id STRING,
  match_method STRING,
  match_confidence STRING,
  confidence_score FLOAT64,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (enrollment_id) NOT ENFORCED
)
CLUSTER BY sequence_id, contact_email;

CREATE TABLE IF NOT EXISTS `etl_runs` (
  run_id STRING NOT NULL,
  source_system STRING NOT NULL,
  job_type STRING,
  started_at TIMESTAMP,
  completed_at TIMESTAMP,
  rows_processed INTEGER,
  rows_failed INTEGER,
  status STRING,
  error_message STRING,
  watermark TIMESTAMP,
  stream_key STRING,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (run_id) NOT ENFORCED
)
PARTITION BY DATE(started_at)
CLUSTER BY source_system, status;

CREATE TABLE IF NOT EXISTS `manual_mappings` (
  mapping_id STRING NOT NULL,
  email_address STRING,
  phone_number STRING,
  sf_contact_id STRING,
  sf_account_id STRING,
  created_by STRING,
  created_at TIMESTAMP,
  is_active BOOLEAN,
  sf_lead_id STRING,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (mapping_id) NOT ENFORCED
)
CLUSTER BY email_address, phone_number;

CREATE TABLE IF NOT EXISTS `entity_resolution_emails` (
  resolution_id STRING NOT NULL,
  email_address STRING NOT NULL,
  sf_contact_id STRING,
  sf_account_id STRING,
  match_confidence STRING,
  match_method STRING,
  confidence_score FLOAT64,
  resolved_at TIMESTAMP,
  last_verified_at TIMESTAMP,
  is_active BOOLEAN,
  sf_lead_id STRING,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (resolution_id) NOT ENFORCED
)
CLUSTER BY email_address, sf_contact_id;

CREATE TABLE IF NOT EXISTS `entity_resolution_phones` (
  resolution_id STRING NOT NULL,
  phone_number STRING NOT NULL,
  sf_contact_id STRING,
  sf_account_id STRING,
  match_confidence STRING,
  match_method STRING,
  confidence_score FLOAT64,
  resolved_at TIMESTAMP,
  last_verified_at TIMESTAMP,
  is_active BOOLEAN,
  sf_lead_id STRING,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (resolution_id) NOT ENFORCED
)
CLUSTER BY phone_number, sf_contact_id;

CREATE TABLE IF NOT EXISTS `semantic_embeddings` (
  embedding_id STRING NOT NULL,
  content_type STRING NOT NULL,
  content_id STRING NOT NULL,
  text_content STRING,
  embedding ARRAY<FLOAT64>,
  embedding_model STRING,
  embedding_dimensions INTEGER,
  created_at TIMESTAMP,
  updated_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (embedding_id) NOT ENFORCED
)
CLUSTER BY content_type, content_id;

CREATE TABLE IF NOT EXISTS `sync_state` (
  stream STRING NOT NULL,
  value JSON,
  updated_at TIMESTAMP,
  ingested_at TIMESTAMP,
  _sdc_extracted_at TIMESTAMP,
  _sdc_deleted_at TIMESTAMP,
  PRIMARY KEY (stream) NOT ENFORCED
);
