"""Reading one row by a key that names at most one."""

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

M = TypeVar("M", bound=models.Model)


def one(queryset: QuerySet[M]) -> M | None:
    """The row a lookup by a unique key finds, or None: `first()` without its ORDER BY, whose
    compiling costs more than the rest of such a query on a request's hot path (a unique key
    needs no order)."""
    return next(iter(queryset[:1]), None)
