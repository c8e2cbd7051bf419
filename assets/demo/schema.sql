-- pglens demo schema
--
-- A multi-tenant, Supabase-style SaaS database ("Brandcraft": brands, media, content,
-- publishing, analytics, approvals, compliance, CRM, billing), written from the audit
-- documents pglens was born from. It deliberately carries the problems those documents
-- describe, next to look-alikes that are done right, so every audit rule has something to
-- find and something it must leave alone. Comments marked PROBLEM name the planted issue.
--
-- Loads on plain PostgreSQL 13+ after supabase_stubs.sql, which provides what Supabase
-- would (the auth schema, auth.uid() / auth.jwt() / auth.role(), the anon / authenticated /
-- service_role roles); security_invoker.sql follows on 15+. The embedded snapshot in
-- demo.snapshot.json is generated from these files; a test keeps them equal, and another
-- reads them offline and compares.

------------------------------------------------------------------------------------------
-- Extensions and API settings
------------------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
-- PROBLEM: an extension installed into public, where its functions become API surface.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- PostgREST exposes these schemas (Supabase sets this on the authenticator role).
DO $$ BEGIN
  EXECUTE format('ALTER DATABASE %I SET pgrst.db_schemas = %L', current_database(), 'public, graphql_public');
END $$;

------------------------------------------------------------------------------------------
-- Types and shared functions
------------------------------------------------------------------------------------------
CREATE TYPE public.lead_status AS ENUM ('new', 'contacted', 'qualified', 'nurturing', 'closed_won', 'closed_lost');
CREATE TYPE public.export_status AS ENUM ('pending', 'processing', 'completed', 'failed');
CREATE TYPE public.approval_state AS ENUM ('pending', 'approved', 'rejected', 'changes_requested');
CREATE DOMAIN public.email_address AS text
  CHECK (VALUE ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$');

CREATE FUNCTION public.update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END $$;

------------------------------------------------------------------------------------------
-- 1. Identity & tenancy
------------------------------------------------------------------------------------------
CREATE TABLE public.tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  subdomain text UNIQUE,
  plan text NOT NULL DEFAULT 'free',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.tenants IS 'Billing organisations; one tenant owns many workspaces.';

CREATE TABLE public.workspaces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES public.tenants(id) ON DELETE CASCADE,
  name text NOT NULL,
  branding jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_workspaces_tenant_id ON public.workspaces (tenant_id);

CREATE TABLE public.profiles (
  id uuid PRIMARY KEY REFERENCES auth.users(id) ON DELETE CASCADE,
  display_name text,
  avatar_url text,
  bio text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.workspace_members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, user_id)
);
CREATE INDEX idx_workspace_members_user_id ON public.workspace_members (user_id);

-- PROBLEM: SECURITY DEFINER with a mutable search_path, callable by the API roles.
CREATE FUNCTION public.user_has_workspace_access(target_workspace uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.workspace_members m
    WHERE m.workspace_id = target_workspace AND m.user_id = auth.uid())
$$;

CREATE TABLE public.tenant_members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES public.tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role text NOT NULL DEFAULT 'member',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, user_id)
);

-- Done right: SECURITY DEFINER with a pinned, empty search_path.
CREATE FUNCTION public.is_tenant_member(target_tenant uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' AS $$
  SELECT EXISTS (
    SELECT 1 FROM public.tenant_members m
    WHERE m.tenant_id = target_tenant AND m.user_id = auth.uid())
$$;

-- PROBLEM: no workspace_id while its neighbours have one; RLS off.
CREATE TABLE public.user_roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'moderator', 'user')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.user_settings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES auth.users(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES public.tenants(id),
  theme text NOT NULL DEFAULT 'system',
  preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 2. Brand & identity
------------------------------------------------------------------------------------------
-- PROBLEM: dual scoping, and workspace_id as TEXT while workspaces.id is uuid.
CREATE TABLE public.brands (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid REFERENCES public.tenants(id),
  workspace_id text,
  created_by uuid REFERENCES auth.users(id),
  name text NOT NULL,
  slug text NOT NULL,
  logo_url text,
  primary_color text DEFAULT '#3b82f6',
  website_url text,
  industry text,
  brand_kit jsonb DEFAULT '{}'::jsonb,
  tone_keywords text[],
  intake_completed boolean DEFAULT false,
  scraper_status text DEFAULT 'never_run',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unique_slug_per_tenant UNIQUE (tenant_id, slug)
);

CREATE TABLE public.brand_members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  role varchar(50) NOT NULL DEFAULT 'member',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, brand_id)
);
CREATE INDEX idx_brand_members_brand_id ON public.brand_members (brand_id);

