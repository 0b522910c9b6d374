"""The same policy sent through the real ``lakeformation`` boto3 API (the local endpoint by
default): the request bodies of GrantPermissions and RevokePermissions, :func:`record_policy`
that sends filters and grants and reports what the endpoint refused, and :func:`list_recorded`
that reads back what it stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lessons.lake.lakeformation.resources import Grant, Policy, principal_name


@dataclass(frozen=True)
class Recorded:
    """What the lakeformation endpoint accepted when a policy was sent to it."""

    grants_sent: int
    filters_created: int
    filter_errors: tuple[str, ...]


def grant_request(grant: Grant) -> dict:
    """The keyword arguments of ``lakeformation.grant_permissions`` for `grant`."""
    return {
        "Principal": {"DataLakePrincipalIdentifier": grant.principal},
        "Resource": grant.resource(),
        "Permissions": list(grant.permissions),
    }


def record_policy(lakeformation, policy: Policy) -> Recorded:
    """Send the filters (CreateDataCellsFilter) and grants (GrantPermissions) to the endpoint."""
    created, errors = 0, []
    for data_filter in policy.filters:
        try:
            lakeformation.create_data_cells_filter(TableData=data_filter.table_data())
            created += 1
        except Exception as exc:  # moto answers 404 here: report it, do not stop
            first = str(exc).splitlines()[0]
            if "(404)" in first:
                first = "CreateDataCellsFilter is not implemented by this endpoint (HTTP 404)"
            errors.append(f"{data_filter.name}: {first}")
    for grant in policy.grants:
        lakeformation.grant_permissions(**grant_request(grant))
    return Recorded(len(policy.grants), created, tuple(errors))


def revoke_request(grant: Grant) -> dict:
    """The keyword arguments of ``lakeformation.revoke_permissions`` for `grant`."""
    return grant_request(grant)


def list_recorded(lakeformation) -> pd.DataFrame:
    """Every permission the endpoint holds (ListPermissions, no filter), one row each."""
    rows = []
    kwargs: dict = {}
    while True:
        page = lakeformation.list_permissions(**kwargs)
        for entry in page["PrincipalResourcePermissions"]:
            kind, body = next(iter(entry["Resource"].items()))
            name = body.get("Name") or ("*" if "TableWildcard" in body else "")
            where = ".".join(
                x for x in (body.get("DatabaseName"), body.get("TableName"), name) if x
            )
            who = principal_name(entry["Principal"]["DataLakePrincipalIdentifier"])
            rows.append({"principal": who, "resource": kind, "on": where,
                         "permissions": ", ".join(sorted(entry["Permissions"]))})  # fmt: skip
        token = page.get("NextToken")
        if not token:
            break
        kwargs["NextToken"] = token
    table = pd.DataFrame(rows, columns=["principal", "resource", "on", "permissions"])
    return table.sort_values(["principal", "resource", "on"], ignore_index=True)
