"""Two small tools for pages that read several small lists in one query: a UNION ALL of
branches with the same columns, read back into model instances."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import F, Model, QuerySet

M = TypeVar("M", bound=Model)


def union_branch(queryset: QuerySet, **columns: Any) -> QuerySet:
    """One branch of a UNION ALL of small lists: ``columns`` (expressions, or the names of
    fields) as ``row_<name>``, in the order given; every branch gives the same names in the same
    order. Sort the union by these names, so that text sorts by the database's collation."""
    named = {
        f"row_{name}": value if hasattr(value, "resolve_expression") else F(value)
        for name, value in columns.items()
    }
    return queryset.order_by().annotate(**named).values_list(*named)


def loaded(model: type[M], db: str, values: dict[str, Any]) -> M:
    """A model instance as if read from the database, from a value for each of its fields."""
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(db, names, [values[name] for name in names])
