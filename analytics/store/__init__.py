"""The store: the one owner of the DuckDB database file (connections, schema and migrations, settings, backup).

The package is a leaf: it imports nothing else from ``analytics``. Its public API is re-exported here, so
callers write ``from analytics import store`` then ``store.connect(...)``; the modules are:

* ``connection`` — short-lived connections, the write lock, transactions, small shared reads and writes;
* ``schema`` — the tables of a new file, the migrations of older ones, the money types (``money_sum``);
* ``derived`` — tables the imports maintain for the metrics (``deal_current``); ``stays``, ``outcomes`` and
  ``movement_pairs`` — the derived tables that also read the stage settings (each deal's stays, its outcome and last
  stage reached, the closed deals counted by attribute value, the deals taking part in the latest movement), rebuilt
  by ``derived.refresh_stays``; ``headline`` — the headline KPIs' query and its answer for the whole book at the
  latest two snapshot dates (``derived.refresh_headline``), over ``state`` — every deal's state as the metrics read
  it (status, probability, value in the reporting currency);
* ``settings`` — every user-facing setting with its label, default and bounds, and their reads (``get_settings``,
  ``get_fx_rates``); what a person may enter (``SettingError``: stage probabilities in percent, conversion rates);
* ``backup`` — a consistent copy of the file;
* ``frames`` — ``read_frame`` / ``relation_frame``: a query's (a relation's) result as the DataFrame ``df()`` gives,
  its text read through Arrow (faster for many text cells), imported from ``analytics.store.frames``;
* ``sql`` — SQL that cannot be mis-assembled: ``Fragment`` (SQL with its parameters) and ``checked`` (allow-listed
  names), imported from ``analytics.store.sql`` by the queries.
"""
from analytics.store.connection import (
    DEFAULT_DB,
    PROJECT_ROOT,
    SAMPLE_CLEARED,
    StoreError,
    connect,
    connection_memo,
    data_version,
    db_path,
    delete_import,
    forget_schema_cache,
    is_empty,
    list_imports,
    remove_sample_data,
    set_fx_rates,
    set_setting,
    set_settings,
    side_reader,
    transaction,
    write_lock,
)
from analytics.store.schema import DATA_TABLES, SCHEMA_VERSION
from analytics.store.settings import SettingError, get_fx_rates, get_settings

__all__ = ["DATA_TABLES", "DEFAULT_DB", "PROJECT_ROOT", "SAMPLE_CLEARED", "SCHEMA_VERSION", "SettingError",
           "StoreError", "connect", "connection_memo", "data_version", "db_path", "delete_import",
           "forget_schema_cache", "get_fx_rates", "get_settings", "is_empty", "list_imports", "remove_sample_data",
           "set_fx_rates", "set_setting", "set_settings", "side_reader", "transaction", "write_lock"]
