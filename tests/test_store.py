"""The store: schema creation and versioning, atomic writes, deletion, settings."""
from __future__ import annotations

import duckdb
import pytest

from analytics import store


def test_schema_created_with_version(db):
    with store.connect(db) as con:
        assert con.execute("SELECT schema_version FROM meta").fetchone()[0] == store.SCHEMA_VERSION
        assert store.is_empty(con)


def test_newer_schema_is_refused_and_file_untouched(tmp_path):
    path = tmp_path / "newer.duckdb"
    with store.connect(path):
        pass
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET schema_version = 99")
    con.close()
    store.forget_schema_cache()
    before = path.read_bytes()
    with pytest.raises(store.StoreError, match="newer"):
        with store.connect(path):
            pass
    assert path.read_bytes() == before


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE customers (id INTEGER)")
    con.close()
    with pytest.raises(store.StoreError, match="not Pipeline Pulse"):
        with store.connect(path):
            pass


def test_garbage_file_is_refused_not_overwritten(tmp_path):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(store.StoreError):
        with store.connect(path):
            pass
    assert path.read_bytes() == b"this is not a database" * 100


def test_transaction_rolls_back_on_error(db):
    with store.connect(db) as con:
        version = store.data_version(con)
    with pytest.raises(RuntimeError):
        with store.transaction(db) as con:
            con.execute("INSERT INTO settings VALUES ('stale_days', '12')")
            raise RuntimeError("boom")
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        assert store.data_version(con) == version


def test_settings_validated_and_versioned(db):
    with store.transaction(db) as con:
        store.set_setting(con, "stale_days", "45")
    with store.connect(db) as con:
        assert store.get_settings(con)["stale_days"] == 45
        assert store.data_version(con) == 1
    with pytest.raises(ValueError, match="from 3 to 1,000"):
        with store.transaction(db) as con:
            store.set_setting(con, "anonymity_threshold", 2)


def test_comment_threshold_never_below_the_anonymity_threshold(db):
    with store.transaction(db) as con:
        stored = store.set_settings(con, {"anonymity_threshold": 7, "comment_threshold": 4})
    assert stored == {"anonymity_threshold": 7, "comment_threshold": 7}
    with store.transaction(db) as con:  # raising only the anonymity threshold raises the comment one with it
        store.set_settings(con, {"anonymity_threshold": 9})
    with store.connect(db) as con:
        assert (store.get_settings(con)["comment_threshold"], store.get_settings(con)["stale_days"]) == (9, 30)
    with pytest.raises(ValueError, match="from 1 to 3,650"), store.transaction(db) as con:  # all or nothing
        store.set_settings(con, {"comment_threshold": 12, "stale_days": 0})
    with store.connect(db) as con:
        assert store.get_settings(con)["comment_threshold"] == 9


def test_fx_rates_must_be_positive(db):
    with pytest.raises(store.SettingError, match="The rate for usd must be a positive number below 1,000,000"):
        with store.transaction(db) as con:
            store.set_fx_rates(con, {"usd": 0})
    for nonsense in (None, float("nan"), -1, "abc"):
        with pytest.raises(store.SettingError), store.transaction(db) as con:
            store.set_fx_rates(con, {"usd": nonsense})
    with store.transaction(db) as con:
        store.set_fx_rates(con, {"usd": 0.92})
    with store.connect(db) as con:
        assert store.get_fx_rates(con) == {"USD": 0.92}



def test_fx_rates_are_read_once_per_read_connection_and_follow_every_write(db):
    """A read connection keeps the rates it read (every metric of a page asks); a transaction reads every time, and a
    write through the read connection drops what it kept."""
    with store.transaction(db) as con:
        store.set_fx_rates(con, {"usd": 0.92})
    with store.connect(db) as con:
        assert store.get_fx_rates(con) == {"USD": 0.92}
        store.connection_memo(con)["fx_rates"] = {"USD": 2.0}       # kept: the table is not read again
        assert store.get_fx_rates(con) == {"USD": 2.0}
        store.get_fx_rates(con)["GBP"] = 1.1                         # a caller's copy: the memo is not changed
        assert store.get_fx_rates(con) == {"USD": 2.0}
        with store.transaction(db) as writer:
            store.set_fx_rates(writer, {"usd": 0.9})
            assert store.get_fx_rates(writer) == {"USD": 0.9}       # a writing connection reads every time
            store.set_fx_rates(writer, {"usd": 0.8, "gbp": 1.15})
            assert store.get_fx_rates(writer) == {"GBP": 1.15, "USD": 0.8}
        store.set_fx_rates(con, {"eur": 1.1})                        # a write through the read connection
        assert store.get_fx_rates(con) == {"EUR": 1.1}              # drops its memo
    with store.connect(db) as con:
        assert store.get_fx_rates(con) == {"EUR": 1.1}


