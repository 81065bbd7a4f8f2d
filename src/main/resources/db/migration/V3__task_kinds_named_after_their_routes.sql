-- Outbox tasks go to the route named after their kind (direct:<kind>), and routes are named after
-- their flow: the kinds follow the routes' names.
UPDATE outbox SET kind = 'postmortem-draft' WHERE kind = 'incident-resolved';
UPDATE outbox SET kind = 'postmortem-publish' WHERE kind = 'publish-postmortem';
UPDATE outbox SET kind = 'postmortem-duplicates' WHERE kind = 'check-postmortem-duplicates';
