-- Media's production roles, run by the database owner after every `top100 migrate media`
-- (psql -d media -f deploy/postgres/media-roles.sql): the migrations run as the owner, the web
-- processes and the worker connect as `media_app`, which may read and write media's tables but
-- never UPDATE, DELETE or TRUNCATE the audit log. Triggers refuse the same in the database itself
-- (migration 0007), for the owner too.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'media_app') THEN
        CREATE ROLE media_app LOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO media_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO media_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO media_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM media_app;
