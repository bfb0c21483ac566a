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
