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
    with pytest.raises(ValueError, match="below 3"):
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
    with pytest.raises(ValueError, match="below 1"), store.transaction(db) as con:  # all or nothing
        store.set_settings(con, {"comment_threshold": 12, "stale_days": 0})
    with store.connect(db) as con:
        assert store.get_settings(con)["comment_threshold"] == 9


def test_fx_rates_must_be_positive(db):
    with pytest.raises(ValueError):
        with store.transaction(db) as con:
            store.set_fx_rates(con, {"usd": 0})
    with store.transaction(db) as con:
        store.set_fx_rates(con, {"usd": 0.92})
    with store.connect(db) as con:
        assert store.get_fx_rates(con) == {"USD": 0.92}


def test_db_path_from_environment(db):
    assert store.db_path() == db.resolve()
    assert store.db_path("/tmp/x.duckdb").name == "x.duckdb"


def test_every_setting_has_default_and_help():
    from analytics.store.settings import SETTINGS
    for setting in SETTINGS:
        assert setting.help.endswith(".") or setting.help.endswith(")"), setting.name
        assert setting.default is not None
