-- One row per context key: the latest job for that key and the last good result.
-- Times are epoch seconds from the database's clock, so replicas never compare their own clocks.
CREATE TABLE kaggle_mcp_contexts (
    key text PRIMARY KEY,
    competition text NOT NULL,
    params jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    title text,
    error text,
    pid integer,
    owner text,
    started_at double precision NOT NULL,
    finished_at double precision,
    lease_until double precision,
    toon text,
    data json,
    built_at double precision
);
CREATE INDEX kaggle_mcp_contexts_by_competition ON kaggle_mcp_contexts (competition, started_at);
CREATE INDEX kaggle_mcp_contexts_processing ON kaggle_mcp_contexts (lease_until) WHERE status = 'processing';
