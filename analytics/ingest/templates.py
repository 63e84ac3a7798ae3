"""Downloadable Excel templates (written with openpyxl): a deals sheet and a survey sheet."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

_HEADER_FILL = PatternFill("solid", fgColor="DCE4FF")

DEAL_COLUMNS = ["Deal ID", "Deal name", "Pipeline", "Stage", "Status", "Amount", "Currency", "Owner",
                "Created date", "Close date", "Probability (%)", "Forecast category", "Source", "Segment"]
DEAL_EXAMPLE = ["D-001", "Acme renewal", "Sales Pipeline", "Qualified to buy", "open", 12500, "EUR", "Alice Martin",
                "2026-10-01", "2026-12-15", 40, "Pipeline", "Referral", "Mid-Market"]
STAGE_ROWS = [("Appointment scheduled", 20, "open"), ("Qualified to buy", 40, "open"),
              ("Presentation scheduled", 60, "open"), ("Decision maker bought-in", 80, "open"),
              ("Contract sent", 90, "open"), ("Closed won", 100, "won"), ("Closed lost", 0, "lost")]
SURVEY_COLUMNS = ["Submitted at", "Department", "Team", "Location",
                  "How likely are you to recommend this company as a place to work? (0-10)",
                  "I have the tools I need to do my job well. (1-5)", "My manager gives me useful feedback. (1-5)",
                  "My workload is manageable. (1-5)", "What is one thing we should change?"]
SURVEY_EXAMPLE = ["2026-11-02 09:30", "Engineering", "Platform", "Paris", 9, 4, 5, 3, "More focus time"]


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for row in rows:
        sheet.append(list(row))
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = min(max(len(str(column[0].value)) + 2, 12), 50)
    sheet.freeze_panes = "A2"
    return sheet


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def deals_template() -> bytes:
    """An .xlsx with the canonical deal columns (one example row) and a stage sheet."""
    workbook = Workbook()
    _sheet(workbook, "Deals", DEAL_COLUMNS, [DEAL_EXAMPLE], first=True)
    _sheet(workbook, "Stages", ["Stage", "Probability (%)", "Outcome (open/won/lost)"], STAGE_ROWS)
    return _bytes(workbook)


def survey_template() -> bytes:
    """An .xlsx with the eNPS question, a few pulse questions and a comment column."""
    workbook = Workbook()
    _sheet(workbook, "Responses", SURVEY_COLUMNS, [SURVEY_EXAMPLE], first=True)
    return _bytes(workbook)