-- PROBLEM: workspace_id TEXT scope column with no foreign key.
CREATE TABLE public.milestones (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id text NOT NULL,
  key text NOT NULL,
  unlocked_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unique_workspace_milestone UNIQUE (workspace_id, key)
);

CREATE TABLE public.brand_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  changed_by uuid REFERENCES auth.users(id),
  change jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 3. Media management (three overlapping asset tables: consolidation candidates)
------------------------------------------------------------------------------------------
CREATE TABLE public.media_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES public.tenants(id),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  category text,
  filename text NOT NULL,
  mime_type text,
  path text NOT NULL,
  size_bytes bigint NOT NULL,
  hash text UNIQUE,
  metadata jsonb DEFAULT '{}'::jsonb,
  variants jsonb DEFAULT '[]'::jsonb,
  used_in text[] DEFAULT ARRAY[]::text[],
  usage_count integer NOT NULL DEFAULT 0,
  last_used timestamptz,
  status text DEFAULT 'active',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_media_assets_brand_id ON public.media_assets (brand_id);
CREATE INDEX idx_media_assets_metadata ON public.media_assets USING gin (metadata);

CREATE TABLE public.brand_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  filename text NOT NULL,
  mime_type text,
  path text NOT NULL,
  size_bytes bigint,
  metadata jsonb DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  brand_id uuid REFERENCES public.brands(id),
  filename text NOT NULL,
  mime_type text,
  path text NOT NULL,
  size_bytes bigint,
  content jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_assets_workspace_id ON public.assets (workspace_id);

-- PROBLEM: no workspace_id (its parent assets has one), RLS off.
CREATE TABLE public.asset_approvals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES public.assets(id) ON DELETE CASCADE,
  approver_id uuid REFERENCES auth.users(id),
  state public.approval_state NOT NULL DEFAULT 'pending',
  notes text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.media_usage_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES public.media_assets(id) ON DELETE CASCADE,
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  used_in text NOT NULL,
  used_by_user uuid REFERENCES auth.users(id),
  context jsonb DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.storage_quotas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL UNIQUE REFERENCES public.brands(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES public.tenants(id),
  limit_bytes bigint NOT NULL DEFAULT 5368709120,
  used_bytes bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 4. Content & scheduling
------------------------------------------------------------------------------------------
CREATE TABLE public.content_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  type text NOT NULL,
  title text,
  content jsonb NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  platform text,
  scheduled_for timestamptz,
  published_at timestamptz,
  approval_required boolean DEFAULT true,
  approved_by uuid REFERENCES auth.users(id),
  approved_at timestamptz,
  generated_by_agent text,
  media_urls text[],
  is_deleted boolean NOT NULL DEFAULT false,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_content_items_brand_id ON public.content_items (brand_id);

-- PROBLEM: an older duplicate of content_items.
CREATE TABLE public.content (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  type text NOT NULL,
  title text,
  body jsonb,
  status text DEFAULT 'draft',
  platform text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.scheduled_content (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  content_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  scheduled_at timestamptz NOT NULL,
  platforms text[] NOT NULL,
  status text NOT NULL DEFAULT 'scheduled',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (content_id, scheduled_at)
);

CREATE TABLE public.strategy_briefs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  title text NOT NULL,
  brief jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by uuid REFERENCES auth.users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.content_packages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  brief_id uuid REFERENCES public.strategy_briefs(id) ON DELETE SET NULL,
  items jsonb NOT NULL DEFAULT '[]'::jsonb,
  status text NOT NULL DEFAULT 'draft',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 5. Publishing & OAuth (new connector infrastructure beside its legacy twins)
------------------------------------------------------------------------------------------
-- PROBLEM: tenant_id references the users table, not tenants.
CREATE TABLE public.connector_platforms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES auth.users(id),
  platform_name varchar(50) NOT NULL UNIQUE,
  is_enabled boolean NOT NULL DEFAULT false,
  api_version varchar(20) NOT NULL DEFAULT 'v1',
  rate_limit_requests int NOT NULL DEFAULT 60,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT valid_platform CHECK (platform_name IN ('meta', 'linkedin', 'tiktok', 'gbp', 'mailchimp'))
);

CREATE TABLE public.connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  platform_id uuid NOT NULL REFERENCES public.connector_platforms(id) ON DELETE CASCADE,
  platform_user_id varchar(255) NOT NULL,
  platform_account_id varchar(255),
  display_name varchar(255) NOT NULL,
  status varchar(50) NOT NULL DEFAULT 'active',
  health_status varchar(50) NOT NULL DEFAULT 'healthy',
  token_expires_at timestamptz,
  scopes text[],
  metadata jsonb DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, platform_id, platform_account_id)
);

