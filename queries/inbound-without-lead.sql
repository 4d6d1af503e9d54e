-- Inbound senders with no contact or lead, last 30 days
-- People who wrote to us and are in no CRM record yet: lead candidates.
-- Internal senders (internal_domains) are left out; free-mail senders stay
-- in (they are people too).
SELECT p.email_address,
       MAX(p.display_name) AS name,
       COUNT(DISTINCT m.message_id) AS messages,
       MIN(m.sent_at) AS first_seen,
       MAX(m.sent_at) AS last_seen,
       MAX(p.sf_account_id) AS matched_account
FROM gmail_participants AS p
JOIN gmail_messages AS m ON m.message_id = p.message_id
WHERE p.role = 'from'
  AND COALESCE(p.is_internal, 0) = 0
  AND p.sf_contact_id IS NULL
  AND p.sf_lead_id IS NULL
  AND p._sdc_deleted_at IS NULL
  AND m._sdc_deleted_at IS NULL
  AND m.sent_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')
GROUP BY p.email_address
ORDER BY messages DESC, last_seen DESC
LIMIT 25;
