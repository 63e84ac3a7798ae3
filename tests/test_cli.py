"""The command line contract (METRICS.md §7): exit codes, error lines, JSON report."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "checks" / "contract.py"


def cli(*args, db=None, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "analytics", *args] + (["--db", str(db)] if db else [])
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_import_then_report_json(tmp_path):
    db = tmp_path / "c.duckdb"
    deals = tmp_path / "deals_2026-11-20.csv"
    deals.write_text("Record ID,Deal Stage,Amount,Create Date,Close Date\n"
                     "1,appointmentscheduled,1000,2026-10-01,2026-12-15\n"
                     "2,closedwon,4000,2026-08-01,2026-11-02\n"
                     "3,closedlost,1500,2026-08-20,2026-10-30\n")
    first = cli("import", str(deals), db=db)
    assert first.returncode == 0, first.stderr
    again = cli("import", str(deals), db=db)
    assert again.returncode == 0 and "already imported" in again.stdout
    report = cli("report", "--json", db=db)
    data = json.loads(report.stdout)
    assert data["deals"]["as_of"] == "2026-11-20"
    assert (data["deals"]["open_count"], data["deals"]["won_count"], data["deals"]["lost_count"]) == (1, 1, 1)
    assert data["deals"]["open_amount"] == pytest.approx(1000.0)
    assert data["survey"] is None and data["one_on_ones"] is None


@pytest.mark.parametrize("content, name", [
    (b"", "empty.csv"),
    (b"\x00\x01\x02 not a spreadsheet", "garbage.csv"),
    (b"colour,size\nred,3\n", "unknown_columns.csv"),
    (b"<!DOCTYPE html><html><body>Session expired</body></html>", "login_page.csv"),
])
def test_bad_file_exits_2_with_one_error_line(tmp_path, content, name):
    db = tmp_path / "c.duckdb"
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("import", str(path), db=db)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_file_and_bad_map(tmp_path):
    db = tmp_path / "c.duckdb"
    assert cli("import", str(tmp_path / "nope.csv"), db=db).returncode == 2
    deals = tmp_path / "d.csv"
    deals.write_text("opportunity_id,deal_stage,close_value\nA,Won,5\n")
    result = cli("import", str(deals), "--map", "amount=no_such_column", db=db)
    assert result.returncode == 2 and "no_such_column" in result.stderr


def test_map_override_and_text_report(tmp_path):
    db = tmp_path / "c.duckdb"
    deals = tmp_path / "sales_pipeline.csv"
    deals.write_text("opportunity_id,sales_agent,deal_stage,engage_date,close_date,close_value\n"
                     "A,Moses,Won,2016-10-20,2017-03-01,1054\n"
                     "B,Moses,Engaging,2016-10-25,,\n"
                     "C,Darcel,Lost,2016-10-25,2017-03-11,0\n")
    result = cli("import", str(deals), "--map", "created_on=engage_date", "--as-of", "2017-03-31", db=db)
    assert result.returncode == 0, result.stderr
    text = cli("report", db=db)
    assert text.returncode == 0 and "1 open" in text.stdout and "1 won, 1 lost" in text.stdout


@pytest.mark.skipif(not CONTRACT.exists(), reason="../shared/checks/contract.py is not beside the project")
def test_shared_contract_check():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, str(CONTRACT)], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly(monkeypatch, capsys):
    """``python -m analytics report | head -1``: the pipe closes, the command stops with 141 (as a shell tool killed
    by SIGPIPE) and no "error: unexpected BrokenPipeError" line."""
    from analytics import cli

    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setitem(cli.COMMANDS, "report", closed)
    assert cli.main(["report", "--db", "unused.duckdb"]) == 141
    assert capsys.readouterr().err == ""


def test_a_closed_pipe_is_quiet_when_the_output_is_written_at_the_end(tmp_path):
    """Without PYTHONUNBUFFERED the report is written when stdout is flushed, after the command returned: the pipe,
    closed before that, is still caught (status 141, nothing on stderr)."""
    db = tmp_path / "pipe.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    proc = subprocess.Popen([sys.executable, "-m", "analytics", "report", "--db", str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before Python has even started
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=60), err) == (141, "")
