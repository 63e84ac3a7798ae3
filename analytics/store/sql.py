"""SQL that cannot be mis-assembled: a fragment travels with its parameters; spliced names come from allow-lists.

Every value in a query is a bound parameter (``?``). A ``Fragment`` is a piece of SQL together with the values of
its placeholders, in order, so that joining fragments can never shift a parameter to the wrong ``?``; it
unpacks like the ``(sql, params)`` pairs it replaces. The only text spliced into SQL besides fragments is an
identifier or keyword (a column, an alias, a grain), and ``checked`` lets it through only if it is one of a
fixed set written in the code.
"""
from __future__ import annotations

from collections.abc import Iterable
from string import Formatter
from typing import NamedTuple


class Fragment(NamedTuple):
    """A piece of SQL and the values of its ``?`` placeholders, in order."""
    sql: str
    params: list

    def __add__(self, other: Fragment) -> Fragment:  # type: ignore[override]
        """The two fragments one after the other (SQL concatenated, parameters in the same order)."""
        return Fragment(self.sql + other.sql, [*self.params, *other.params])

    @staticmethod
    def join(separator: str, parts: Iterable[Fragment]) -> Fragment:
        """The fragments separated by ``separator`` (e.g. " AND "), their parameters in order."""
        parts = list(parts)
        return Fragment(separator.join(p.sql for p in parts), [v for p in parts for v in p.params])

    @staticmethod
    def format(template: str, **parts: Fragment) -> Fragment:
        """``template`` with each ``{name}`` replaced by the fragment ``parts[name]``, its parameters taken in the
        order the places appear in the text (a fragment placed twice brings its parameters twice). The template is
        SQL written in the code: it holds no ``?`` of its own (a value goes in as a fragment, e.g.
        ``Fragment("?", [day])``) and ``{{``/``}}`` stand for braces, as in ``str.format``."""
        pieces = []
        for text, name, spec, conversion in Formatter().parse(template):
            if "?" in text:
                raise ValueError("a value in a template must be a fragment with its parameter, not a bare ?")
            pieces.append(Fragment(text, []))
            if name is None:
                continue
            if spec or conversion or name not in parts:
                raise ValueError(f"{{{name}}} in a template must name one of the fragments given")
            part = parts[name]
            if not isinstance(part, Fragment):
                raise TypeError(f"{{{name}}} must be a Fragment (SQL with its parameters), not {type(part).__name__}")
            pieces.append(part)
        return Fragment.join("", pieces)


def value_list(values: Iterable) -> Fragment:
    """``?, ?, …``: one placeholder per value (for ``IN (…)`` or a list), the values bound in order."""
    values = list(values)
    return Fragment(", ".join("?" * len(values)), values)


def checked(name: str, allowed: Iterable[str]) -> str:
    """``name`` when it is one of ``allowed`` (identifiers and keywords written in the code), else ValueError."""
    allowed = tuple(allowed)
    if name not in allowed:
        raise ValueError(f"{name!r} cannot be used in SQL here; expected one of {', '.join(allowed)}")
    return name


# The deal-id columns the queries join on (alias.column), the only names deal_key_sql splices.
DEAL_ID_COLUMNS = ("d.deal_id", "h.deal_id", "i.deal_id", "k.deal_id", "s.deal_id", "x.deal_id")


def deal_key_sql(column: str) -> str:
    """SQL expression: the deal id to join on (a Salesforce opportunity id '006…' cut to its 15 characters, so that
    15- and 18-character spellings match); ``column`` is one of DEAL_ID_COLUMNS."""
    column = checked(column, DEAL_ID_COLUMNS)
    return f"CASE WHEN regexp_full_match({column}, '006[0-9A-Za-z]{{15}}') THEN left({column}, 15) ELSE {column} END"