def test_derived_freshness_is_read_once_per_read_connection(sample_db):
    """``derived.is_fresh`` (asked before every query of a page) is read once per table by a read connection, as a
    snapshot for its life; a transaction asks every time; refreshing a derived table drops the memo."""
    from analytics.store import derived

    with store.connect(sample_db) as con:
        assert derived.is_fresh(con, "deal_current")
        assert store.connection_memo(con)[("is_fresh", "deal_current")] is True
        con.execute("DELETE FROM deal_current_meta")                 # behind the memo's back (no refresh)
        assert derived.is_fresh(con, "deal_current")                 # kept for the connection's life
        derived.refresh_current(con)                                 # a refresh drops the memo: it wrote,
        assert store.connection_memo(con) is None                    # so it keeps nothing from now on
        assert derived.is_fresh(con, "deal_current")
    with store.transaction(sample_db) as writer:
        assert store.connection_memo(writer) is None
        assert derived.is_fresh(writer, "deal_current")
        writer.execute("DELETE FROM deal_current_meta")
        assert not derived.is_fresh(writer, "deal_current")          # no memo: read again at once
        derived.refresh_current(writer)
    with store.connect(sample_db) as con:
        assert derived.is_fresh(con, "deal_current")

def test_db_path_from_environment(db):
    assert store.db_path() == db.resolve()
    assert store.db_path("/tmp/x.duckdb").name == "x.duckdb"


def test_every_setting_has_default_and_help():
    from analytics.store.settings import SETTINGS
    for setting in SETTINGS:
        assert setting.help.endswith(".") or setting.help.endswith(")"), setting.name
        assert setting.default is not None
        assert setting.label and "_" not in setting.label, setting.name  # a plain label, not the setting's name
        if isinstance(setting.default, int | float):  # a number a person types: bounded on both sides
            assert setting.minimum is not None and setting.maximum is not None, setting.name
            assert setting.minimum <= setting.default <= setting.maximum, setting.name


@pytest.mark.parametrize(("name", "typed", "stored"), [
    ("stale_days", "45", 45), ("stale_days", 45.0, 45), ("stale_days", 1, 1), ("stale_days", 3650, 3650),
    ("outlier_factor", "2.5", 2.5), ("outlier_factor", 1.5, 1.5), ("wave_period", " week ", "week"),
    ("reporting_currency", " eur ", "EUR"),
])
def test_settings_accept_what_a_person_types(name, typed, stored):
    from analytics.store.settings import validated
    assert validated(name, typed) == stored
    assert type(validated(name, typed)) is type(stored)


@pytest.mark.parametrize(("name", "typed", "message"), [
    ("stale_days", 0, "Deal stale after (days): enter a whole number from 1 to 3,650 (you entered 0)."),
    ("stale_days", 3651, "Deal stale after (days): enter a whole number from 1 to 3,650 (you entered 3,651)."),
    ("stale_days", 20.5, "Deal stale after (days): enter a whole number from 1 to 3,650 (you entered 20.5)."),
    ("stale_days", "soon", "Deal stale after (days): enter a whole number from 1 to 3,650 (you entered soon)."),
    ("stale_days", True, "Deal stale after (days): enter a whole number from 1 to 3,650 (you entered True)."),
    ("anonymity_threshold", 2, "Anonymity threshold (responses): enter a whole number from 3 to 1,000"),
    ("outlier_factor", 1.2, "Unusual amount factor (× the owner's median): enter a number from 1.5 to 100"),
    ("outlier_factor", float("nan"), "enter a number from 1.5 to 100 (you entered nan)"),
    ("outlier_factor", float("inf"), "enter a number from 1.5 to 100 (you entered inf)"),
    ("wave_period", "fortnight", "Survey wave period: choose one of week, month, quarter (you entered fortnight)."),
    ("no_such_setting", 1, "Unknown setting no_such_setting."),
])
def test_settings_refuse_out_of_range_values_with_the_allowed_range(name, typed, message):
    """Nothing is clipped or truncated: 20.5 days, 0 days and NaN are refused, and the message gives the range."""
    from analytics.store.settings import SettingError, validated
    with pytest.raises(SettingError) as refused:
        validated(name, typed)
    assert message in str(refused.value)
    assert refused.value.text.format(**refused.value.values)  # the template and its values fill each other


