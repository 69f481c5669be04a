"""Reading rows with plain SQL as the ORM would give them, on any database the portal
runs on.

A few pages read short lists as plain, parameterised SQL, because the ORM costs more to
ask for a handful of rows than to read them. The database driver's values are not
always the ORM's: PostgreSQL's driver gives dates, times and decimals as they are, but
SQLite (`make run`'s database) gives text and floats, which the ORM converts for each
field. `read` converts each column as the ORM converts the model field it is read from.
Keep the text itself portable too: no `::` casts (CAST(x AS type)), no `= ANY(%s)`
(`in_list`).
"""

import functools

from django.db import connection


def read(sql: str, params: list, fields: tuple = ()) -> list[tuple]:
    """The rows the query returns. `fields`: for each column in order, the model field it
    is read from, or None where it needs no converting (text, whole numbers, a literal);
    columns past the end of `fields` need none either."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    converters = _converters(connection.vendor, fields)
    if not converters or not rows:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index, convert, column in converters:
            values[index] = convert(values[index], column, connection)
        converted.append(tuple(values))
    return converted


def in_list(values: list) -> str:
    """Placeholders for `column IN (...)`, one for each of `values` (at least one: an
    empty list matches nothing, as NULL, so IN (NULL) is false for every row)."""
    return "(" + ", ".join(["%s"] * len(values)) + ")" if values else "(NULL)"


@functools.cache
def _converters(vendor: str, fields: tuple) -> list[tuple]:
    """(column index, converter, the column as an expression) for each column the ORM
    converts on this database, in the order it applies them."""
    found = []
    for index, field in enumerate(fields):
        if field is None:
            continue
        column = field.get_col(field.model._meta.db_table)
        # The backend's, then the field's own (from_db_value), as SQLCompiler applies them.
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        found.extend((index, convert, column) for convert in converters)
    return found
