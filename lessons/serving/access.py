"""Who sees what on the dashboard: row-level and column-level security per principal.

A :class:`Principal` says which columns a user may see (column-level security, CLS) and which
rows (row-level security, RLS, as a SQL predicate over processed_data's columns). The dashboard
applies both to whichever source it reads (SPICE or direct query), so a label manager and an
analyst open the same dashboard and see different numbers.

The lake lesson's Lake Formation module (lessons.lake.lakeformation) grants the same two things
on the catalog table. :func:`default_principals` defines the dashboard lesson's own principals
(label managers, device support); :func:`lake_formation_principals` turns the lake lesson's
grants into dashboard viewers through :func:`from_grants`: any object with ``principal``,
``columns`` and ``row_filter`` attributes becomes a :class:`Principal`.

A principal carries no prose: its ``role`` (one of :data:`ROLES`) and ``scope`` (the artists
or devices its rows are limited to) are data, so the app describes it in the learner's language.

Fidelity: Quick Sight's RLS uses a rules dataset (user or group → allowed values per column, or
tag-based rules) and CLS marks columns restricted to named users or groups; both are Enterprise
edition features set on the dataset. For most visual types a visual that uses a restricted
column is not shown to anyone else; a table or pivot table with the restricted column only in its
Values stays visible and shows Not Authorized in those cells, which this model leaves out (it
hides the visual). Here a rule is one SQL predicate and one column set per principal; filters
in the rules are trusted course code, never learner input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lessons.errors import LabError

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
# What kind of viewer a principal is; the app has a text key per role (serving.role.<role>).
ROLES = ("everyone", "label_manager", "device_support", "lake_formation", "custom")


class AccessError(LabError):
    """A principal or grant the dashboard cannot use, or a column the principal may not see."""


@dataclass(frozen=True)
class Principal:
    """A user or group: the columns it may see (None = all) and the rows (None = all).

    ``role`` says what kind of viewer it is (one of ROLES) and ``scope`` the values its rows
    are limited to (artists for a label manager, device ids for device support).
    """

    name: str
    columns: frozenset[str] | None = None
    row_filter: str | None = None
    role: str = "custom"
    scope: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise AccessError(f"Principal name {self.name!r} must be a short identifier.")
        if self.role not in ROLES:
            raise AccessError(f"Principal role {self.role!r} must be one of {', '.join(ROLES)}.")
        if self.columns is not None and not self.columns:
            raise AccessError(f"Principal {self.name!r} may see no column at all.")

    def may_see(self, column: str) -> bool:
        """Whether column-level security lets this principal see `column`."""
        return self.columns is None or column in self.columns

    def hidden(self, columns: Iterable[str]) -> list[str]:
        """The given columns this principal may not see, in order."""
        return [c for c in columns if not self.may_see(c)]


EVERYONE = Principal("analytics", role="everyone")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def label_manager(
    name: str, artists: Sequence[str], hidden: Sequence[str] = ("device_id",)
) -> Principal:
    """A record-label manager: only its own artists' rows, never the hidden columns (CLS)."""
    if not artists:
        raise AccessError(f"Label manager {name!r} needs at least one artist.")
    from lessons.serving.dashboard import FACT_COLUMNS

    return Principal(
        name,
        columns=frozenset(FACT_COLUMNS) - set(hidden),
        row_filter=f"artist_name IN ({_quoted(artists)})",
        role="label_manager",
        scope=tuple(artists),
    )


def device_support(devices: Sequence[int]) -> Principal:
    """Support staff for some devices: their rows only, all columns."""
    if not devices or any(not isinstance(d, int) or d < 0 for d in devices):
        raise AccessError("device_support needs non-negative integer device ids.")
    listed = ", ".join(str(d) for d in devices)
    return Principal(
        "device_support",
        row_filter=f"device_id IN ({listed})",
        role="device_support",
        scope=tuple(str(d) for d in devices),
    )


def default_principals(artists: Sequence[str]) -> dict[str, Principal]:
    """The lesson's principals, by name, given the dataset's artists (sorted for stability)."""
    names = sorted(set(artists))
    if len(names) < 2:
        raise AccessError("The lesson's principals need a dataset with at least two artists.")
    half = len(names) // 2
    people = (
        EVERYONE,
        label_manager("label_north", names[:half]),
        label_manager("label_south", names[half:]),
        device_support([0, 1, 2]),
    )
    return {p.name: p for p in people}


def lake_formation_principals() -> dict[str, Principal]:
    """The lake lesson's principals (admin, analyst, partner of lessons.lake.demo) as dashboard
    viewers: their Lake Formation grants on the Glue job's processed_data, turned into RLS/CLS."""
    from lessons.lake import demo, glue, lakeformation

    table = glue.processed_table()
    policy = demo.policy_for({table.name: table})
    grants = [lakeformation.table_access(policy, arn, table) for arn in demo.PRINCIPALS.values()]
    found = from_grants(grants)
    return {
        name: Principal(p.name, p.columns, p.row_filter, role="lake_formation")
        for name, p in found.items()
    }


def from_grants(grants: Iterable[object]) -> dict[str, Principal]:
    """Principals from Lake Formation access (objects with principal, columns, row_filter).

    lessons.lake.lakeformation.table_access returns exactly such a TableAccess per principal
    over processed_data: its columns are the table's, so the dashboard's derived ``hour`` follows
    ``device_ts`` and ``plays`` is always kept. Masked cells are not carried over, and a row
    filter must use columns the dashboard's facts keep (dt, device_id, artist_name, ...).
    """
    found: dict[str, Principal] = {}
    for grant in grants:
        try:
            name, columns, row_filter = grant.principal, grant.columns, grant.row_filter  # type: ignore[attr-defined]
        except AttributeError as exc:
            raise AccessError(
                f"{grant!r} is not a grant with principal, columns, row_filter."
            ) from exc
        visible = None
        if columns is not None:
            derived = {"hour"} if "device_ts" in columns else set()
            visible = frozenset(columns) | derived | {"plays"}
        short = name.rsplit("/", 1)[-1]  # an IAM role ARN names the role last
        found[short] = Principal(short, visible, row_filter or None)
    return found
