"""Command line: ``import`` files (also from cron), print the ``report`` (METRICS.md §7), ``backup`` the database,
``calls`` (import and list forecast calls).

Exit status of import: 0 imported or already imported; 2 a file was rejected (one ``error:`` line on
stderr naming the file and the reason; the database unchanged). Never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

from analytics import ingest, store
from analytics.ingest import readers
from analytics.store.settings import SETTINGS

EXIT_OK, EXIT_REJECTED = 0, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-20") from None


def _override(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or not field.strip() or not column.strip():
        raise argparse.ArgumentTypeError(f"{text!r} should look like FIELD=COLUMN, e.g. amount=close_value")
    return field.strip(), column.strip()


def _mapped(text: str) -> tuple[str, str]:
    """--map FIELD=COLUMN, or FIELD= for no column (e.g. status=: the stage alone decides each deal's status)."""
    field, sep, column = text.partition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"{text!r} should look like FIELD=COLUMN (e.g. amount=close_value), or FIELD= "
                                         "for no column")
    return field.strip(), column.strip()


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analytics``."""
    top = argparse.ArgumentParser(prog="python -m analytics", description="Pipeline Pulse from the command line.")
    sub = top.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import exported files (deals, survey, 1:1 log) into the database")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--kind", choices=ingest.KINDS, help="what the file holds (detected from its columns)")
    imp.add_argument("--db", help="database file (default: $PULSE_DB, else data/pulse.duckdb)")
    imp.add_argument("--as-of", type=_date, help="snapshot date (default: a date in the file name, else today)")
    imp.add_argument("--sheet", help="Excel sheet to read (default: the first sheet with data)")
    imp.add_argument("--map", type=_mapped, action="append", default=[], metavar="FIELD=COLUMN",
                     help="use COLUMN for FIELD (repeatable), e.g. --map created_on=engage_date; FIELD= for no "
                          "column, e.g. --map status= (the stage alone decides the status)")
    imp.add_argument("--partial", action="store_true", help="the file adds or updates deals; it drops nothing")
    imp.add_argument("--stages", action="append", default=[], metavar='"PIPELINE=A>B>C"',
                     help="the order of a pipeline's open stages (repeatable), "
                          "e.g. --stages \"default=Lead>Demo>Offer\"")
    imp.add_argument("--date-order", choices=("dmy", "mdy"),
                     help="how dates such as 03/04/2026 are written: dmy (3 April) or mdy (March 4)")
    imp.add_argument("--probability-scale", choices=("percent", "fraction"),
                     help="how the probability column is written: percent (0-100) or fraction (0-1)")
    imp.add_argument("--amount-unit", choices=tuple(ingest.AMOUNT_UNITS),
                     help="the unit of the amount column: units (as written), thousands (12.5 is 12,500) or "
                          "millions; else the unit its header names, e.g. 'Amount (k€)'")
    imp.add_argument("--dry-run", action="store_true",
                     help="print the import plan (every guess, its evidence and how to override it); store nothing")
    imp.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON, for tools")
    imp.add_argument("--rejects", metavar="FILE.csv", help="write every rejected row (row number, reason) to this CSV")
    rep = sub.add_parser("report", help="print the metrics")
    rep.add_argument("--db", help="database file (default: $PULSE_DB, else data/pulse.duckdb)")
    rep.add_argument("--from", dest="date_from", type=_date, help="period start (inclusive)")
    rep.add_argument("--to", dest="date_to", type=_date, help="period end (inclusive)")
    rep.add_argument("--json", action="store_true", help="print one JSON object (METRICS.md §7)")
    st = sub.add_parser("settings", help="show or change the settings, conversion rates and stage orders")
    st.add_argument("--db", help="database file (default: $PULSE_DB, else data/pulse.duckdb)")
    st_sub = st.add_subparsers(dest="action", required=True)
    show = st_sub.add_parser("show", help="every setting, conversion rate and stage order")
    show.add_argument("--json", action="store_true", help="as one JSON object")
    put = st_sub.add_parser("set", help="change one setting, e.g. settings set stale_days 45")
    put.add_argument("name", choices=[s.name for s in SETTINGS])
    put.add_argument("value")
    rates = st_sub.add_parser("rates", help="the reporting currency and the conversion rates, "
                                            "e.g. settings rates --currency EUR USD=0.92 GBP=1.17")
    rates.add_argument("--currency", help="the reporting currency (ISO code)")
    rates.add_argument("rates", nargs="*", metavar="CODE=RATE",
                       help="units of the reporting currency for one unit of CODE (replaces every rate)")
    order = st_sub.add_parser("stages", help='the order of a pipeline\'s open stages, e.g. "Sales=Lead>Demo>Offer"')
    order.add_argument("orders", nargs="+", metavar='"PIPELINE=A>B>C"')
    calls = sub.add_parser("calls", help="forecast calls: import them from a file, or list them")
    calls.add_argument("--db", help="database file (default: $PULSE_DB, else data/pulse.duckdb)")
    calls_sub = calls.add_subparsers(dest="action", required=True)
    calls_imp = calls_sub.add_parser("import", help="add the calls of a CSV or Excel file (owner or team, period, "
                                                    "commit, best case, date)")
    calls_imp.add_argument("file", metavar="FILE")
    calls_list = calls_sub.add_parser("list", help="the latest call of each owner and team, per period")
    calls_list.add_argument("--period", help="one period, e.g. 2026-12 or 2026-Q4")
    calls_list.add_argument("--history", action="store_true", help="every submission, not only the latest")
    calls_list.add_argument("--json", action="store_true", help="as one JSON list")
    for action in (calls_imp, calls_list):   # --db before or after the action
        action.add_argument("--db", default=argparse.SUPPRESS, help="database file (as above)")
    bak = sub.add_parser("backup", help="write a consistent copy of the database (restore: put it in its place)")
    bak.add_argument("path", metavar="PATH", help="backup file to write, or a folder for a dated file")
    bak.add_argument("--db", help="database file (default: $PULSE_DB, else data/pulse.duckdb)")
    return top


SHOWN_REJECTS = 20


def run_import(args: argparse.Namespace) -> int:
    """Import each file in turn (or print its plan with --dry-run); 2 when any was rejected or has questions."""
    from analytics.ingest import stage_config

    status = EXIT_OK
    try:
        stages = stage_config.parse_stage_orders(args.stages)
    except ValueError as exc:
        print(f"error: --stages: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    options = ingest.ImportOptions(kind=args.kind, as_of=args.as_of, sheet=args.sheet, overrides=dict(args.map),
                                   partial=args.partial, date_order=args.date_order,
                                   probability_scale=args.probability_scale, amount_unit=args.amount_unit,
                                   stages=stages)
    plans = []
    for name in args.files:
        path = Path(name)
        try:
            if not path.is_file():
                raise ingest.ImportRejected(f"{name}: no such file.")
            if args.dry_run:
                plans.append(dry_run(path, options, args.db, args.json))
                continue
            result = ingest.import_file(path, path.name, options, args.db)
        except ingest.ImportRejected as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = EXIT_REJECTED
            continue
        print(result.summary())
        for note in result.notes:
            print(f"  note: {note}")
        for warning in result.warnings:
            print(f"  warning: {warning}")
        print_rejects(result, args.rejects)
    if args.dry_run and args.json:
        print(json.dumps(plans, ensure_ascii=False, default=str))
    return status


def dry_run(path: Path, options: ingest.ImportOptions, db: str | None, as_json: bool) -> dict:
    """Print (or return, for --json) the import plan of one file; nothing is stored."""
    prepared = ingest.plan_file(path.read_bytes(), path.name, options, db)
    questions = prepared.plan.questions()
    if as_json:
        return {"file": path.name, "kind": prepared.kind, "snapshot_on": prepared.snapshot_on,
                "rows_to_import": prepared.rows_imported, "rows_rejected": prepared.rows_rejected,
                "questions": len(questions), "plan": prepared.plan.to_dict(),
                "warnings": [str(w) for w in prepared.warnings]}
    print(f"{path.name}: {prepared.rows_imported} rows to import, {prepared.rows_rejected} rejected "
          f"(dry run, nothing stored)")
    for line in prepared.plan.lines():
        print(f"  {line}")
    for warning in prepared.warnings:
        print(f"  warning: {warning}")
    if questions:
        print(f"  {len(questions)} question(s) to answer before importing: "
              + "; ".join(q.fix for q in questions))
    return {}


def print_rejects(result: ingest.ImportResult, path: str | None) -> None:
    """The first SHOWN_REJECTS rejected rows (row number and reason), how many more, and all of them to --rejects."""
    for row, reason in result.rejected[:SHOWN_REJECTS]:
        print(f"  rejected row {row}: {reason}")
    if len(result.rejected) > SHOWN_REJECTS:
        more = len(result.rejected) - SHOWN_REJECTS
        hint = f" (all in {path})" if path else " (--rejects FILE.csv writes them all)"
        print(f"  … and {more} more rejected rows{hint}")
    if path and result.status == "imported":
        import pandas as pd

        from analytics.reports import exports

        frame = pd.DataFrame(result.rejected, columns=["row_number", "reason"])
        Path(path).write_bytes(exports.to_csv_bytes(frame))


def run_report(args: argparse.Namespace) -> int:
    """Print the report, as JSON or as a short text summary."""
    from analytics.reports.json_report import build_report

    with store.connect(args.db) as con:
        report = build_report(con, args.date_from, args.date_to)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str))
    else:
        print(text_report(report))
    return EXIT_OK


def text_report(report: dict) -> str:
    """A few readable lines of the report for a terminal."""
    lines = []
    deals = report.get("deals")
    if deals:
        lines.append(f"Deals as of {deals['as_of']}: {deals['open_count']} open ({deals['open_amount']:,.2f}), "
                     f"{deals['won_count']} won, {deals['lost_count']} lost; weighted "
                     f"{deals['weighted_amount']:,.2f}; win rate {_pct(deals['win_rate'])}.")
    survey = report.get("survey")
    if survey:
        for wave in survey["waves"]:
            lines.append(f"eNPS {wave['wave']}: {wave['enps']:+.0f} ± {wave['margin_of_error']:.0f} "
                         f"({wave['responses']} responses)")
    meetings = report.get("one_on_ones")
    if meetings:
        lines.append(f"1:1s as of {meetings['as_of']}: {meetings['employees']} employees, "
                     f"{meetings['overdue']} overdue, median interval {meetings['median_interval_days']} days.")
    return "\n".join(lines) or "Nothing imported yet: python -m analytics import FILE"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def run_backup(args: argparse.Namespace) -> int:
    """Write the backup; 2 when it cannot be written."""
    from analytics.store import backup

    try:
        written = backup.backup_database(args.db, args.path)
    except (backup.BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(f"Backed up {store.db_path(args.db).name} to {written}")
    return EXIT_OK


def run_settings(args: argparse.Namespace) -> int:
    """Show or change settings, rates and stage orders; 2 (one error: line) when a value is refused."""
    from analytics.ingest import stage_config

    try:
        if args.action == "show":
            return show_settings(args)
        with store.transaction(args.db) as con:
            if args.action == "set":
                stored = store.set_settings(con, {args.name: args.value})
                print(", ".join(f"{name} = {value}" for name, value in stored.items()))
            elif args.action == "rates":
                parsed = dict(_override(text) for text in args.rates)
                if args.currency is not None:
                    store.set_setting(con, "reporting_currency", args.currency.strip().upper())
                store.set_fx_rates(con, parsed)
                print(f"{len(parsed)} conversion rates stored")
            else:
                for pipeline, stages in stage_config.parse_stage_orders(args.orders).items():
                    print(f"{pipeline}: {' > '.join(stage_config.reorder_stages(con, pipeline, stages))}")
    except (ValueError, argparse.ArgumentTypeError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_REJECTED
    return EXIT_OK


def show_settings(args: argparse.Namespace) -> int:
    from analytics.ingest import stage_config

    with store.connect(args.db) as con:
        values, rates = store.get_settings(con), store.get_fx_rates(con)
        stages = stage_config.stage_table(con)
    orders = {p: [f"{r.stage} ({r.outcome}, {r.probability:.0%})" if r.probability == r.probability else r.stage
                  for r in rows.itertuples()] for p, rows in stages.groupby("pipeline", sort=False)}
    if args.json:
        print(json.dumps({"settings": values, "rates": rates, "stages": orders}, ensure_ascii=False, default=str))
        return EXIT_OK
    for name, value in values.items():
        print(f"{name} = {value}")
    for code, rate in rates.items():
        print(f"rate {code} = {rate:g}")
    for pipeline, order in orders.items():
        print(f"stages {pipeline}: {' > '.join(order)}")
    return EXIT_OK


def run_calls(args: argparse.Namespace) -> int:
    """``calls import FILE`` (2 when the file is refused: nothing stored) or ``calls list``."""
    from analytics.ingest import calls as call_files
    from analytics.sales import calls
    from analytics.store.calls import CALL_TEXTS, CallError

    if args.action == "import":
        try:
            result = call_files.import_calls(Path(args.file), Path(args.file).name, args.db)
        except call_files.CallsRejected as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REJECTED
        print(result.summary())
        for row, code, values in result.rejected[:SHOWN_REJECTS]:
            print(f"  rejected row {row}: {CALL_TEXTS[code].format(**values)}")
        if len(result.rejected) > SHOWN_REJECTS:
            print(f"  … and {len(result.rejected) - SHOWN_REJECTS} more rejected rows")
        return EXIT_OK
    try:
        with store.connect(args.db) as con:
            found = (calls.call_history if args.history else calls.latest_calls)(con, args.period)
    except CallError as exc:
        print(f"error: --period: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    rows = [{key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in row.items()}
            for row in found.to_dict("records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return EXIT_OK
    for row in rows:
        print(f"{row['period']}  {row['level']:<5}  {row['name']}: commit {row['commit_amount']:,.2f}, best case "
              f"{row['best_case']:,.2f} (submitted {row['submitted_on']})")
    if not rows:
        print("No forecast call yet: python -m analytics calls import FILE, or the Forecast page.")
    return EXIT_OK


COMMANDS = {"import": run_import, "report": run_report, "backup": run_backup, "settings": run_settings,
            "calls": run_calls}


def main(argv: list[str] | None = None) -> int:
    """Entry point; errors become one ``error:`` line, never a traceback."""
    args = parser().parse_args(argv)
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # here, so that a reader gone away (| head) is caught below, not at the interpreter's exit
        return status
    except store.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except KeyboardInterrupt:
        print("error: interrupted; the database keeps its state from before this import.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away (``| head``): stop quietly, as a shell tool does
        with contextlib.suppress(OSError, ValueError):  # no second error when Python flushes stdout at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001 - the contract forbids tracebacks on the command line
        print(f"error: unexpected {type(exc).__name__}: {readers.escape(' '.join(str(exc).split()), 120)}",
              file=sys.stderr)
        return 1
