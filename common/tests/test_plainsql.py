"""common.plainsql: rows read with plain SQL as the ORM gives them. That SQLite's text
and floats become the ORM's datetimes and decimals is shown by every page answering on
SQLite (tests/test_sqlite_setup.py); here, what any database shows."""

import datetime

from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from common import plainsql

SQL = "SELECT session_key, expire_date FROM {table} WHERE session_key IN {keys} ORDER BY 1"


def sessions(*keys):
    now = timezone.now()
    for key in keys:
        Session.objects.create(
            session_key=key, session_data="", expire_date=now + datetime.timedelta(hours=1)
        )


def read(keys):
    table = connection.ops.quote_name(Session._meta.db_table)
    sql = SQL.format(table=table, keys=plainsql.in_list(keys))
    return plainsql.read(sql, keys, (None, Session._meta.get_field("expire_date")))


def test_an_in_list_holds_one_placeholder_for_each_value(db):
    sessions("a" * 32, "b" * 32, "c" * 32)

    rows = read(["a" * 32, "c" * 32])

    assert rows == list(
        Session.objects.filter(session_key__in=["a" * 32, "c" * 32])
        .order_by("session_key")
        .values_list("session_key", "expire_date")
    )
    assert [key for key, _ in rows] == ["a" * 32, "c" * 32]
    assert all(timezone.is_aware(expires) for _, expires in rows)


def test_an_empty_in_list_matches_nothing(db):
    sessions("a" * 32)

    assert plainsql.in_list([]) == "(NULL)"
    assert read([]) == []
