# Generate N gmail_participants RECORDs (awk -v n=N -v every=K), with a
# STATE every K records: the shape gmail-pull writes, deterministic.
BEGIN {
	srand(42)
	split("to cc from bcc", roles, " ")
	print "{\"type\":\"SCHEMA\",\"stream\":\"gmail_participants\",\"schema\":{},\"key_properties\":[\"participant_id\"]}"
	for (i = 1; i <= n; i++) {
		m = int(i / 3)
		who = int(rand() * 50000)
		role = roles[(i % 4) + 1]
		h = (i * 2654435761) % 4294967296
		printf "{\"type\":\"RECORD\",\"stream\":\"gmail_participants\",\"record\":{\"participant_id\":\"p%04x%04x\",\"message_id\":\"18c%013d\",\"email_address\":\"person%d@company%d.example.com\",\"role\":\"%s\",\"display_name\":\"Person %d\",\"sf_contact_id\":\"0035g%010dAAV\",\"sf_account_id\":\"0015g%010dAAV\",\"match_confidence\":\"exact\",\"match_method\":\"email\",\"confidence_score\":0.95,\"is_internal\":false,\"mailbox_email\":\"rep%d@ourco.example.com\",\"sent_at\":\"2026-11-%02dT%02d:%02d:00Z\"},\"time_extracted\":\"2026-12-01T00:00:00Z\"}\n", int(h / 65536), h % 65536, m, who, who % 997, role, who, who, who % 997, i % 20, i % 28 + 1, i % 24, i % 60
		if (i % every == 0)
			printf "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"gmail_messages:rep@ourco.example.com\":{\"history_id\":\"%d\"}}}}\n", i
	}
	printf "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"gmail_messages:rep@ourco.example.com\":{\"history_id\":\"%d\"}}}}\n", n
}
