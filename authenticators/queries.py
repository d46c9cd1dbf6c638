"""Reading one row by a key that names at most one."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, RelatedPopulator, get_related_populators
from django.db.models.sql import Query
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)


def one(queryset: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None: `first()` without its ORDER BY, whose
    compiling costs more than the rest of such a query on a request's hot path (a unique key
    needs no order)."""
    return next(iter(queryset[:1]), None)


def compiled(query: Query, alias: str, stand_ins: list[Any]) -> str:
    """The SQL of a statement that a hot path sends with new values each time, compiled by
    the ORM for `alias` (a caller keeps it, `functools.cache` by alias), where the ORM would
    compile it anew at every call. It was made with `stand_ins` for the values, which must come
    back as its parameters, in order: the caller's values then go where they stood."""
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params) != list(stand_ins):
        raise ValueError(f"not a statement of these parameters: {sql}")
    return str(sql)


# Stands for a text key while a query is compiled, and must be found among its parameters as
# it is: a lookup that would change a key (escape a LIKE's wildcards, fold its case) changes it.
_KEY = "\x00Key%_\\\x00"


def _placeholder(field: models.Field[Any, Any] | None, position: int) -> Any:
    """What stands for the key at `position` while the query is compiled: text, or a UUID
    made for the purpose (no other parameter of a query can equal it)."""
    if field is None:
        return f"{_KEY}{position}"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    raise TypeError(f"a key is text or a UUID, not {field!r}")


@dataclass(frozen=True)
class _Compiled:
    """A query compiled on one connection, and how its row becomes models, as ModelIterable
    makes them."""

    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    key_at: tuple[int, ...]
    locks: bool
    init_list: list[str]
    start: int
    end: int
    related: list[RelatedPopulator]
    converters: dict[int, Any]


class OneByKey(Generic[M]):
    """`one(query(*keys))` for a query asked on a request's hot path with new keys each time,
    compiled once for each database connection: Django compiles a query's SQL anew every time
    it runs it, which for a join with two models' columns (`select_related`) costs more than
    the rest of reading the row. `query` filters by each key with an exact match, the key
    reaching the database as given (text) or as its field sends it (`keys`: the model fields
    the keys are compared with, where they are not text; a UUID); the rest of it is fixed.
    Only the SQL is kept: every call reads the row."""

    def __init__(
        self,
        model: type[M],
        query: Callable[..., QuerySet[M]],
        *,
        keys: tuple[models.Field[Any, Any] | None, ...] = (None,),
    ) -> None:
        self.model = model
        self.query = query
        self.keys = keys
        # Each thread has a connection of its own (Django's), and with it its compiled query.
        self._compiled: WeakKeyDictionary[BaseDatabaseWrapper, _Compiled] = WeakKeyDictionary()

    def __call__(self, *keys: Any) -> M | None:
        if len(keys) != len(self.keys):
            raise TypeError(f"{len(self.keys)} keys, not {len(keys)}")
        db = router.db_for_read(self.model)
        connection = connections[db]
        compiled = self._compiled.get(connection)
        if compiled is None:
            compiled = self._compiled[connection] = self._compile(db)
        elif compiled.locks and connection.get_autocommit():
            # What Django's compiler says of a lock outside a transaction, said here too: the
            # kept SQL is not compiled again.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = list(compiled.params)
        for at, field, key in zip(compiled.key_at, self.keys, keys, strict=True):
            params[at] = key if field is None else field.get_db_prep_value(key, connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        found = self.model.from_db(db, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.related:
            populator.populate(row, found)
        return found

    def _compile(self, db: str) -> _Compiled:
        connection = connections[db]
        placeholders = [_placeholder(field, at) for at, field in enumerate(self.keys)]
        queryset = self.query(*placeholders)[:1]
        assert queryset.model is self.model
        # What the queryset's own iteration would add to the row (annotations, prefetched
        # rows) or make of it (values()) is not made here: such a query is refused.
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups  # type: ignore[attr-defined]
            or queryset.query.annotations
        ):
            raise ValueError("A lookup by key reads its model's rows, joined only")
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        key_at = []
        for field, placeholder in zip(self.keys, placeholders, strict=True):
            sent = (
                placeholder if field is None else field.get_db_prep_value(placeholder, connection)
            )
            at = [index for index, param in enumerate(params) if param == sent]
            if len(at) != 1:
                raise ValueError(f"not a query of models by a key as given: {sql}")
            key_at.append(at[0])
        if compiler.klass_info is None:
            raise ValueError(f"not a query of models by a key as given: {sql}")
        select = compiler.select
        fields = compiler.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return _Compiled(
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            key_at=tuple(key_at),
            # As Django's compiler decides whether to refuse a lock outside a transaction.
            locks=(
                queryset.query.select_for_update
                and connection.features.has_select_for_update
                and connection.features.supports_transactions
            ),
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            # Django 5.2's signature (django-stubs describe 6's, with a fetch mode).
            related=get_related_populators(compiler.klass_info, select, db),  # type: ignore[call-arg]
            converters=compiler.get_converters(
                [column[0] for column in select[: compiler.col_count]]
            ),
        )
