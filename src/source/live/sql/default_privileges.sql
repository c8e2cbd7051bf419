-- Default privileges (ALTER DEFAULT PRIVILEGES), one row per role, schema, object kind and
-- grantee. The creating role's own entry is left out: it owns what it creates.
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT pg_get_userbyid(d.defaclrole) AS role,
         n.nspname AS schema,
         CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences'
                              WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types'
                              ELSE 'schemas' END AS objects,
         CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
         array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges
  FROM pg_default_acl d
  LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
  CROSS JOIN LATERAL aclexplode(d.defaclacl) a
  WHERE a.grantee <> d.defaclrole
  GROUP BY 1, 2, 3, 4
) x
