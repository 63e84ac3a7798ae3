"""A big CSV read a slice of records at a time: the import's two passes read it so, never the whole table at once.

``csv_chunks`` finds where the records of a UTF-8 CSV lie (the header as ``readers.read_table`` finds it, slices of
about a given size cut at record ends); ``CsvChunks.slices`` reads each slice exactly as ``read_table`` reads those
rows of the whole file (row numbers, ragged rows, blank rows, the footer of the last slice), and ``file_notes`` gives
the notes read_table writes about the file."""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass

import numpy as np

from analytics.ingest import readers
from analytics.ingest.table import (
    TAIL_RECORDS,
    Body,
    RawTable,
    ReadNote,
    column_names,
    drop_footer_rows,
    repeated_headers,
    skip_notes,
    split_ragged,
)


@dataclass
class CsvChunks:
    """Where the records of a big UTF-8 CSV lie, so that it can be read a slice at a time exactly as ``read_table``
    reads it whole: the byte ranges of its slices (each ends a record), its header and column names, the notes
    read_table writes about the file's top (those about the data come from the slices), its footer."""

    path: str
    encoding: str
    delimiter: str
    header: readers.Record
    names: list[str]
    notes: list[str]
    ranges: list[tuple[int, int]]
    footer_count: int = 0
    footer_example: str = ""
    headings: list[str] | None = None  # the header's cells, to skip the rows repeating it
    repeated: int = 0   # rows repeating the header, in the last full read of the slices

    def slices(self, file_name: str):
        """Each slice as a RawTable (row numbers and ragged rows as read_table gives them for those rows), and how
        many blank rows it skipped; ``NotStreamable`` when the parser and the quotes disagree on its records."""
        width, line = len(self.header.cells), self.header.last + 1
        self.repeated = 0
        with open(self.path, "rb") as handle:
            for number, (start, stop) in enumerate(self.ranges):
                handle.seek(start)
                text = handle.read(stop - start)
                if b"\r" in text:
                    text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                lines, last = text.count(b"\n"), number == len(self.ranges) - 1
                if last:
                    end, self.footer_count, self.footer_example = readers.trim_footer(text, 0, self.delimiter, width)
                    text = text[:end]
                data = self._body(text, width, file_name, line)
                if last and self.footer_count is None:
                    if len(data.lines) < TAIL_RECORDS:
                        raise NotStreamable
                    data, self.footer_count, self.footer_example = drop_footer_rows(data, width)
                line += lines
                ragged, widths, data = split_ragged(data, width)
                keep = data.filled.any(axis=1)
                data = data.take(keep)
                repeated = repeated_headers(self.headings or [], data.cells)
                if repeated.any():  # as read_table skips them
                    self.repeated += int(repeated.sum())
                    data = data.take(~repeated)
                frame = data.cells.reset_index(drop=True).set_axis(self.names, axis=1)
                yield RawTable(frame=frame, row_numbers=np.asarray(data.lines, dtype=np.int64), file_format="csv",
                               encoding=self.encoding, delimiter=self.delimiter, header_row=self.header.first,
                               sheet=None, sheets=[], skipped_title_rows=self.header.first - 1,
                               skipped_footer_rows=0, notes=[], ragged_rows=ragged, ragged_widths=widths), \
                    int((~keep).sum())

    def _body(self, text: bytes, width: int, file_name: str, first_line: int) -> Body:
        grid = readers.parse_body(text, self.delimiter, width, file_name, first_line)
        lines = readers.record_lines(text, len(grid), first_line)
        if len(grid) and text.count(b"\n") + (not text.endswith(b"\n")) != len(grid):
            arr = np.frombuffer(text, dtype=np.uint8)
            newlines = np.flatnonzero(arr == 10)
            ends = newlines[np.searchsorted(np.flatnonzero(arr == 34), newlines) % 2 == 0]
            starts = np.concatenate(([0], ends + 1))
            if (starts < len(text)).sum() != len(grid):
                raise NotStreamable  # stray quotes: only the whole file numbers its rows as read_table does
        return readers.cleaned_body(grid, lines)

    def file_notes(self, ragged: list[int], blank: int) -> list[str]:
        """The notes read_table writes for the whole file, once every slice is read."""
        notes = [readers.csv_note(self.encoding, self.delimiter)]
        if ragged:
            notes.append(ReadNote("ragged_rows", n=len(ragged), row=ragged[0]))
        notes += skip_notes(self.header.first, self.footer_count, self.footer_example)
        if blank:
            notes.append(ReadNote("blank_rows", n=blank))
        if self.repeated:
            notes.append(ReadNote("repeated_header", n=self.repeated))
        return notes + self.notes


class NotStreamable(Exception):
    """The file is one that only ``read_table`` reads right (read whole)."""


def csv_chunks(path: str, file_name: str, chunk_bytes: int) -> CsvChunks | None:
    """The slices of a UTF-8 CSV of about ``chunk_bytes`` each, cut at record ends; None for a file read whole
    (another encoding, a header with a blank cell, unbalanced quotes, a single slice)."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        head = handle.read(readers.HEAD_BYTES + 4096)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        skip = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        text = head[skip:].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if len(text) <= readers.HEAD_BYTES or size <= len(head):
            return None
        delimiter, header, cells = readers.csv_header(text, file_name)
        terminators = list(re.finditer(rb"\r\n|\r|\n", head[skip:]))
        if any(c is None for c in cells) or len(terminators) < header.last:
            return None
        body_start = skip + terminators[header.last - 1].end()
        ranges, start, quotes, position = [], body_start, 0, body_start
        decoder = codecs.getincrementaldecoder("utf-8")()
        handle.seek(body_start)
        try:
            while block := handle.read(chunk_bytes):
                decoder.decode(block)
                arr = np.frombuffer(block, dtype=np.uint8)
                quote_at = np.flatnonzero(arr == 34)
                newlines = np.flatnonzero(arr == 10)
                even = newlines[(quotes + np.searchsorted(quote_at, newlines)) % 2 == 0]
                quotes += len(quote_at)
                position += len(block)
                if len(even) and position < size - 2 * readers.TAIL_BYTES - chunk_bytes // 2:
                    ranges.append((start, position - len(block) + int(even[-1]) + 1))
                    start = ranges[-1][1]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    if quotes % 2 or not ranges:
        return None
    ranges.append((start, size))
    names, _, notes = column_names(cells, np.ones(len(cells), dtype=bool), letters=False)
    return CsvChunks(path, "utf-8-sig" if skip else "utf-8", delimiter, header, names, notes, ranges,
                     headings=list(cells))
