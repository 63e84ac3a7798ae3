"""The state of every deal at a date, built from the imported snapshots (METRICS.md sections 1-3).

``deal_state_sql(as_of)`` is the base every sales metric reads: one row per deal, its row in the
latest snapshot (on or before ``as_of``) that contains it, with its status, its effective win
probability, its stage position and its amount in the reporting currency.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from analytics import store


@dataclass(frozen=True)
class Currency:
    """How amounts are summed: ``code`` is the currency totals are in; ``rates`` converts the others."""
    code: str | None
    rates: dict[str, float]


def reporting_currency(con: duckdb.DuckDBPyConnection) -> Currency:
    """The currency every total is expressed in.

    The reporting currency set in Settings, else the most common currency among the deals
    (blank when no export named a currency). Amounts in another currency count in value sums only
    when Settings holds a rate for it; otherwise they are left out of totals, never added as-is.
    """
    chosen = str(store.get_settings(con).get("reporting_currency") or "")
    if not chosen:
        row = con.execute("SELECT currency FROM deal_snapshots WHERE currency IS NOT NULL "
                          "GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1").fetchone()
        chosen = row[0] if row else ""
    return Currency(chosen or None, store.get_fx_rates(con))


def _rate_case(currency: Currency) -> str:
    """SQL expression: the factor that converts a row's amount into the reporting currency, NULL if unknown."""
    if currency.code is None:
        return "CASE WHEN s.currency IS NULL THEN 1.0 END"
    parts = ["WHEN s.currency IS NULL THEN 1.0", f"WHEN s.currency = {_quote(currency.code)} THEN 1.0"]
    parts += [f"WHEN s.currency = {_quote(code)} THEN {float(rate)!r}"
              for code, rate in currency.rates.items() if code != currency.code]
    return "CASE " + " ".join(parts) + " END"


def _quote(text: str) -> str:
    """A SQL string literal (single quotes doubled), for values that cannot be bound in a view."""
    return "'" + str(text).replace("'", "''") + "'"


