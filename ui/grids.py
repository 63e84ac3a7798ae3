"""The Settings page's editable grids: decimals shown as text worded in the reader's language and read back on save.

Streamlit's editor draws a number column with sprintf (always "." for decimals) or the browser's locale, never the
session's: a French reader would see and have to type ``1.08``. A column of decimals is therefore a text column
holding ``fmt.editor_text`` (``1,08``, ``12,5 %``), and ``read_back`` turns the edited texts into numbers with the
one parser (``fmt.parse_number``), naming the row and the column of a cell it cannot read (nothing is saved then).
Whole numbers (an order, a headcount) stay number columns: they read the same in both languages.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ui import fmt
from ui.i18n import t

# An example of each kind of cell, shown in the message of a cell that cannot be read.
EXAMPLES = {"percent": 12.5, "factor": 1.08}


class CellError(ValueError):
    """An edited cell that is not a number: its row as the reader counts it (1 = first; None for a single field),
    the row's name when the grid has one (a stage, a currency), the column's header (or the field's label), the text
    typed and the kind of the column."""

    def __init__(self, row: int | None, name: str | None, column: str, text: str, kind: str) -> None:
        super().__init__(f"row {row}, {column}: {text!r} is not a number")
        self.row, self.name, self.column, self.text, self.kind = row, name, column, text, kind


def as_text(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """The table handed to st.data_editor: each column named in ``kinds`` ('percent', 'factor') as the text of its
    numbers in the reader's language (None where unknown); the other columns as they are."""
    out = frame.copy()
    for column, kind in kinds.items():
        out[column] = pd.Series([fmt.editor_text(v, kind) for v in frame[column]], index=frame.index, dtype=object)
    return out


def read_back(edited: pd.DataFrame, kinds: Mapping[str, str], headers: Mapping[str, str],
              name_column: str | None = None) -> pd.DataFrame:
    """The edited table with the columns of ``kinds`` as numbers (float64, NaN where blank), read by
    ``fmt.parse_number`` (a 'percent' column takes a trailing percent sign). ``CellError`` for the first cell that
    is not a number, in reading order, naming its row (by ``name_column``'s value when there is one) and its
    column header (``headers``, already translated)."""
    out = edited.copy()
    for column, kind in kinds.items():
        numbers = []
        for position, (index, typed) in enumerate(edited[column].items(), start=1):
            try:
                value = fmt.parse_number(typed, percent=kind == "percent")
            except fmt.Unreadable as exc:
                name = edited.at[index, name_column] if name_column else None
                raise CellError(position, None if fmt.missing(name) or not str(name).strip() else str(name),
                                headers[column], exc.text, kind) from None
            numbers.append(value)
        out[column] = pd.Series(numbers, index=edited.index, dtype="float64")
    return out


def read_field(typed: object, label: str) -> float:
    """A number typed in a single text field (a decimal setting shown by ``fmt.editor_text(value, "factor")``);
    ``CellError`` naming the field's ``label`` when it is blank or not a number."""
    try:
        value = fmt.parse_number(typed)
    except fmt.Unreadable:
        value = None
    if value is None:
        raise CellError(None, None, label, "" if typed is None else str(typed), "factor")
    return value


def refusal(error: CellError) -> str:
    """The message for a cell that cannot be read, in the reader's language, with an example of what it takes."""
    values = {"row": fmt.number(error.row), "column": error.column, "value": fmt.plain(error.text),
              "example": fmt.editor_text(EXAMPLES[error.kind], error.kind)}
    if error.row is None:
        return t("{column}: \u201c{value}\u201d is not a number (for example {example}). Nothing was saved.",
                 column=values["column"], value=values["value"], example=values["example"])
    if error.name is None:
        return t("Row {row}, column {column}: \u201c{value}\u201d is not a number (for example {example}). "
                 "Nothing was saved.", **values)
    return t("Row {row} ({name}), column {column}: \u201c{value}\u201d is not a number (for example {example}). "
             "Nothing was saved.", name=fmt.plain(error.name), **values)