def test_an_out_of_range_setting_stores_nothing(db):
    with pytest.raises(store.SettingError), store.transaction(db) as con:
        store.set_settings(con, {"stale_days": 45, "one_on_one_cadence_days": 400})
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM settings").fetchone()[0] == 0


def stage_rows(probabilities, outcomes=None):
    import pandas as pd
    stages = [f"S{i}" for i in range(len(probabilities))]
    return pd.DataFrame({"stage": stages, "probability": probabilities,
                         "outcome": outcomes or ["open"] * len(probabilities)})


def test_stage_probabilities_are_entered_in_percent_and_stored_as_fractions():
    from analytics.store.settings import stages_as_percent, stages_from_percent
    typed = stage_rows([20, 0, 100, 12.5, None], ["open", "lost", "won", "open", "open"])
    stored = stages_from_percent(typed)
    assert stored["probability"].tolist()[:4] == [0.2, 0.0, 1.0, 0.125]
    assert stored["probability"].isna().tolist() == [False] * 4 + [True]  # a blank stays blank
    assert stored["outcome"].tolist() == typed["outcome"].tolist()
    shown = stages_as_percent(stored)
    assert shown["probability"].tolist()[:4] == [20, 0, 100, 12.5]
    assert stages_as_percent(stage_rows([0.07, 0.55]))["probability"].tolist() == [7, 55]  # no 7.000000000000001


@pytest.mark.parametrize(("typed", "message"), [
    (150, "Stage S1: enter a probability from 0 to 100 % (you entered 150)."),
    (-5, "Stage S1: enter a probability from 0 to 100 % (you entered -5)."),
    (100.5, "(you entered 100.5)"),
    ("twenty", "(you entered twenty)"),
])
def test_a_stage_probability_outside_0_to_100_percent_is_refused_not_clipped(typed, message):
    from analytics.store.settings import SettingError, stages_from_percent
    with pytest.raises(SettingError) as refused:
        stages_from_percent(stage_rows([20, typed, 50]))
    assert message in str(refused.value)
    assert refused.value.values["stage"] == "S1"


def test_a_stage_needs_an_outcome_and_appears_once():
    from analytics.store.settings import SettingError, stages_from_percent
    with pytest.raises(SettingError, match="Stage S1: choose its outcome"):
        stages_from_percent(stage_rows([20, 30], ["open", None]))
    twice = stage_rows([20, 30]).assign(stage=["S0", "S0"])
    with pytest.raises(SettingError, match="Stage S0 appears twice"):
        stages_from_percent(twice)


def test_rates_typed_in_a_table_are_never_dropped_or_overwritten_silently():
    from analytics.store.settings import SettingError, rates_from_rows
    nan = float("nan")
    assert rates_from_rows([" usd", "GBP", None, ""], [0.92, "1.17", None, nan]) == {"USD": 0.92, "GBP": 1.17}
    with pytest.raises(SettingError, match=r"The rate for USD must be a positive number below 1,000,000 "
                                           r"\(you entered –\)"):
        rates_from_rows(["USD"], [None])  # a currency typed without its rate (was dropped silently)
    with pytest.raises(SettingError, match="The rate 0.5 has no currency code"):
        rates_from_rows([None], [0.5])
    with pytest.raises(SettingError, match="The currency USD appears twice"):
        rates_from_rows(["USD", "usd"], [0.9, 0.95])  # (the last one used to win)