def latest_snapshot_on(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The date of the newest deals snapshot, or None when no deals were imported."""
    return con.execute("SELECT max(snapshot_on) FROM deal_snapshots").fetchone()[0]


def snapshot_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every distinct deals snapshot date, oldest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT snapshot_on FROM deal_snapshots ORDER BY 1").fetchall()]


def deal_state_sql(as_of: dt.date | None, currency: Currency) -> str:
    """SQL for one row per deal: its current state as of a date (every snapshot when ``as_of`` is None).

    Current state = the deal's row in the latest snapshot that contains it (ordered by snapshot date,
    then import). A deal absent from its pipeline's latest full (non-partial) snapshot but present
    earlier is dropped: ``is_dropped`` is true and it never counts as open (METRICS.md section 2).
    status = explicit status column, else the stage's won/lost flag, else open.
    p = exported probability, else the stage's configured probability (open deals only).
    value = amount in the reporting currency (NULL when unknown or not convertible).
    """
    return _state_sql(f"({latest_rows_sql(as_of)})", currency)


def latest_rows_sql(as_of: dt.date | None) -> str:
    """SQL for one row per deal: its row of the latest snapshot holding it (on or before ``as_of``) + is_dropped.

    This is the part of the deal state that only imports change (no stage or currency setting): stored
    for the latest date in ``deal_current`` by ``refresh_current``.
    """
    cutoff = f"WHERE s.snapshot_on <= DATE '{as_of.isoformat()}'" if as_of else ""
    return f"""
    WITH visible AS (
        SELECT s.*, i.is_partial FROM deal_snapshots s JOIN imports i USING (import_id) {cutoff}
    ),
    latest_row AS (
        SELECT * FROM visible
        QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY snapshot_on DESC, import_id DESC) = 1
    ),
    latest_full AS (
        SELECT DISTINCT pipeline, snapshot_on AS full_on, import_id AS full_id FROM visible WHERE NOT is_partial
        QUALIFY row_number() OVER (PARTITION BY pipeline ORDER BY snapshot_on DESC, import_id DESC) = 1
    )
    SELECT {CURRENT_COLUMNS},
           coalesce(f.full_on > s.snapshot_on OR (f.full_on = s.snapshot_on AND f.full_id > s.import_id),
                    FALSE) AS is_dropped
    FROM latest_row s LEFT JOIN latest_full f ON f.pipeline = s.pipeline
    """


CURRENT_COLUMNS = ", ".join(f"s.{c}" for c in (
    "import_id", "snapshot_on", "deal_id", "name", "pipeline", "stage", "status_raw", "amount", "currency", "owner",
    "created_on", "close_on", "probability", "forecast_category"))


def _state_sql(source: str, currency: Currency) -> str:
    """The deal state over ``source`` (rows of ``latest_rows_sql``): status, stage position, p and value."""
    return f"""
    SELECT s.import_id, s.snapshot_on, s.deal_id, s.name, s.pipeline, s.stage,
           coalesce(s.status_raw, st.outcome, 'open') AS status,
           s.amount, s.currency, s.owner, s.created_on, s.close_on, s.forecast_category,
           st.position AS stage_position,
           st.probability AS stage_probability,
           coalesce(s.probability, st.probability) AS p,
           s.amount * ({_rate_case(currency)}) AS value,
           s.is_dropped
    FROM {source} s
    LEFT JOIN stages st ON st.pipeline = s.pipeline AND st.stage = s.stage
    """


# --- the stored current state ----------------------------------------------------------------------
# Every metric reads the deal state; rebuilding it from every snapshot takes seconds at a million deals.
# ``deal_current`` holds latest_rows_sql(None), rebuilt inside each deals import and deletion; it is used
# only while its fingerprint (what was imported when it was built) still matches, so rows written another
# way (tests, older versions of the app) fall back to the full computation, never to stale numbers.

_FINGERPRINT_SQL = """
SELECT concat_ws('/', count(*), max(import_id), sum(import_id), max(snapshot_on),
       (SELECT count(*) FILTER (is_partial) FROM imports WHERE import_id <> $1),
       (SELECT count(*) FROM imports WHERE import_id <> $1))
FROM deal_snapshots WHERE import_id <> $1
"""


def refresh_current(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> None:
    """Bring ``deal_current`` up to date inside the write transaction that changed the snapshots.

    After a full (not partial) export dated on or after every earlier snapshot (the weekly import), only
    ``import_id`` changed things: its deals take its rows, and the other deals of its pipelines are dropped.
    Otherwise (a deletion, a partial or back-dated export) it is rebuilt from every snapshot.
    """
    if import_id is not None and _appends(con, import_id):
        con.execute("DELETE FROM deal_current WHERE deal_id IN "
                    "(SELECT deal_id FROM deal_snapshots WHERE import_id = ?)", [import_id])
        con.execute("UPDATE deal_current SET is_dropped = TRUE WHERE NOT is_dropped AND pipeline IN "
                    "(SELECT DISTINCT pipeline FROM deal_snapshots WHERE import_id = ?)", [import_id])
        con.execute(f"INSERT INTO deal_current SELECT {CURRENT_COLUMNS}, FALSE FROM deal_snapshots s "
                    "WHERE s.import_id = ?", [import_id])
    else:
        con.execute("DELETE FROM deal_current")
        con.execute(f"INSERT INTO deal_current {latest_rows_sql(None)}")
    con.execute("DELETE FROM deal_current_meta")
    con.execute(f"INSERT INTO deal_current_meta {_FINGERPRINT_SQL}", [-1])


def _appends(con: duckdb.DuckDBPyConnection, import_id: int) -> bool:
    """True when ``deal_current`` was fresh before ``import_id`` and that import is a full, latest, newest one."""
    stored = con.execute("SELECT max(fingerprint) FROM deal_current_meta").fetchone()[0]
    if stored is None:  # never built: fresh only when this import brings the first deals
        if con.execute("SELECT count(*) FROM deal_snapshots WHERE import_id <> ?", [import_id]).fetchone()[0] or \
                con.execute("SELECT count(*) FROM deal_current").fetchone()[0]:
            return False
    elif stored != con.execute(_FINGERPRINT_SQL, [import_id]).fetchone()[0]:
        return False
    return bool(con.execute(
        "SELECT NOT i.is_partial AND i.import_id = (SELECT max(import_id) FROM imports) AND i.snapshot_on >= "
        "coalesce((SELECT max(snapshot_on) FROM deal_snapshots WHERE import_id <> i.import_id), i.snapshot_on) "
        "FROM imports i WHERE i.import_id = ?", [import_id]).fetchone()[0])


def current_is_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ``deal_current`` was built from exactly the snapshots now in the database."""
    built = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'deal_current_meta' "
                        "AND NOT temporary").fetchone()[0]
    if not built:  # a schema made without the migrations (tests build _SCHEMA_V1 alone)
        return False
    stored = con.execute("SELECT max(fingerprint) FROM deal_current_meta").fetchone()[0]
    return stored is not None and stored == con.execute(_FINGERPRINT_SQL, [-1]).fetchone()[0]


