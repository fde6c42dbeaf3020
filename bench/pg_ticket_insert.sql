-- pgbench script for bench/cluster: the database's own ceiling for what triaged asks of it. One
-- transaction per ticket, as one durable create: a copy of a ticket row the daemon stored
-- (same columns, sizes and indexes) with a new id from tickets_id_seq, and its events. The
-- daemon writes more per ticket (requester profile, keys, match keys, the acknowledgement in
-- the outbox), so this is an upper bound, not the same work.
\set src random(1, :max_id)
BEGIN;
INSERT INTO tickets (id, ref, created_at, updated_at, channel, requester_name, requester_email, requester_phone,
                     subject, body, fields_json, headers_json, explicit_topic, topic, department, priority, status,
                     due_at, rules_version, decision_json, idempotency_key, request_hash, assignee, requester_id)
  SELECT nextval('tickets_id_seq'), 'PGB-' || currval('tickets_id_seq'), created_at, updated_at, channel,
         requester_name, requester_email, requester_phone, subject, body, fields_json, headers_json, explicit_topic,
         topic, department, priority, status, due_at, rules_version, decision_json, NULL, request_hash, assignee,
         requester_id
  FROM tickets WHERE id = (SELECT id FROM tickets WHERE id >= :src ORDER BY id LIMIT 1);
INSERT INTO ticket_events (ticket_id, at, kind, data_json)
  SELECT currval('tickets_id_seq'), at, kind, data_json FROM ticket_events
  WHERE ticket_id = (SELECT id FROM tickets WHERE id >= :src ORDER BY id LIMIT 1);
END;
