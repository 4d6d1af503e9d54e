-- The most engaged accounts this week
-- Over the last 7 days: an email from the account's people counts 3, an
-- email to them 1, a call 2, a Salesforce activity 1.  Ties by name.
WITH events(account_id, weight) AS (
	SELECT p.sf_account_id, CASE WHEN p.role = 'from' THEN 3 ELSE 1 END
	FROM gmail_participants AS p
	JOIN gmail_messages AS m ON m.message_id = p.message_id
	WHERE p.sf_account_id IS NOT NULL
	  AND COALESCE(p.is_internal, 0) = 0
	  AND m.sent_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days')
	UNION ALL
	SELECT matched_account_id, 2
	FROM dialpad_calls
	WHERE matched_account_id IS NOT NULL
	  AND call_time >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days')
	UNION ALL
	SELECT COALESCE(matched_account_id, what_id), 1
	FROM sf_activities
	WHERE _sdc_deleted_at IS NULL
	  AND activity_date >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days')
)
SELECT a.account_id,
       a.account_name,
       SUM(e.weight) AS engagement,
       COUNT(*) AS events
FROM events AS e
JOIN sf_accounts AS a ON a.account_id = e.account_id
GROUP BY a.account_id
ORDER BY engagement DESC, a.account_name
LIMIT 10;
