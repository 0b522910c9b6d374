"""AWS Lake Formation permissions: grants on databases, tables and columns, and data filters.

A :class:`Policy` holds what the operations ``GrantPermissions``, ``RevokePermissions`` and
``CreateDataCellsFilter`` would have stored; :func:`table_access` answers the question every
integrated engine asks before it reads a table for a principal: which columns, which rows —
or ``AccessDeniedException``. The sandbox (lessons.lake.sandbox) applies that answer before a
query ever sees the data. :func:`record_policy` sends the same grants through the real
``lakeformation`` boto3 API (the local endpoint by default) so a learner sees the calls.

Fidelity: resources and permissions have the shapes of the Lake Formation API (``Database``,
``Table`` with ``TableWildcard``, ``TableWithColumns`` with ``ColumnNames`` or
``ColumnWildcard.ExcludedColumnNames``, ``DataCellsFilter`` with ``RowFilter`` and column include
or exclude lists), and each resource type takes the permissions of the permissions reference
(https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-reference.html; ``ALL``
includes SELECT and DESCRIBE). Row filter expressions are checked against the documented PartiQL
subset (https://docs.aws.amazon.com/lake-formation/latest/dg/partiql-support.html):
``<column> <operator> <constant>`` with =, <>, !=, <, >, <=, >=, BETWEEN, IN, LIKE, IS [NOT]
NULL (not on partition columns), joined with AND / OR / NOT; no functions, no column-to-column
comparison, only columns of the documented types, shorter than the documented length; limits
come from the facts table. Several SELECT grants on one table combine as a union: a row is
returned if any grant admits it, a column if any grant includes it, and a cell of an admitted row
that no admitting grant covers comes back NULL. AWS documents cell-level security as different
columns per row with NULL in restricted cells
(https://docs.aws.amazon.com/lake-formation/latest/dg/data-filtering-overview.html,
https://docs.aws.amazon.com/lake-formation/latest/dg/data-filters-about.html) but does not spell
out the combination rule; the union is our reading. Simplified: one account and catalog, no
grant option (so not its rules, such as include lists only for grantable column grants), no
LF-Tags, no IAMAllowedPrincipals group or hybrid access mode (every table here behaves as if only
Lake Formation permissions apply), no nested (struct) columns, no data-location permissions;
data lake administrators get nothing implicitly here: they are granted like anyone else.
Checked against moto 5.2 (server mode): ``grant_permissions`` / ``revoke_permissions`` /
``list_permissions`` store and return any resource verbatim and merge permissions per
(principal, resource); they accept permissions AWS refuses for the resource type (SELECT on a
``Database``); ``list_permissions`` cannot filter by a ``TableWithColumns`` or
``DataCellsFilter`` resource (it answers InvalidInputException; list everything instead), and
with a principal it needs a resource; revoking a permission nobody holds succeeds silently (AWS
refuses); nothing checks that the database or table exists; ``create_data_cells_filter`` and
``get_data_cells_filter`` are not implemented (HTTP 404) and ``list_data_cells_filter`` always
returns an empty list; and moto's Athena never consults these grants: enforcement is this
module's job.
"""

from __future__ import annotations

from lessons.lake.lakeformation.access import (
    TableAccess,
    can_describe,
    grants_table,
    table_access,
    visibility,
)
from lessons.lake.lakeformation.grants import (
    create_data_cells_filter,
    grant_permissions,
    revoke_permissions,
)
from lessons.lake.lakeformation.record import (
    Recorded,
    grant_request,
    list_recorded,
    record_policy,
    revoke_request,
)
from lessons.lake.lakeformation.resources import (
    ACCOUNT_ID,
    ALL_TABLES,
    COLUMN_PERMISSIONS,
    DATABASE_PERMISSIONS,
    FILTER_PERMISSIONS,
    TABLE_PERMISSIONS,
    AccessDenied,
    AlreadyExists,
    DataCellsFilter,
    EntityNotFound,
    Grant,
    InvalidInput,
    LakeFormationError,
    Policy,
    principal_name,
    role,
)
from lessons.lake.lakeformation.rowfilter import check_row_filter

__all__ = [
    "ACCOUNT_ID",
    "ALL_TABLES",
    "COLUMN_PERMISSIONS",
    "DATABASE_PERMISSIONS",
    "FILTER_PERMISSIONS",
    "TABLE_PERMISSIONS",
    "AccessDenied",
    "AlreadyExists",
    "DataCellsFilter",
    "EntityNotFound",
    "Grant",
    "InvalidInput",
    "LakeFormationError",
    "Policy",
    "Recorded",
    "TableAccess",
    "can_describe",
    "check_row_filter",
    "create_data_cells_filter",
    "grant_permissions",
    "grant_request",
    "grants_table",
    "list_recorded",
    "principal_name",
    "record_policy",
    "revoke_permissions",
    "revoke_request",
    "role",
    "table_access",
    "visibility",
]
