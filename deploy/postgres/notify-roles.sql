-- Notify's production roles, run by the database owner after every `top100 migrate notify`
-- (psql -d notify -f deploy/postgres/notify-roles.sql): the migrations run as the owner, the web
-- processes and the worker connect as `notify_app`, which may read and write notify's tables but
-- never UPDATE, DELETE or TRUNCATE the audit log. Triggers refuse the same in the database itself
-- (migration 0007), for the owner too.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'notify_app') THEN
        CREATE ROLE notify_app LOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO notify_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO notify_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO notify_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM notify_app;
