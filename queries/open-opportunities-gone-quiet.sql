-- Accounts with open opportunities and no contact for 30 days
-- The last touch is the latest email (either direction), call or
-- Salesforce activity tied to the account.
WITH touch(account_id, at) AS (
	SELECT p.sf_account_id, MAX(m.sent_at)
	FROM gmail_participants AS p
	JOIN gmail_messages AS m ON m.message_id = p.message_id
	WHERE p.sf_account_id IS NOT NULL AND COALESCE(p.is_internal, 0) = 0
	GROUP BY p.sf_account_id
	UNION ALL
	SELECT matched_account_id, MAX(call_time)
	FROM dialpad_calls
	WHERE matched_account_id IS NOT NULL
	GROUP BY matched_account_id
	UNION ALL
	SELECT COALESCE(matched_account_id, what_id), MAX(activity_date)
	FROM sf_activities
	WHERE _sdc_deleted_at IS NULL
	GROUP BY COALESCE(matched_account_id, what_id)
),
last_touch AS (
	SELECT account_id, MAX(at) AS at FROM touch GROUP BY account_id
)
SELECT a.account_id,
       a.account_name,
       COUNT(o.opportunity_id) AS open_opportunities,
       ROUND(SUM(COALESCE(o.amount, 0)), 2) AS open_amount,
       l.at AS last_touch
FROM sf_accounts AS a
JOIN sf_opportunities AS o
  ON o.account_id = a.account_id
 AND COALESCE(o.is_closed, 0) = 0
 AND o._sdc_deleted_at IS NULL
LEFT JOIN last_touch AS l ON l.account_id = a.account_id
WHERE a._sdc_deleted_at IS NULL
  AND (l.at IS NULL OR l.at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days'))
GROUP BY a.account_id
ORDER BY open_amount DESC, a.account_name
LIMIT 25;
