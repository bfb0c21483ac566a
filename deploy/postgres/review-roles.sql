-- Review's production roles, run by the database owner after every `top100 migrate review`
-- (psql -d review -f deploy/postgres/review-roles.sql): the migrations run as the owner, the web
-- processes and the worker connect as `review_app`, which may read and write review's tables but
-- never UPDATE, DELETE or TRUNCATE the decisions, the extensions and the audit log. Triggers refuse
-- the same in the database itself (migration 0008), for the owner too.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_app') THEN
        CREATE ROLE review_app LOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO review_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO review_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO review_app;
REVOKE UPDATE, DELETE, TRUNCATE ON decisions, extensions, audit_log FROM review_app;
-- The votes: nobody changes a vote but to supersede it (the triggers of migration 0015 check how);
-- review_app only reads them, and the snapshots of counts are append-only like the decisions.
REVOKE UPDATE, DELETE, TRUNCATE ON votes, contest_snapshots FROM review_app;

-- Review's public process group (the vote and the gallery, services/review/public_app.py) connects as
-- `review_public`: it reads what the public pages show and writes votes and codes, nothing else. It
-- never reads users, scores, decisions' records or the audit log, and it cannot delete anything.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'review_public') THEN
        CREATE ROLE review_public LOGIN;
    END IF;
END
$$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM review_public;
GRANT USAGE ON SCHEMA public TO review_public;
-- What the public pages show (candidates who consented, their statements and photos' state), and
-- what any service app checks of a caller (credentials' generations, ended sessions).
GRANT SELECT ON candidates, statements, photos, identity_generations, ended_sessions TO review_public;
-- Contests: made with the calendar's times when first asked for, frozen at their opening.
GRANT SELECT, INSERT ON contests TO review_public;
GRANT UPDATE (frozen_at, candidate_ids) ON contests TO review_public;
-- Votes: cast, and the current one superseded by a change (the triggers allow nothing else).
GRANT SELECT, INSERT ON votes TO review_public;
GRANT UPDATE (current, superseded_by) ON votes TO review_public;
-- Codes: sent (only their HMAC), used once; a phone's row locked while its codes are sent or checked
-- (SELECT ... FOR UPDATE needs an UPDATE grant); wrong codes recorded.
GRANT SELECT, INSERT ON vote_codes, vote_phones, vote_wrong_codes TO review_public;
GRANT UPDATE (used_at) ON vote_codes TO review_public;
GRANT UPDATE (phone_hash) ON vote_phones TO review_public;
-- Counts: the snapshot at the close, and the display counts the worker rebuilds (the public sees
-- them after the close, or while open when the contest made them public).
GRANT SELECT ON contest_snapshots, vote_counts TO review_public;
-- The code's event to notify goes through the outbox, in the same transaction as the code.
GRANT SELECT, INSERT ON outbox TO review_public;
GRANT USAGE, SELECT ON SEQUENCE votes_id_seq, vote_wrong_codes_id_seq, outbox_id_seq TO review_public;
