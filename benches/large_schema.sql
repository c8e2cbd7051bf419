-- A large generated schema for benchmarks: TABLES tables in 10 schemas (crm, media, ...),
-- 12 columns, 3 indexes and 1 policy each, and a foreign key to the schema's previous
-- table: on 5,000 tables, 60,000 columns, 15,000 indexes, 5,000 policies and 4,990 keys.
-- The :tables placeholder is replaced by the benchmark (it is a number it formats itself).
DO $$
DECLARE
  n int := :tables;
  schemas text[] := ARRAY['crm','media','content','billing','events','auth_x','ops','sales','support','growth'];
  s text;
  t text;
  prev text[] := ARRAY[]::text[];
BEGIN
  FOREACH s IN ARRAY schemas LOOP
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', s);
  END LOOP;
  FOR i IN 1..n LOOP
    s := schemas[1 + i % 10];
    t := format('%I.%I', s, s || '_' || i);
    EXECUTE format($f$CREATE TABLE %s (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      workspace_id uuid NOT NULL,
      parent_id uuid,
      name text NOT NULL,
      status text NOT NULL DEFAULT 'new',
      score integer,
      tags text[],
      payload jsonb,
      amount numeric(12,2),
      email text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())$f$, t);
    EXECUTE format('CREATE INDEX ON %s (workspace_id, status)', t);
    EXECUTE format('CREATE INDEX ON %s (created_at DESC)', t);
    IF prev[1 + i % 10] IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s ADD FOREIGN KEY (parent_id) REFERENCES %s (id)', t, prev[1 + i % 10]);
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY ws ON %s USING (workspace_id IS NOT NULL)', t);
    prev[1 + i % 10] := t;
  END LOOP;
END $$;
