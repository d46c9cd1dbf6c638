"""Reading one row by a key that names at most one."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators

M = TypeVar("M", bound=models.Model)

# The key a compiled query is made with, found again among its parameters.
STAND_IN = "\x1fcompiled-once\x1f"


def one(queryset: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None: `first()` without its ORDER BY, whose
    compiling costs more than the rest of such a query on a request's hot path (a unique key
    needs no order)."""
    return next(iter(queryset[:1]), None)


@dataclass(frozen=True)
class _SQL:
    sql: str
    params: tuple[Any, ...]
    key_at: int
    converters: list[tuple[int, list[Any], Any]]  # (column, converters, expression)
    model_columns: slice
    init_list: list[str]
    related: list[RelatedPopulator]


class Compiled(Generic[M]):
    """`one` for a lookup on a request's hot path, its SQL made once a process instead of at
    every call: for a query that joins a few tables, the ORM spends several times longer
    compiling it (each table's columns, the joins, the deferred fields, the converters) than
    sending it and making the instances (bench/profile_party.py: the party's login with its
    person, 0.86 ms against 0.16). The row becomes instances as Django's own iteration makes
    them (`Model.from_db`, the related populators, the converters of the connection that
    read it), on the database the queryset would read: what `read` gives is what
    `one(query(key))` would.

    `query` makes the queryset for a key. It is called once a database, with a stand-in key,
    which must reach the SQL as a parameter of its own (an exact lookup on a column)."""

    def __init__(self, model: type[M], query: Callable[[str], QuerySet[M]]) -> None:
        self._model = model
        self._query = query
        self._made: dict[str, _SQL] = {}  # by database alias

    def read(self, key: str) -> M | None:
        db = router.db_for_read(self._model)
        made = self._made.get(db) or self._make(db)
        params = list(made.params)
        params[made.key_at] = key
        connection = connections[db]
        with connection.cursor() as cursor:
            cursor.execute(made.sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        row = list(found)
        for column, converters, expression in made.converters:
            value = row[column]
            for converter in converters:
                value = converter(value, expression, connection)
            row[column] = value
        instance: M = self._model.from_db(db, made.init_list, row[made.model_columns])
        for related in made.related:
            related.populate(row, instance)
        return instance

    def _make(self, db: str) -> _SQL:
        queryset = self._query(STAND_IN).using(db)[:1]
        if (
            queryset.model is not self._model
            or queryset._iterable_class is not ModelIterable
            or queryset.query.annotations
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        ):
            # What `read` would leave out: values(), annotations, prefetched rows.
            raise ValueError("A compiled lookup reads its model's rows and those joined only")
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        if list(params).count(STAND_IN) != 1:
            raise ValueError("A compiled lookup's key must be one parameter of its SQL")
        select, klass_info = compiler.select, compiler.klass_info
        expressions = [column[0] for column in select[: compiler.col_count]]
        fields = klass_info["select_fields"]
        made = _SQL(
            sql=sql,
            params=tuple(params),
            key_at=list(params).index(STAND_IN),
            converters=[
                (column, converters, expression)
                for column, (converters, expression) in compiler.get_converters(expressions).items()
            ],
            model_columns=slice(fields[0], fields[-1] + 1),
            init_list=[column[0].target.attname for column in select[fields[0] : fields[-1] + 1]],
            # (Django 5.2's three arguments; django-stubs already has 6.0's fetch mode.)
            related=get_related_populators(klass_info, select, db),  # type: ignore[call-arg]
        )
        self._made[db] = made
        return made
