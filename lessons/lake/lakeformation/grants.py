"""The Lake Formation operations that change a policy: CreateDataCellsFilter, GrantPermissions
and RevokePermissions, each a pure function from one :class:`Policy` to the next, refusing what
AWS refuses (unknown columns, a filter that already exists, too many filter grants, revoking
what nobody holds).
"""

from __future__ import annotations

from dataclasses import replace

from lessons import facts
from lessons.lake.catalog import TableInfo
from lessons.lake.lakeformation.resources import (
    AlreadyExists,
    DataCellsFilter,
    Grant,
    InvalidInput,
    Policy,
    principal_name,
)
from lessons.lake.lakeformation.rowfilter import _check_columns, check_row_filter


def create_data_cells_filter(
    policy: Policy, data_filter: DataCellsFilter, table: TableInfo
) -> Policy:
    """CreateDataCellsFilter: checked against the table's columns, then stored."""
    if (data_filter.database, data_filter.table) != (table.database, table.name):
        raise InvalidInput(f"Filter {data_filter.name!r} names another table than {table.name}.")
    if any(
        (f.database, f.table, f.name) == (table.database, table.name, data_filter.name)
        for f in policy.filters
    ):
        raise AlreadyExists(f"A data filter {data_filter.name!r} already exists on {table.name}.")
    _check_columns(data_filter.columns or (), table, f"filter {data_filter.name!r}")
    _check_columns(data_filter.excluded_columns, table, f"filter {data_filter.name!r}")
    if data_filter.row_filter is not None:
        check_row_filter(data_filter.row_filter, table)
    return replace(policy, filters=(*policy.filters, data_filter))


def grant_permissions(policy: Policy, grant: Grant, table: TableInfo | None = None) -> Policy:
    """GrantPermissions: a second grant on the same resource adds to the first, as on AWS."""
    if grant.kind == "DataCellsFilter":
        policy.data_filter(grant.database, grant.table or "", grant.data_filter or "")
        held = [
            g
            for g in policy.grants
            if g.kind == "DataCellsFilter"
            and g.principal == grant.principal
            and (g.database, g.table) == (grant.database, grant.table)
        ]
        limit = facts.number("lakeformation.filter_select_grants_per_principal_table_max")
        if len(held) >= limit and not any(g.same_resource(grant) for g in held):
            raise InvalidInput(
                f"{principal_name(grant.principal)} already holds {limit:.0f} data filter grants "
                f"on {grant.table}, the most Lake Formation allows."
            )
    if grant.kind == "TableWithColumns" and table is not None:
        _check_columns((*(grant.columns or ()), *grant.excluded_columns), table, "grant")
    merged: list[Grant] = []
    added = False
    for existing in policy.grants:
        if existing.same_resource(grant):
            existing = replace(existing, permissions=(*existing.permissions, *grant.permissions))
            added = True
        merged.append(existing)
    if not added:
        merged.append(grant)
    return replace(policy, grants=tuple(merged))


def revoke_permissions(policy: Policy, grant: Grant) -> Policy:
    """RevokePermissions: removes the named permissions from the same principal and resource."""
    kept: list[Grant] = []
    found = False
    for existing in policy.grants:
        if existing.same_resource(grant):
            found = True
            left = tuple(p for p in existing.permissions if p not in grant.permissions)
            if left:
                kept.append(replace(existing, permissions=left))
            continue
        kept.append(existing)
    if not found:
        raise InvalidInput(
            f"{principal_name(grant.principal)} holds no permissions on that {grant.kind} "
            "resource, so there is nothing to revoke."
        )
    return replace(policy, grants=tuple(kept))