-- PROBLEM: secrets with RLS off.
CREATE TABLE public.encrypted_secrets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES public.connections(id) ON DELETE CASCADE,
  secret_type varchar(100) NOT NULL,
  secret_name varchar(255) NOT NULL,
  encrypted_value text NOT NULL,
  iv varchar(255) NOT NULL,
  auth_tag varchar(255) NOT NULL,
  rotated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.publish_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  connection_id uuid NOT NULL REFERENCES public.connections(id) ON DELETE CASCADE,
  idempotency_key uuid NOT NULL DEFAULT gen_random_uuid(),
  content_type varchar(50) NOT NULL,
  body text NOT NULL,
  media_urls text[],
  scheduled_for timestamptz,
  status varchar(50) NOT NULL DEFAULT 'pending',
  attempt_count int NOT NULL DEFAULT 0,
  error_history jsonb DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by varchar(255),
  UNIQUE (connection_id, idempotency_key)
);

-- Legacy twins, to be migrated into connections / publish_jobs.
-- PROBLEM: OAuth tokens in plain columns, RLS off.
CREATE TABLE public.platform_connections (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES public.tenants(id),
  platform varchar(50) NOT NULL,
  account_id varchar(255) NOT NULL,
  access_token text NOT NULL,
  refresh_token text,
  token_expires_at timestamptz,
  status varchar(20) NOT NULL DEFAULT 'connected',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (brand_id, platform)
);

CREATE TABLE public.publishing_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES public.tenants(id),
  content jsonb NOT NULL,
  platforms text[] NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'pending',
  scheduled_at timestamptz,
  retry_count integer DEFAULT 0,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.publishing_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id uuid NOT NULL REFERENCES public.publishing_jobs(id) ON DELETE CASCADE,
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  platform varchar(50) NOT NULL,
  status varchar(20) NOT NULL,
  platform_post_id varchar(255),
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.platform_sync_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  platform varchar(50) NOT NULL,
  sync_type varchar(50) NOT NULL,
  status varchar(20) NOT NULL,
  items_synced integer DEFAULT 0,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PROBLEM: content_item_id looks like a reference but has no foreign key.
CREATE TABLE public.social_posts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  content_item_id uuid,
  platform varchar(50) NOT NULL,
  platform_post_id varchar(255),
  posted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.platform_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  platform varchar(50) NOT NULL,
  rating smallint,
  review_text text,
  created_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 6. Analytics & events
