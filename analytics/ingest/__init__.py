"""Ingest: turn an exported file into canonical rows in the store (read → map → validate → commit).

The modules, in the order a file meets them:

* ``readers`` — bytes to a table of strings (CSV dialects, encodings, Excel) and typed values;
* ``mapping`` — which column is which field (CRM headers in English and French, survey roles);
* ``stage_config`` — the stage order and probabilities detected for a new pipeline;
* ``validation`` — row validation shared by every kind of file (rejections with row numbers);
* ``importer`` — prepare (nothing written) and commit (one transaction) for deals, surveys and 1:1s;
* ``stage_history`` — Salesforce OpportunityHistory files;
* ``fast_csv`` — the SQL path for big clean CSV deal exports;
* ``import_log`` — options, outcomes, fingerprints, snapshot dates and remembered mappings;
* ``templates`` — the downloadable Excel templates.

Ingest depends on the store only; no metric imports it. The public API used by the app and the CLI is
re-exported here.
"""
from analytics.ingest.guesses import AMOUNT_UNITS
from analytics.ingest.import_log import (
    MESSAGE_LIMIT,
    AlreadyImported,
    ImportOptions,
    ImportRejected,
    ImportResult,
    ImportState,
    NeedsAnswers,
    already_imported,
    date_in_file_name,
    import_state,
    remember_mapping,
    saved_mappings,
    sha256_of,
    snapshot_date,
)
from analytics.ingest.importer import KINDS, Prepared, commit, import_file, plan_file, prepare

__all__ = ["AMOUNT_UNITS", "KINDS", "MESSAGE_LIMIT", "AlreadyImported", "ImportOptions", "ImportRejected",
           "ImportResult", "ImportState", "NeedsAnswers", "Prepared", "already_imported", "commit", "date_in_file_name",
           "import_file", "import_state", "plan_file", "prepare", "remember_mapping", "saved_mappings", "sha256_of",
           "snapshot_date"]