def test_settings_are_read_once_per_read_connection_and_follow_every_write(db, monkeypatch):
    """A read connection keeps its settings (one query, however often a survey view asks); the next connection,
    a transaction and a write through the same connection all see the stored value."""
    from analytics.store import connection

    queries = []
    real = connection.settings_mod.default_settings
    monkeypatch.setattr(connection.settings_mod, "default_settings", lambda: queries.append(1) or real())
    with store.connect(db) as con:
        assert [store.get_settings(con)["stale_days"] for _ in range(3)] == [30, 30, 30]  # the default
        assert len(queries) == 1                                   # read once for this connection
        store.get_settings(con)["stale_days"] = 99                 # a caller's copy: the memo is not changed
        assert store.get_settings(con)["stale_days"] == 30
        with store.transaction(db) as writer:
            store.set_setting(writer, "stale_days", 12)
            assert store.get_settings(writer)["stale_days"] == 12  # a writing connection reads every time
            store.set_setting(writer, "stale_days", 13)
            assert store.get_settings(writer)["stale_days"] == 13
        store.set_setting(con, "stale_days", 14)                   # a write through the read connection
        assert store.get_settings(con)["stale_days"] == 14         # drops its memo
    with store.connect(db) as con:
        assert store.get_settings(con)["stale_days"] == 14         # the next connection reads the stored value
        assert store.connection_memo(con) is not None
    with store.transaction(db) as writer:
        assert store.connection_memo(writer) is None


def test_duckdb_memory_is_capped_by_pulse_duckdb_memory(tmp_path, monkeypatch):
    """Every connection caps DuckDB's buffer memory: 1GB by default (10**9 bytes / 2**20 = 953.67 MiB, DuckDB
    shows 953.6), the PULSE_DUCKDB_MEMORY value when set (300MB = 3 * 10**8 / 2**20 = 286.1 MiB)."""
    with store.connect(tmp_path / "a.duckdb") as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "953.6 MiB"
    monkeypatch.setenv("PULSE_DUCKDB_MEMORY", "300MB")
    with store.connect(tmp_path / "b.duckdb") as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"


def _memory_limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


@pytest.mark.parametrize("ending", ["commit", "error", "aborted"])
def test_a_transaction_lowers_duckdb_memory_for_its_block_then_puts_it_back(tmp_path, monkeypatch, ending):
    """memory_limit='100MB' shows as 95.3 MiB (10^8 / 2^20) inside; after the commit, an error, or an error that
    aborted DuckDB's transaction (a failed statement), the 1GB default is back (953.6 MiB, to a tenth) and the error
    raised is the block's own."""
    monkeypatch.delenv("PULSE_DUCKDB_MEMORY", raising=False)
    db = tmp_path / "m.duckdb"
    expected = {"error": KeyError, "aborted": duckdb.ConversionException}
    with store.connect(db) as outside:  # a second connection keeps the database instance (and its settings) alive
        try:
            with store.transaction(db, memory_limit="100MB") as con:
                assert _memory_limit(con) == "95.3 MiB"
                con.execute("CREATE TABLE t (x INTEGER)")
                if ending == "error":
                    raise KeyError("the block's own")
                if ending == "aborted":
                    con.execute("INSERT INTO t VALUES ('not a number')")
        except (KeyError, duckdb.ConversionException) as exc:
            assert type(exc) is expected[ending]
        else:
            assert ending == "commit"
        assert _memory_limit(outside) in ("953.5 MiB", "953.6 MiB")
        tables = outside.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'").fetchone()
        assert tables[0] == (1 if ending == "commit" else 0)
    with store.transaction(db, memory_limit="10GB") as con:  # never raised above the cap
        assert _memory_limit(con) in ("953.5 MiB", "953.6 MiB")


def test_a_side_reader_reads_beside_a_read_connection_never_beside_a_transaction(tmp_path):
    """Beside a read connection: another connection to the same data (it sees the committed row), starting with the
    first one's memo, closed after the block; beside a transaction's connection: None (its rows are its own)."""
    db = tmp_path / "side.duckdb"
    with store.transaction(db) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
        con.execute("INSERT INTO t VALUES (7)")
        with store.side_reader(con) as reads:
            assert reads is None
    with store.connect(db) as con:
        store.connection_memo(con)["asked once"] = 42
        with store.side_reader(con) as reads:
            assert reads is not con
            assert reads.execute("SELECT x FROM t").fetchall() == [(7,)]
            assert store.connection_memo(reads)["asked once"] == 42
        with pytest.raises(duckdb.ConnectionException):
            reads.execute("SELECT 1")