------------------------------------------------------------------------------------------
CREATE TABLE public.analytics_metrics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES public.tenants(id),
  platform varchar(50) NOT NULL,
  post_id varchar(255),
  date date NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (brand_id, platform, post_id, date)
);

CREATE TABLE public.analytics_sync_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  platform varchar(50) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'pending',
  items_synced integer DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PROBLEM: RLS enabled but no policy: nobody but the owner can read it.
CREATE TABLE public.analytics_goals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  metric varchar(100) NOT NULL,
  target double precision NOT NULL,
  current double precision DEFAULT 0,
  deadline timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PROBLEM: an event log that grows forever: int4 serial near its limit, dual scoping,
-- not partitioned, no index on created_at.
CREATE TABLE public.kernel_events (
  id serial PRIMARY KEY,
  event_type text NOT NULL,
  tenant_id uuid,
  workspace_id uuid,
  payload jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT setval('public.kernel_events_id_seq', 1900000000);


-- Done right: a partitioned request log.
CREATE TABLE public.api_logs (
  id bigint GENERATED ALWAYS AS IDENTITY,
  workspace_id uuid NOT NULL,
  endpoint text NOT NULL,
  status_code smallint NOT NULL,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE public.api_logs_2026_01 PARTITION OF public.api_logs
  FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE public.api_logs_2026_02 PARTITION OF public.api_logs
  FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE INDEX idx_api_logs_workspace_created ON public.api_logs (workspace_id, created_at DESC);

------------------------------------------------------------------------------------------
-- 7. Approvals & workflows
------------------------------------------------------------------------------------------
CREATE TABLE public.post_approvals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  content_id uuid NOT NULL REFERENCES public.content_items(id) ON DELETE CASCADE,
  state public.approval_state NOT NULL DEFAULT 'pending',
  reviewer_id uuid REFERENCES auth.users(id),
  comment text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.approval_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  requested_by uuid REFERENCES auth.users(id),
  subject_type text NOT NULL,
  subject_id uuid NOT NULL,
  state public.approval_state NOT NULL DEFAULT 'pending',
  due_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.workflow_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid REFERENCES public.tenants(id),
  name text NOT NULL,
  steps jsonb NOT NULL DEFAULT '[]'::jsonb,
  is_public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.workflow_instances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_id uuid NOT NULL REFERENCES public.workflow_templates(id),
  brand_id uuid NOT NULL REFERENCES public.brands(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'running',
  current_step integer NOT NULL DEFAULT 0,
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE TABLE public.workflow_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  instance_id uuid NOT NULL REFERENCES public.workflow_instances(id) ON DELETE CASCADE,
  recipient_id uuid REFERENCES auth.users(id),
  channel text NOT NULL,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PROBLEM: two tables for one concept (automation_workflows vs workflow_definitions).
CREATE TABLE public.automation_workflows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  trigger_type text NOT NULL,
  definition jsonb NOT NULL,
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_automation_workflows_workspace_id ON public.automation_workflows (workspace_id);

CREATE TABLE public.workflow_definitions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  trigger_type text,
  definition jsonb NOT NULL,
  is_active boolean DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 8. Compliance & audit
------------------------------------------------------------------------------------------
-- PROBLEM: audit_log and audit_logs; the legacy one has no primary key and RLS off.
CREATE TABLE public.audit_log (
  user_id uuid,
  action text NOT NULL,
  details jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.audit_logs (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id uuid REFERENCES public.workspaces(id) ON DELETE SET NULL,
  user_id uuid REFERENCES auth.users(id),
  action text NOT NULL,
  resource_type text,
  resource_id uuid,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip_address inet,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_audit_logs_workspace_created ON public.audit_logs (workspace_id, created_at DESC);

CREATE TABLE public.security_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES auth.users(id),
  event_type text NOT NULL,
  severity text NOT NULL DEFAULT 'info',
  details jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- PROBLEM: failed_attempts and failed_login_attempts record the same thing.
CREATE TABLE public.failed_attempts (
  email text NOT NULL,
  ip_address inet,
  attempted_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.failed_login_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  ip_address inet,
  user_agent text,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_failed_login_attempts_email ON public.failed_login_attempts (email, attempted_at DESC);

CREATE TABLE public.consent_records (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  purpose text NOT NULL,
  granted boolean NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz
);

CREATE TABLE public.data_subject_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid REFERENCES auth.users(id) ON DELETE SET NULL,
  request_type text NOT NULL CHECK (request_type IN ('access', 'erasure', 'rectification', 'portability')),
  status text NOT NULL DEFAULT 'open',
  received_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);

CREATE TABLE public.webhook_events (
  id text PRIMARY KEY,
  source text NOT NULL,
  payload jsonb NOT NULL,
  processed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 9. CRM & leads
------------------------------------------------------------------------------------------
CREATE TABLE public.clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  company_name text NOT NULL,
  contact_name text,
  contact_email text,
  phone text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'deleted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_clients_workspace_status ON public.clients (workspace_id, status);
CREATE INDEX idx_clients_user_id ON public.clients (user_id);
CREATE TRIGGER update_clients_updated_at BEFORE UPDATE ON public.clients
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

CREATE TABLE public.leads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  email text,
  first_name text,
  last_name text,
  status public.lead_status NOT NULL DEFAULT 'new',
  score integer,
  tags text[],
  company_data jsonb,
  contact_data jsonb,
  source text,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- PROBLEM: the same index twice, and no composite (workspace_id, status) index.
CREATE INDEX idx_leads_workspace ON public.leads (workspace_id);
CREATE INDEX idx_leads_workspace_id ON public.leads (workspace_id);
CREATE INDEX idx_leads_contact_data ON public.leads USING gin (contact_data);

CREATE TABLE public.lead_activities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  lead_id uuid NOT NULL REFERENCES public.leads(id) ON DELETE CASCADE,
  activity_type text NOT NULL,
  details jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_lead_activities_lead_id ON public.lead_activities (lead_id, occurred_at DESC);

CREATE TABLE public.deals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  client_id uuid REFERENCES public.clients(id) ON DELETE SET NULL,
  owner_id uuid REFERENCES auth.users(id),
  title text NOT NULL,
  stage text NOT NULL DEFAULT 'prospecting',
  value numeric(12, 2),
  probability integer CHECK (probability >= 0 AND probability <= 100),
  tags text[],
  expected_close_date date,
  actual_close_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- PROBLEM: idx_deals_workspace is covered by idx_deals_workspace_stage.
CREATE INDEX idx_deals_workspace ON public.deals (workspace_id);
CREATE INDEX idx_deals_workspace_stage ON public.deals (workspace_id, stage, value DESC);
CREATE TRIGGER update_deals_updated_at BEFORE UPDATE ON public.deals
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();
-- PROBLEM: added NOT VALID and never validated.
ALTER TABLE public.deals ADD CONSTRAINT positive_value CHECK (value >= 0) NOT VALID;

CREATE TABLE public.activities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  deal_id uuid REFERENCES public.deals(id) ON DELETE CASCADE,
  client_id uuid REFERENCES public.clients(id) ON DELETE CASCADE,
  type text NOT NULL,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.meetings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  client_id uuid REFERENCES public.clients(id) ON DELETE SET NULL,
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  attendees text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.emails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  client_id uuid REFERENCES public.clients(id) ON DELETE SET NULL,
  subject text,
  from_email public.email_address NOT NULL,
  to_email text[] NOT NULL,
  cc_email text[],
  bcc_email text[],
  labels text[],
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_emails_user_id ON public.emails (user_id);
CREATE INDEX idx_emails_labels ON public.emails USING gin (labels);

-- PROBLEM: deal_id looks like a reference but has no foreign key.
CREATE TABLE public.tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  deal_id uuid,
  assignee_id uuid REFERENCES auth.users(id),
  title text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  due_date date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_tasks_workspace_status_due ON public.tasks (workspace_id, status, due_date);

-- PROBLEM: dual scoping on the CMO tables.
CREATE TABLE public.cmo_campaigns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid,
  tenant_id uuid,
  campaign_name text NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  channels text[],
  budget numeric(12, 2),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.cmo_content_assets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES public.cmo_campaigns(id) ON DELETE CASCADE,
  workspace_id uuid,
  tenant_id uuid,
  title text NOT NULL,
  content jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.campaign_metrics (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  campaign_id uuid NOT NULL REFERENCES public.cmo_campaigns(id) ON DELETE CASCADE,
  impressions bigint NOT NULL DEFAULT 0,
  clicks bigint NOT NULL DEFAULT 0,
  conversions bigint NOT NULL DEFAULT 0,
  revenue numeric(12, 2),
  cost numeric(12, 2),
  last_synced_at timestamptz,
  CONSTRAINT positive_metrics CHECK (impressions >= 0 AND clicks >= 0 AND conversions >= 0)
);

CREATE TABLE public.campaigns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'draft',
  starts_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Done right: the composite index the seeds recommend.
CREATE INDEX idx_campaigns_workspace_status ON public.campaigns (workspace_id, status);

-- PROBLEM: a job queue without the partial processing index.
CREATE TABLE public.channel_outbox (
  id bigserial PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  channel text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending',
  scheduled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.cro_forecasts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  period text NOT NULL,
  scenario text NOT NULL,
  forecast_new_arr numeric(14, 2),
  confidence numeric(5, 2),
  created_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- 10. Notifications & billing
------------------------------------------------------------------------------------------
-- PROBLEM: no workspace_id; an always-true INSERT policy.
CREATE TABLE public.notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
  title text NOT NULL,
  body text,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_notifications_user_id ON public.notifications (user_id, created_at DESC);

CREATE TABLE public.notification_preferences (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL UNIQUE REFERENCES auth.users(id) ON DELETE CASCADE,
  email_enabled boolean NOT NULL DEFAULT true,
  push_enabled boolean NOT NULL DEFAULT false,
  digest text NOT NULL DEFAULT 'daily',
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.subscription_plans (
  id text PRIMARY KEY,
  name text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  features jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_active boolean NOT NULL DEFAULT true
);

CREATE TABLE public.stripe_customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL UNIQUE REFERENCES public.workspaces(id) ON DELETE CASCADE,
  stripe_customer_id text NOT NULL UNIQUE,
  plan_id text REFERENCES public.subscription_plans(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.billing_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  event_type text NOT NULL,
  amount_cents integer,
  stripe_event_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.credit_usage (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users(id),
  action text NOT NULL,
  credits integer NOT NULL CHECK (credits > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_credit_usage_workspace_created ON public.credit_usage (workspace_id, created_at DESC);

CREATE TABLE public.export_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES public.workspaces(id) ON DELETE CASCADE,
  requested_by uuid REFERENCES auth.users(id),
  status public.export_status NOT NULL DEFAULT 'pending',
  file_path text,
  created_at timestamptz NOT NULL DEFAULT now()
);

------------------------------------------------------------------------------------------
-- Views
------------------------------------------------------------------------------------------
-- PROBLEM: a view without security_invoker runs as its owner and bypasses RLS.
CREATE VIEW public.client_summary AS
SELECT c.id, c.user_id, c.company_name, c.contact_name,
       count(d.id) AS deal_count, coalesce(sum(d.value), 0) AS pipeline_value
FROM public.clients c
LEFT JOIN public.deals d ON d.client_id = c.id
GROUP BY c.id;

-- Done right (security_invoker.sql sets security_invoker, where the server has it).
CREATE VIEW public.pipeline_summary AS
SELECT d.workspace_id, d.stage, count(*) AS deals, sum(d.value) AS total_value
FROM public.deals d
GROUP BY d.workspace_id, d.stage;

-- PROBLEM: a view over auth.users in an exposed schema.
CREATE VIEW public.user_directory AS
SELECT u.id, u.email, p.display_name, p.avatar_url
FROM auth.users u
LEFT JOIN public.profiles p ON p.id = u.id;

CREATE VIEW public.leads_active AS
SELECT * FROM public.leads WHERE deleted_at IS NULL;

-- PROBLEM: a materialized view readable by the API roles (no RLS on matviews).
CREATE MATERIALIZED VIEW public.mv_campaign_performance AS
SELECT c.workspace_id, c.id AS campaign_id, c.campaign_name, c.status,
       cm.impressions, cm.clicks, cm.conversions, cm.revenue, cm.cost,
       CASE WHEN cm.cost > 0 THEN cm.revenue / cm.cost ELSE 0 END AS roi
FROM public.cmo_campaigns c
LEFT JOIN public.campaign_metrics cm ON cm.campaign_id = c.id
WHERE c.status IN ('active', 'completed');
CREATE UNIQUE INDEX ON public.mv_campaign_performance (campaign_id);

------------------------------------------------------------------------------------------
-- Row-level security
------------------------------------------------------------------------------------------
ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members read their tenant" ON public.tenants FOR SELECT TO authenticated
  USING ((SELECT public.is_tenant_member(id)));

ALTER TABLE public.workspaces ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace_select" ON public.workspaces FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(id)));

ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "profiles are public" ON public.profiles FOR SELECT TO anon, authenticated USING (true);
CREATE POLICY "users update own profile" ON public.profiles FOR UPDATE TO authenticated
  USING ((SELECT auth.uid()) = id) WITH CHECK ((SELECT auth.uid()) = id);

ALTER TABLE public.workspace_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see co-members" ON public.workspace_members FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.tenant_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see their memberships" ON public.tenant_members FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));

ALTER TABLE public.user_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own settings" ON public.user_settings FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

ALTER TABLE public.brands ENABLE ROW LEVEL SECURITY;
CREATE POLICY "brand members read" ON public.brands FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.brand_members bm WHERE bm.brand_id = brands.id AND bm.user_id = (SELECT auth.uid())));
-- PROBLEM: trusts user_metadata, which users can edit themselves.
CREATE POLICY "admins manage brands" ON public.brands FOR ALL TO authenticated
  USING ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');

ALTER TABLE public.brand_members ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own memberships" ON public.brand_members FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));

ALTER TABLE public.media_assets ENABLE ROW LEVEL SECURITY;
CREATE POLICY "brand isolation" ON public.media_assets FOR ALL TO authenticated
  USING (EXISTS (SELECT 1 FROM public.brand_members bm WHERE bm.brand_id = media_assets.brand_id AND bm.user_id = (SELECT auth.uid())))
  WITH CHECK (EXISTS (SELECT 1 FROM public.brand_members bm WHERE bm.brand_id = media_assets.brand_id AND bm.user_id = (SELECT auth.uid())));

ALTER TABLE public.assets ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace_isolation" ON public.assets FOR ALL TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.storage_quotas ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.analytics_goals ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.content_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY "brand members read content" ON public.content_items FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.brand_members bm WHERE bm.brand_id = content_items.brand_id AND bm.user_id = (SELECT auth.uid())));
-- PROBLEM: a write policy with no WITH CHECK.
CREATE POLICY "brand members update content" ON public.content_items FOR UPDATE TO authenticated
  USING (EXISTS (SELECT 1 FROM public.brand_members bm WHERE bm.brand_id = content_items.brand_id AND bm.user_id = (SELECT auth.uid())));

ALTER TABLE public.connections ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own connections" ON public.connections FOR ALL TO authenticated
  USING (tenant_id = (SELECT auth.uid())) WITH CHECK (tenant_id = (SELECT auth.uid()));

ALTER TABLE public.publish_jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own publish jobs" ON public.publish_jobs FOR ALL TO authenticated
  USING (tenant_id = (SELECT auth.uid())) WITH CHECK (tenant_id = (SELECT auth.uid()));

-- PROBLEM: a policy on a table whose RLS is off, so it does nothing.
CREATE POLICY "brand isolation" ON public.publishing_jobs FOR ALL TO authenticated
  USING (brand_id IN (SELECT bm.brand_id FROM public.brand_members bm WHERE bm.user_id = (SELECT auth.uid())));

ALTER TABLE public.clients ENABLE ROW LEVEL SECURITY;
-- PROBLEM: auth.uid() evaluated once per row instead of once per statement.
CREATE POLICY "users_own_clients" ON public.clients FOR ALL TO authenticated
  USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

ALTER TABLE public.deals ENABLE ROW LEVEL SECURITY;
-- PROBLEM: two permissive SELECT policies for the same role, both evaluated for every row.
CREATE POLICY "workspace members read deals" ON public.deals FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));
CREATE POLICY "owners read deals" ON public.deals FOR SELECT TO authenticated
  USING (owner_id = (SELECT auth.uid()));
CREATE POLICY "workspace members write deals" ON public.deals FOR INSERT TO authenticated
  WITH CHECK ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace_select" ON public.leads FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));
CREATE POLICY "workspace_insert" ON public.leads FOR INSERT TO authenticated
  WITH CHECK ((SELECT public.user_has_workspace_access(workspace_id)));
CREATE POLICY "workspace_update" ON public.leads FOR UPDATE TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)))
  WITH CHECK ((SELECT public.user_has_workspace_access(workspace_id)));
CREATE POLICY "workspace_delete" ON public.leads FOR DELETE TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.lead_activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY "via lead" ON public.lead_activities FOR SELECT TO authenticated
  USING (EXISTS (SELECT 1 FROM public.leads l WHERE l.id = lead_id));

ALTER TABLE public.activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own activities" ON public.activities FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

ALTER TABLE public.meetings ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own meetings" ON public.meetings FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

ALTER TABLE public.emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own emails" ON public.emails FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace tasks" ON public.tasks FOR ALL TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)))
  WITH CHECK ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.campaigns ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace campaigns" ON public.campaigns FOR ALL TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)))
  WITH CHECK ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own notifications" ON public.notifications FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));
