"""The CSV export's rows as a typed Parquet file, written in row groups: flat memory at any size.

pyarrow is optional (`pip install -e '.[formats]'`); it is imported only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.store.exports import TARGET_COLUMNS

ROW_GROUP = 50_000
_INTEGERS, _FLOATS = {"start", "end"}, {"score"}


def schema():
    """Every column a string, but the offsets (int64) and the pre-label's score (float64)."""
    import pyarrow

    def kind(column: str):
        if column in _INTEGERS:
            return pyarrow.int64()
        return pyarrow.float64() if column in _FLOATS else pyarrow.string()

    return pyarrow.schema([(column, kind(column)) for column in TARGET_COLUMNS])


def write_parquet(rows: Iterable[tuple], path: str | Path) -> int:
    """Write the rows (`TARGET_COLUMNS`) to `path`; return how many."""
    try:
        import pyarrow
        import pyarrow.parquet as parquet
    except ImportError:
        raise RuntimeError(
            "the Parquet export needs pyarrow: pip install -e '.[formats]'"
        ) from None
    table_schema, count, batch = schema(), 0, []
    with parquet.ParquetWriter(str(path), table_schema) as writer:
        for row in rows:
            batch.append(row)
            if len(batch) == ROW_GROUP:
                writer.write_table(_table(pyarrow, table_schema, batch))
                count, batch = count + len(batch), []
        if batch or not count:  # an empty export is still a file with the columns
            writer.write_table(_table(pyarrow, table_schema, batch))
            count += len(batch)
    return count


def _table(pyarrow, table_schema, batch: list[tuple]):
    columns = list(zip(*batch)) if batch else [[] for _ in TARGET_COLUMNS]
    return pyarrow.Table.from_arrays(
        [pyarrow.array(values, type=field.type) for values, field in zip(columns, table_schema)],
        schema=table_schema,
    )
