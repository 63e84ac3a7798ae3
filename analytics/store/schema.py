"""The database schema: the tables of a new file, and the migrations that bring an older file up to date.

Grain of each table is in its comment or in the module that writes it. ``SCHEMA_VERSION`` is the version a
file has after every migration; ``analytics.store.connection`` applies them, all in one transaction.
"""
from __future__ import annotations

SCHEMA_VERSION = 13

# Money is exact: amounts and quotas are DECIMAL with 4 decimals (enough for every currency's minor unit),
# conversion rates DECIMAL with 10. Sums of DECIMAL are exact, so a report of the same data is the same to the
# byte whatever order DuckDB's threads add the rows in. The importer refuses larger values (a bad cell).
MONEY = "DECIMAL(20,4)"
RATE = "DECIMAL(18,10)"
MAX_AMOUNT = 10 ** 15      # amounts and quotas are below this (16 integer digits fit MONEY)
MAX_RATE = 10 ** 6         # a conversion rate is below this
EXACT = "DECIMAL(38,8)"    # a money product with a DOUBLE (value x probability) is rounded to this before a sum


# Fields the importer maps and stores in deal_attributes under a reserved attribute name (a field kept without
# a column of its own, so without a schema change). An export's own extra columns are stored under their header,
# never under a reserved name (analytics.ingest.mapping leaves such a header out). One row per (import, deal),
# value NULL when the cell is blank. LOSS_REASON_ATTRIBUTE: why a lost deal was lost ("Closed lost reason"…).
LOSS_REASON_ATTRIBUTE = "pulse:loss_reason"
RESERVED_ATTRIBUTES = (LOSS_REASON_ATTRIBUTE,)


def money_sum(expression: str) -> str:
    """SQL: the exact sum of a money expression, e.g. ``money_sum("value * p")`` for the weighted pipeline.

    ``expression`` is SQL written in the code (never user text). A product of money and a DOUBLE probability is
    rounded to 8 decimals per row, then added exactly, so the total does not depend on the order of the rows.
    """
    return f"sum(CAST({expression} AS {EXACT}))"

SCHEMA_V1 = """
CREATE TABLE meta (schema_version INTEGER NOT NULL, data_version BIGINT NOT NULL);
CREATE SEQUENCE import_ids START 1;
CREATE TABLE imports (
    import_id BIGINT PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    snapshot_on DATE NOT NULL, rows_imported INTEGER NOT NULL, rows_rejected INTEGER NOT NULL,
    mapping TEXT, is_partial BOOLEAN NOT NULL DEFAULT FALSE, is_sample BOOLEAN NOT NULL DEFAULT FALSE,
    details TEXT, imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE deal_snapshots (
    import_id BIGINT NOT NULL, snapshot_on DATE NOT NULL, row_number INTEGER, deal_id TEXT NOT NULL,
    name TEXT, pipeline TEXT NOT NULL, stage TEXT NOT NULL, status_raw TEXT, amount DOUBLE, currency TEXT,
    owner TEXT, created_on DATE, close_on DATE, probability DOUBLE, forecast_category TEXT
);
CREATE TABLE deal_stage_dates (
    import_id BIGINT NOT NULL, deal_id TEXT NOT NULL, pipeline TEXT NOT NULL, stage TEXT NOT NULL,
    entered_on DATE NOT NULL
);
CREATE TABLE deal_attributes (
    import_id BIGINT NOT NULL, deal_id TEXT NOT NULL, attribute TEXT NOT NULL, value TEXT
);
CREATE TABLE stages (
    pipeline TEXT NOT NULL, stage TEXT NOT NULL, position INTEGER NOT NULL, probability DOUBLE,
    outcome TEXT NOT NULL CHECK (outcome IN ('open', 'won', 'lost')), source TEXT,
    PRIMARY KEY (pipeline, stage)
);
CREATE TABLE survey_responses (
    import_id BIGINT NOT NULL, response_no INTEGER NOT NULL, wave_label TEXT, responded_on DATE,
    enps DOUBLE, enps_scale TEXT
);
CREATE TABLE survey_groups (
    import_id BIGINT NOT NULL, response_no INTEGER NOT NULL, dimension TEXT NOT NULL, value TEXT
);
CREATE TABLE survey_questions (
    import_id BIGINT NOT NULL, question TEXT NOT NULL, position INTEGER NOT NULL,
    scale_min INTEGER NOT NULL, scale_max INTEGER NOT NULL, is_reverse BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE survey_answers (
    import_id BIGINT NOT NULL, response_no INTEGER NOT NULL, question TEXT NOT NULL, value DOUBLE NOT NULL
);
CREATE TABLE survey_comments (
    import_id BIGINT NOT NULL, response_no INTEGER NOT NULL, question TEXT NOT NULL, comment TEXT NOT NULL
);
CREATE TABLE one_on_ones (
    import_id BIGINT NOT NULL, manager TEXT NOT NULL, employee TEXT NOT NULL, met_on DATE NOT NULL,
    duration_minutes DOUBLE
);
CREATE TABLE saved_mappings (
    signature TEXT PRIMARY KEY, kind TEXT NOT NULL, mapping TEXT NOT NULL,
    saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE fx_rates (currency TEXT PRIMARY KEY, rate DOUBLE NOT NULL CHECK (rate > 0));
INSERT INTO meta VALUES (1, 0);
"""

