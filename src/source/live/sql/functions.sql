-- Functions and procedures outside the system schemas, with their grants to the API roles
-- (a function with no ACL grants EXECUTE to PUBLIC by default, which acldefault shows).
SELECT coalesce(json_agg(x), '[]')::text FROM (
  SELECT n.nspname AS schema,
         p.proname AS name,
         pg_get_function_identity_arguments(p.oid) AS identity_arguments,
         pg_get_function_arguments(p.oid) AS arguments,
         coalesce(pg_get_function_result(p.oid), '') AS result,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                        WHEN 'w' THEN 'window' ELSE 'function' END AS kind,
         l.lanname AS language,
         p.prosecdef AS security_definer,
         CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
         coalesce(to_json(p.proconfig), '[]') AS config,
         pg_get_userbyid(p.proowner) AS owner,
         (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
            AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' LIMIT 1) AS extension,
         CASE WHEN l.lanname NOT IN ('c', 'internal') THEN p.prosrc END AS body,
         obj_description(p.oid, 'pg_proc') AS comment,
         (SELECT coalesce(json_agg(json_build_object('grantee', g.grantee, 'privileges', g.privileges)
                                   ORDER BY g.grantee), '[]')
          FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                       array_agg(DISTINCT a.privilege_type ORDER BY a.privilege_type) AS privileges
                FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                GROUP BY 1) g
          WHERE g.grantee IN ('anon', 'authenticated', 'service_role', 'PUBLIC')) AS grants
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_language l ON l.oid = p.prolang
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'
) x
