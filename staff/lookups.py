"""Query-string lookups on the staff site: only those its list filters and date drill-down make.

Django's admin takes any lookup on a model's own fields from the change list's query string
(`?cpr__startswith=1505831`, `?cpr__regex=...`, `?token__gt=...`), so a masked value can be
read back a digit at a time, and a lookup the database cannot run (`?created_at__year=99999`,
`?cpr__regex=(`) is a 500. The staff site mixes `FilterLookupsOnly` into every ModelAdmin
registered on it, other apps' and the libraries' included.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.filters import FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.widgets import url_params_from_lookup_dict
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime

# The years whose date drill-down Django can bound (the next year must be a date too) and
# whose bounds, made aware in local time, are still dates in UTC.
DRILL_DOWN = {"year": range(2, 9999), "month": range(1, 13), "day": range(1, 32)}


class FilterLookupsOnly(admin.ModelAdmin[Any]):
    """A lookup is allowed when a list filter or the date hierarchy consumes it (with a value
    the date hierarchy can use), or when a raw-ID popup's `limit_choices_to` asks for it."""

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest) -> bool:
        field, _, part = lookup.rpartition("__")
        if field != self.date_hierarchy:
            part = ""
        if part in DRILL_DOWN:
            return str(value).isdigit() and int(value) in DRILL_DOWN[part]
        if lookup in self.filter_parameters(request) or self._limits_choices(lookup, value):
            return self._a_bound_django_can_use(lookup, value) and super().lookup_allowed(
                lookup, value, request
            )
        return False

    def _a_bound_django_can_use(self, lookup: str, value: Any) -> bool:
        """A date filter's bound (`?created_at__gte=...`) is a date or time in a year Django can
        convert for the database: year 1 in Copenhagen's time is before year 1 in UTC, an
        OverflowError (a 500); one that is no date is refused too."""
        path, _, operator = lookup.rpartition("__")
        if operator not in ("gte", "gt", "lte", "lt"):
            return True
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return True
        if not isinstance(field, models.DateField):  # DateTimeField is one too
            return True
        try:
            bound = parse_datetime(str(value)) or parse_date(str(value))
        except ValueError:
            return False
        return bound is not None and bound.year in DRILL_DOWN["year"]

    def filter_parameters(self, request: HttpRequest) -> set[str]:
        """The query-string parameters the list filters read."""
        names: set[str] = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                names.add(str(item.parameter_name))
                continue
            path, filter_class = item if isinstance(item, (list, tuple)) else (item, None)
            field = get_fields_from_path(self.model, str(path))[-1]
            make: Any = filter_class or FieldListFilter.create
            spec = make(field, request, {}, self.model, self, field_path=str(path))
            names.update(str(name) for name in spec.expected_parameters())
        return names

    def _limits_choices(self, lookup: str, value: Any) -> bool:
        # As Django's own check: a popup of ForeignKeyRawIdWidget filters by the foreign key's
        # limit_choices_to.
        for limit in self.model._meta.related_fkey_lookups:
            if callable(limit):
                limit = limit()
            if (lookup, value) in url_params_from_lookup_dict(limit).items():
                return True
        return False