# Stage-history imports (Salesforce OpportunityHistory): one row per recorded change of a deal. Part of the
# base schema too (tests and new files build it at once), hence IF NOT EXISTS in its migration.
STAGE_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS deal_stage_history (
    import_id BIGINT NOT NULL, deal_id TEXT NOT NULL, stage TEXT NOT NULL, from_stage TEXT,
    changed_on DATE NOT NULL, amount DOUBLE, close_on DATE, probability DOUBLE
);
"""
SCHEMA_V1 += STAGE_HISTORY_DDL

# Migrations from version N to N + 1, applied in order inside one transaction.
MIGRATIONS: dict[int, str] = {
    1: STAGE_HISTORY_DDL,  # 1 -> 2: deal_stage_history
    # 2 -> 3: sales quotas per period ('YYYY-MM', 'YYYY-Qn' or 'YYYY'; owner NULL = the team's) and named
    # what-if scenarios of the Forecast page (params = JSON of analytics.sales.scenarios.Scenario).
    2: """
CREATE TABLE IF NOT EXISTS quotas (period TEXT NOT NULL, owner TEXT, amount DOUBLE NOT NULL CHECK (amount >= 0));
CREATE TABLE IF NOT EXISTS scenarios (
    name TEXT PRIMARY KEY, params TEXT NOT NULL, saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
""",
    # 3 -> 4: every deal's current state (its latest snapshot row, dropped or not), rebuilt by each deals import
    # and deletion (analytics.store.derived.refresh_current); empty until the next one, the metrics then compute it.
    3: """
CREATE TABLE IF NOT EXISTS deal_current (
    import_id BIGINT, snapshot_on DATE, deal_id TEXT, name TEXT, pipeline TEXT, stage TEXT, status_raw TEXT,
    amount DOUBLE, currency TEXT, owner TEXT, created_on DATE, close_on DATE, probability DOUBLE,
    forecast_category TEXT, is_dropped BOOLEAN
);
CREATE TABLE IF NOT EXISTS deal_current_meta (fingerprint TEXT);
""",
    # 4 -> 5: money is exact (see MONEY above). An amount too large for MONEY, which the importer never let in
    # since, becomes blank (left out of value sums, like any blank amount).
    4: f"""
ALTER TABLE deal_snapshots ALTER COLUMN amount SET DATA TYPE {MONEY} USING TRY_CAST(amount AS {MONEY});
ALTER TABLE deal_stage_history ALTER COLUMN amount SET DATA TYPE {MONEY} USING TRY_CAST(amount AS {MONEY});
ALTER TABLE deal_current ALTER COLUMN amount SET DATA TYPE {MONEY} USING TRY_CAST(amount AS {MONEY});
CREATE TABLE quotas_v5 (period TEXT NOT NULL, owner TEXT, amount {MONEY} NOT NULL CHECK (amount >= 0));
INSERT INTO quotas_v5 SELECT period, owner, amount FROM quotas;
DROP TABLE quotas;
ALTER TABLE quotas_v5 RENAME TO quotas;
CREATE TABLE fx_rates_v5 (currency TEXT PRIMARY KEY, rate {RATE} NOT NULL CHECK (rate > 0));
INSERT INTO fx_rates_v5 SELECT currency, rate FROM fx_rates;
DROP TABLE fx_rates;
ALTER TABLE fx_rates_v5 RENAME TO fx_rates;
""",
    # 5 -> 6: forecast calls, sales teams and survey headcounts (what people type or import beside the exports).
    # forecast_calls — grain: one row per submission; a call is never overwritten: the call of a week for
    #   (level, name, period) is its latest submission that week (week_of = the Monday of submitted_on's week).
    #   level 'owner' = a rep's call (name = owner as in the deals), 'team' = a manager's call for a team.
    # sales_teams — grain: one row per owner: the team (and its manager) the owner's calls roll up to.
    # headcount — grain: one row per group and wave: how many people a group holds (groups = JSON object
    #   {dimension: value}, '{}' = everyone; wave NULL = every wave); import_id NULL = typed in Settings.
    5: f"""
CREATE TABLE IF NOT EXISTS forecast_calls (
    level TEXT NOT NULL CHECK (level IN ('owner', 'team')), name TEXT NOT NULL, period TEXT NOT NULL,
    commit_amount {MONEY} CHECK (commit_amount >= 0), best_case {MONEY} CHECK (best_case >= 0),
    submitted_on DATE NOT NULL, week_of DATE NOT NULL, source TEXT NOT NULL DEFAULT 'app',
    submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS sales_teams (owner TEXT PRIMARY KEY, team TEXT NOT NULL, manager TEXT);
CREATE TABLE IF NOT EXISTS headcount (
    import_id BIGINT, wave TEXT, groups TEXT NOT NULL, headcount INTEGER NOT NULL CHECK (headcount >= 0)
);
""",
    # 6 -> 7: deal_versions — grain: one row per deal snapshot row (deal x import), as imported, plus valid_until
    #   (the date of the deal's next row, NULL while latest) and dropped_on (the first date of a later full export
    #   of its pipeline, NULL while none): the state of every deal as of any date is a filter on it. Maintained by
    #   each deals import and deletion (analytics.store.derived.refresh_versions); built when the file is upgraded.
    # movement_weekly — grain: one row per snapshot date x (pipeline, stage, status_raw, currency) of the deals
    #   present then x where they stood at the previous snapshot date (from_pipeline, from_stage, from_status_raw,
    #   in_before): deals, amount sums (see analytics.store.derived); the weekly trend reads it.
    6: f"""
CREATE TABLE IF NOT EXISTS deal_versions (
    import_id BIGINT, snapshot_on DATE, deal_id TEXT, name TEXT, pipeline TEXT, stage TEXT, status_raw TEXT,
    amount {MONEY}, currency TEXT, owner TEXT, created_on DATE, close_on DATE, probability DOUBLE,
    forecast_category TEXT, valid_until DATE, dropped_on DATE
);
CREATE TABLE IF NOT EXISTS deal_versions_meta (fingerprint TEXT);
CREATE TABLE IF NOT EXISTS movement_weekly (
    snapshot_on DATE, previous_on DATE, pipeline TEXT, stage TEXT, status_raw TEXT, currency TEXT,
    from_pipeline TEXT, from_stage TEXT, from_status_raw TEXT, in_before BOOLEAN, deals BIGINT,
    amount_total DECIMAL(38,4), amount_no_p DECIMAL(38,4), amount_p DOUBLE
);
CREATE TABLE IF NOT EXISTS movement_weekly_meta (fingerprint TEXT);
""",
    # 7 -> 8: the tables derived for the pages' speed (issue 16), one block per page.
    7: (
        # --- Pipeline page: deal_stage_entries — grain: one row per (deal_id, pipeline, stage) seen in a snapshot
        #   or dated by a "Date entered" column: seen_on (first snapshot showing it), dated_on (entry date of the
        #   newest import giving one); see analytics.store.derived. Built when an existing file is upgraded, then
        #   kept by each deals import and deletion (derived.refresh_entries). deal_filter_values — grain: one row per
        #   distinct (field, attribute, value) the sidebar filters on (pipelines, owners, attribute values of every
        #   deals import; derived.refresh_filter_values). deal_changes — grain: one row per deal: first snapshot date,
        #   last snapshot date its stage or amount changed (the stale deals; derived.refresh_changes).
        """
CREATE TABLE IF NOT EXISTS deal_stage_entries (
    deal_id TEXT, pipeline TEXT, stage TEXT, seen_on DATE, dated_on DATE
);
CREATE TABLE IF NOT EXISTS deal_stage_entries_meta (fingerprint TEXT);
CREATE TABLE IF NOT EXISTS deal_filter_values (field TEXT, attribute TEXT, value TEXT);
CREATE TABLE IF NOT EXISTS deal_filter_values_meta (fingerprint TEXT);
CREATE TABLE IF NOT EXISTS deal_changes (deal_id TEXT, first_seen DATE, changed_on DATE);
CREATE TABLE IF NOT EXISTS deal_changes_meta (fingerprint TEXT);
"""
        # --- end of the Pipeline page's block
        + """
-- Priorities page. stage_reach — grain: one row per (deal_id, pipeline, stage) a snapshot showed the deal at or an
--   export gave it a "Date entered" for; first_on = the earliest such snapshot date (analytics.store.derived,
--   refresh_reach: kept by each deals import and deletion, built when the file is upgraded).
CREATE TABLE IF NOT EXISTS stage_reach (deal_id TEXT, pipeline TEXT, stage TEXT, first_on DATE);
CREATE TABLE IF NOT EXISTS stage_reach_meta (fingerprint TEXT);
-- deal_pushes — grain: one row per deal x raw stage keys of two consecutive rows of it (the earlier one's pipeline_a,
--   stage_a, status_raw_a; the later one's pipeline, stage, status_raw) x pushed (close date later): pairs = how many
--   (analytics.store.derived, refresh_pushes).
CREATE TABLE IF NOT EXISTS deal_pushes (
    deal_id TEXT, pipeline_a TEXT, stage_a TEXT, status_raw_a TEXT, pipeline TEXT, stage TEXT, status_raw TEXT,
    pushed BOOLEAN, pairs BIGINT
);
CREATE TABLE IF NOT EXISTS deal_pushes_meta (fingerprint TEXT);
-- end of the Priorities page's block
"""
        + """
-- Forecast page (accuracy of past forecasts) -- forecast_snapshots: grain: one row per snapshot date x
--   forecast month x the raw keys the settings read (pipeline, stage, status_raw, currency) x owner x is_dropped x
--   before_month, over the deals as of that date with an amount and a close date; month = the close month, or the
--   snapshot's month when earlier (before_month true): deals, amount sums (see analytics.store.derived). Built
--   when the file is upgraded, maintained by each deals import and deletion.
CREATE TABLE IF NOT EXISTS forecast_snapshots (
    snapshot_on DATE, period_start DATE, before_month BOOLEAN, pipeline TEXT, stage TEXT, status_raw TEXT,
    currency TEXT, owner TEXT, is_dropped BOOLEAN, deals BIGINT, amount_total DECIMAL(38,4),
    amount_no_p DECIMAL(38,4), amount_p DOUBLE
);
CREATE TABLE IF NOT EXISTS forecast_snapshots_meta (fingerprint TEXT);
-- end of the Forecast page's block
"""
    ),
    # 8 -> 9: more tables derived for the pages' speed at a million deals (issue 16), one block per page.
    8: (
        # --- Pipeline page: deal_stays — grain: one row per (deal, its current pipeline, open stage it has an entry
        #   for), plus one for its current stage when that is not open (position NULL), for the latest state: entry,
        #   exit, is_furthest, is_current (analytics.store.stays). Its fingerprint includes the stage settings and the
        #   stage-history imports it read; rebuilt by each deals import and deletion, stage settings save and
        #   stage-history import (derived.refresh_stays), and built when an existing file is upgraded.
        """
CREATE TABLE IF NOT EXISTS deal_stays (
    deal_id TEXT, pipeline TEXT, stage TEXT, position INTEGER, entered_on DATE, inferred BOOLEAN, exited_on DATE,
    exit_inferred BOOLEAN, is_furthest BOOLEAN, is_current BOOLEAN
);
CREATE TABLE IF NOT EXISTS deal_stays_meta (fingerprint TEXT);
"""
        # --- end of the Pipeline page's block
    ),
    # 9 -> 10: deal_outcomes — grain: one row per deal of the latest state but the dropped open ones: its outcome,
    #   last open stage reached and (closed deals) close-date pushes, what the Priorities page's score learns from and
    #   ranks, the funnel and the calibration count (analytics.store.outcomes). It shares deal_stays' fingerprint and
    #   is rebuilt with it (derived.refresh_stays), and is built when an existing file is upgraded.
    #   closed_attribute_counts — grain: one row per (extra attribute, value, pipeline, reached_position, status,
    #   close_on, currency) of its closed deals: how many, how many with an amount, the amounts' sum (the score's counts
    #   by attribute value), rebuilt with it. deal_pushes gains days, close_min and close_min_a (the Movement page's
    #   slipped close dates read from it) and is rebuilt.
    9: f"""
CREATE TABLE IF NOT EXISTS deal_outcomes (
    deal_id TEXT, import_id BIGINT, owner TEXT, pipeline TEXT, status TEXT, amount {MONEY}, currency TEXT,
    created_on DATE, close_on DATE, is_dropped BOOLEAN, reached_position INTEGER, pushes BIGINT
);
CREATE TABLE IF NOT EXISTS deal_outcomes_meta (fingerprint TEXT);
CREATE TABLE IF NOT EXISTS closed_attribute_counts (
    attribute TEXT, value TEXT, pipeline TEXT, reached_position INTEGER, status TEXT, close_on DATE, currency TEXT,
    deals BIGINT, amounts BIGINT, amount_sum DECIMAL(38,4)
);
CREATE TABLE IF NOT EXISTS closed_attribute_counts_meta (fingerprint TEXT);
ALTER TABLE deal_pushes ADD COLUMN IF NOT EXISTS days BIGINT;
ALTER TABLE deal_pushes ADD COLUMN IF NOT EXISTS close_min DATE;
ALTER TABLE deal_pushes ADD COLUMN IF NOT EXISTS close_min_a DATE;
DELETE FROM deal_pushes_meta;
""",
    # 10 -> 11: deal_stage_entries gains reached_on (the earliest snapshot date showing the key or whose import dated
    #   it), which stage_reach held for the same keys: one table of 3.4M rows fewer written by a million-deal import
    #   (issue 16). stage_reach is dropped; the entries are rebuilt when the file is upgraded.
    10: """
ALTER TABLE deal_stage_entries ADD COLUMN IF NOT EXISTS reached_on DATE;
DELETE FROM deal_stage_entries_meta;
DROP TABLE IF EXISTS stage_reach;
DROP TABLE IF EXISTS stage_reach_meta;
""",
    # 11 -> 12: movement_pairs — grain: one row per deal taking part in the movement between the two latest snapshot
    #   dates, with where it stood on each side and both sides' rows (analytics.store.movement_pairs). It shares
    #   deal_stays' fingerprint and is rebuilt with it (derived.refresh_stays), and is built when a file is upgraded.
    11: f"""
CREATE TABLE IF NOT EXISTS movement_pairs (
    deal_id TEXT, in_a BOOLEAN, open_a BOOLEAN, open_b BOOLEAN, in_b BOOLEAN, status_b TEXT, seen_after_a BOOLEAN,
    import_id BIGINT, name TEXT, owner TEXT, pipeline TEXT, pipeline_a TEXT, pipeline_b TEXT, stage_from TEXT,
    stage_to TEXT, position_a INTEGER, position_b INTEGER, close_on_from DATE, close_on_to DATE, amount_from {MONEY},
    amount_to {MONEY}, currency_a TEXT, currency_b TEXT, owner_from TEXT, owner_to TEXT, forecast_category_from TEXT,
    forecast_category_to TEXT, probability_to DOUBLE
);
CREATE TABLE IF NOT EXISTS movement_pairs_meta (fingerprint TEXT);
""",
    # 12 -> 13: headline_kpis — grain: one row per deal state of the Pipeline page's first view (the latest snapshot
    #   date's, the one before it): the headline KPIs of the whole book, all time (analytics.store.headline). Its
    #   columns are the query's own: each build replaces the table. Its fingerprint adds the stage probabilities, the
    #   reporting currency and the rates to deal_stays'; rebuilt by derived.refresh_headline (with the stays, and by the
    #   saves of the rates and the currency), and built when a file is upgraded.
    12: """
CREATE TABLE IF NOT EXISTS headline_kpis (which INTEGER);
CREATE TABLE IF NOT EXISTS headline_kpis_meta (fingerprint TEXT);
""",
}

DATA_TABLES = ("deal_snapshots", "deal_stage_dates", "deal_attributes", "deal_stage_history", "survey_responses",
               "survey_groups", "survey_questions", "survey_answers", "survey_comments", "one_on_ones",
               "headcount")
