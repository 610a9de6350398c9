"""Bulk loads on PostgreSQL: rows in with COPY, and a table's indexes dropped
for the load and built once after it (faster than updating them row by row).
Elsewhere (SQLite) the same calls fall back to Django's bulk_create."""

import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from agreements.marks import documents_showing, mark, tracked


@contextlib.contextmanager
def indexes_built_after(model, out):
    """On PostgreSQL, drop the table's indexes that no constraint needs for a
    bulk load and build them again after it: faster than updating them row by
    row. Inside a transaction, so a failed load gets them back as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND schemaname = current_schema() "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the rows first
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
    out.write(
        f"\n  rebuilt {len(indexes)} indexes of {table} "
        f"in {time.monotonic() - started:.0f} s"
    )


def _droppable_indexes(cursor, table):
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND schemaname = current_schema() "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [table],
    )
    return cursor.fetchall()


@contextlib.contextmanager
def indexes_dropped(model, out, processes=1):
    """Outside a transaction (other processes load the table meanwhile): drop
    the table's indexes that no constraint needs, and build them again when
    the block calls the function it is given, or on its way out if it did not
    (a failed load: the table is never left without them). They are built
    `processes` at a time, each on a connection of its own."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        indexes = _droppable_indexes(cursor, table)
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    built = []

    def rebuild():
        started = time.monotonic()
        # The longest first: a GIN or RUM index is built by one process
        # (PostgreSQL 15), a B-tree's build by several where the table is large.
        definitions = sorted(
            (d.replace("INDEX", "INDEX IF NOT EXISTS", 1) for _n, d in indexes),
            key=lambda d: "USING btree" in d,
        )
        with ThreadPoolExecutor(max(1, processes)) as pool:
            list(pool.map(_build_index, definitions))
        built.append(True)
        out.write(
            f"  built {len(indexes)} indexes of {table} "
            f"in {time.monotonic() - started:.0f} s ({processes} at a time)"
        )

    try:
        yield rebuild
    finally:
        if not built:
            rebuild()


def _build_index(definition):
    """Run one CREATE INDEX on this thread's own connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(definition)
    finally:
        connection.close()


def insert(model, objs):
    """Insert `objs` and set their primary keys: bulk_create, or on PostgreSQL
    COPY (several times faster at a million rows), with keys from the sequence."""
    for obj in objs:  # foreign keys to objects inserted just before
        obj._prepare_related_fields_for_save(operation_name="insert")
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs)  # marks what it changes
    table, quote = model._meta.db_table, connection.ops.quote_name
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [table, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:  # psycopg adapts the Python values itself
                copy.write_row([f.pre_save(obj, True) for f in fields])
    if tracked(model):  # like bulk_create: the documents it changes are marked
        pks = [obj.pk for obj in objs]
        mark(
            connection.alias, documents_showing(model._base_manager.filter(pk__in=pks))
        )
    return objs