def create_state_view(con: duckdb.DuckDBPyConnection, as_of: dt.date | None = None,
                      name: str = "deal_state") -> Currency:
    """Create (on this connection only) a temporary view of every deal's state as of a date.

    The current state reads the stored ``deal_current``; a past date is computed from the snapshots once,
    into a temporary table, since a metric usually reads it several times.
    """
    currency = reporting_currency(con)
    latest = latest_snapshot_on(con)
    current = (as_of is None or latest is None or as_of >= latest) and current_is_fresh(con)
    _drop_temp(con, name)
    if current:
        con.execute(f"CREATE TEMP VIEW {name} AS {_state_sql('deal_current', currency)}")
    else:
        con.execute(f"CREATE TEMP TABLE {name} AS {deal_state_sql(as_of, currency)}")
    return currency


def _drop_temp(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop this connection's temporary view or table ``name``, whichever it is."""
    found = con.execute("SELECT 'VIEW' FROM duckdb_views() WHERE temporary AND view_name = ? UNION ALL "
                        "SELECT 'TABLE' FROM duckdb_tables() WHERE temporary AND table_name = ?",
                        [name, name]).fetchall()
    for (kind,) in found:
        con.execute(f"DROP {kind} temp.{name}")


@dataclass(frozen=True)
class DealFilter:
    """What the user narrowed the deals to: pipelines, owners and extra attributes (segment, source…).

    Empty means everything. Hashable, so pages can pass it to cached functions.
    ``attributes`` is a tuple of (attribute, (values…)) pairs.
    """
    pipelines: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def where(self, alias: str = "d") -> tuple[str, list]:
        """A SQL predicate over a deal_state alias, with its bound parameters ("TRUE" when empty)."""
        clauses, params = ["TRUE"], []
        for column, values in (("pipeline", self.pipelines), ("owner", self.owners)):
            if values:
                clauses.append(f"{alias}.{column} IN ({', '.join('?' * len(values))})")
                params += list(values)
        for attribute, values in self.attributes:
            if values:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM deal_attributes a WHERE a.import_id = {alias}.import_id "
                    f"AND a.deal_id = {alias}.deal_id AND a.attribute = ? "
                    f"AND a.value IN ({', '.join('?' * len(values))}))")
                params += [attribute, *values]
        return " AND ".join(clauses), params


def filter_choices(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Values the user can filter on: pipelines, owners, and each extra attribute the exports carried."""
    choices = {
        "pipeline": [r[0] for r in con.execute(
            "SELECT DISTINCT pipeline FROM deal_snapshots ORDER BY 1").fetchall()],
        "owner": [r[0] for r in con.execute(
            "SELECT DISTINCT owner FROM deal_snapshots WHERE owner IS NOT NULL ORDER BY 1").fetchall()],
    }
    for attribute, values in con.execute(
            "SELECT attribute, list(DISTINCT value ORDER BY value) FROM deal_attributes "
            "WHERE value IS NOT NULL GROUP BY attribute ORDER BY attribute").fetchall():
        choices[attribute] = values
    return choices
