-- The table as the first releases created it (IF NOT EXISTS: their files already have it).
CREATE TABLE IF NOT EXISTS contexts (
    key TEXT PRIMARY KEY,
    competition TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
    title TEXT,
    error TEXT,
    pid INTEGER,
    owner TEXT,
    started_at REAL NOT NULL,
    finished_at REAL,
    toon TEXT,
    data TEXT,
    built_at REAL
);
CREATE INDEX IF NOT EXISTS contexts_by_competition ON contexts (competition, started_at);
