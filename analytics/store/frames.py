"""Query results as pandas DataFrames, their text handed over as Arrow strings.

``con.execute(...).df()`` turns every text cell into a Python string, which pandas then packs again into its own
Arrow-backed "str" column: for the Pipeline movement's deals at a million deals (82,000 rows, 12 text columns) that
was two thirds of the fetch. ``read_frame`` fetches the result as Arrow once: its text columns become pandas "str"
columns without a Python object per cell, and DuckDB converts every other column exactly as ``df()`` does (dates,
decimals as floats, integers nullable only where a NULL is present). The frame is the one ``df()`` gives, dtypes
included: a text column without any value (NULL in every row, or no row at all) goes DuckDB's way too, since
``df()`` makes it an object column; a result with a column of another type (an enum, a list, an interval…) or
with two columns of one name is read by ``df()`` itself.
"""
from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from analytics.store.sql import Fragment

# The types whose columns DuckDB converts the same from its own result and from Arrow (checked in the tests).
_PLAIN = ("VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DATE")


def read_frame(con: duckdb.DuckDBPyConnection, query: Fragment) -> pd.DataFrame:
    """``con.execute(*query).df()``: the same frame, read faster when it has text columns."""
    con.complete()  # an earlier execute() read in part (fetchone) is run to its end: no query may start before
    return relation_frame(con, con.sql(query.sql, params=query.params))


def relation_frame(con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """``relation.df()`` (a relation of ``con``): the same frame, read faster when it has text columns."""
    names = relation.columns
    if len(set(names)) < len(names) or not all(str(t) in _PLAIN or str(t).startswith("DECIMAL(")
                                               for t in relation.types):
        return relation.df()
    table = relation.to_arrow_table()
    text = {i for i, field in enumerate(table.schema)
            if pa.types.is_string(field.type) and table.column(i).null_count < table.num_rows}
    if not text:
        return con.from_arrow(table).df()
    rest = [i for i in range(table.num_columns) if i not in text]
    converted = con.from_arrow(table.select(rest)).df() if rest else None
    columns = [table.column(i).to_pandas() if i in text else converted.iloc[:, rest.index(i)]
               for i in range(table.num_columns)]
    return pd.concat([c.rename(name) for c, name in zip(columns, names, strict=True)], axis=1)
