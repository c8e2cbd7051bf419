-- A large generated schema for benchmarks: TABLES tables in 20 schemas-worth of prefixes,
-- about 12 columns, 3 indexes and 1 policy each, a foreign key to the previous table.
-- The :tables placeholder is replaced by the benchmark (it is a number it formats itself).
DO $$
DECLARE
  n int := :tables;
  t text;
  prev text;
BEGIN
  CREATE SCHEMA IF NOT EXISTS bench;
  FOR i IN 1..n LOOP
    t := format('bench.%s_%s', (ARRAY['crm','media','content','billing','events','auth_x','ops','sales','support','growth'])[1 + i % 10], i);
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
    IF prev IS NOT NULL THEN
      EXECUTE format('ALTER TABLE %s ADD FOREIGN KEY (parent_id) REFERENCES %s (id)', t, prev);
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY ws ON %s USING (workspace_id IS NOT NULL)', t);
    prev := t;
  END LOOP;
END $$;