-- PROBLEM: anyone may insert notifications for anyone.
CREATE POLICY "anyone can notify" ON public.notifications FOR INSERT TO anon, authenticated
  WITH CHECK (true);

ALTER TABLE public.notification_preferences ENABLE ROW LEVEL SECURITY;
CREATE POLICY "own preferences" ON public.notification_preferences FOR ALL TO authenticated
  USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));

ALTER TABLE public.subscription_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY "plans are public" ON public.subscription_plans FOR SELECT TO anon, authenticated USING (is_active);

ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace audit" ON public.audit_logs FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.consent_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.consent_records FORCE ROW LEVEL SECURITY;
CREATE POLICY "own consents" ON public.consent_records FOR SELECT TO authenticated
  USING (user_id = (SELECT auth.uid()));

ALTER TABLE public.credit_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace credits" ON public.credit_usage FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.billing_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY "workspace billing" ON public.billing_events FOR SELECT TO authenticated
  USING ((SELECT public.user_has_workspace_access(workspace_id)));

ALTER TABLE public.stripe_customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY "service role only" ON public.stripe_customers FOR ALL TO service_role
  USING (true) WITH CHECK (true);

------------------------------------------------------------------------------------------
-- Grants, as Supabase gives them: the API roles can reach every table in public,
-- and RLS is what is supposed to stop them.
------------------------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO anon, authenticated, service_role;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO anon, authenticated, service_role;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO anon, authenticated, service_role;

COMMENT ON TABLE public.leads IS 'Most-queried table: filtered by workspace_id and status on every dashboard load.';
COMMENT ON COLUMN public.leads.score IS 'Lead score, 0-100.';
COMMENT ON TABLE public.kernel_events IS 'Append-only event log; grows forever.';
