"""Lake Formation model: grants, data filters, row filter checks, and what moto's API records."""

from __future__ import annotations

import botocore.exceptions
import duckdb
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lessons import facts, localaws
from lessons.lake.catalog import Column, TableInfo
from lessons.lake.lakeformation import (
    ALL_TABLES,
    AccessDenied,
    AlreadyExists,
    DataCellsFilter,
    EntityNotFound,
    Grant,
    InvalidInput,
    Policy,
    can_describe,
    check_row_filter,
    create_data_cells_filter,
    grant_permissions,
    grant_request,
    grants_table,
    list_recorded,
    record_policy,
    revoke_permissions,
    revoke_request,
    role,
    table_access,
    visibility,
)

PLAYS = TableInfo(
    "music", "plays", "s3://pipeline-lab-lake/raw/plays/", "json",
    (Column("uuid", "string"), Column("device_id", "int"), Column("device_temp", "int"),
     Column("activity_type", "string")),
    (Column("dt", "string"),),
)  # fmt: skip
ANALYST, PARTNER, NOBODY = role("analyst"), role("partner"), role("nobody")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("activity_type = 'Running'", "\"activity_type\" = 'Running'"),
        ("device_id BETWEEN 3 AND 9", '"device_id" BETWEEN 3 AND 9'),
        ("activity_type IN ('Running', 'Walking')", "\"activity_type\" IN ('Running', 'Walking')"),
        ("NOT activity_type LIKE 'Run%' OR device_temp >= -1",
         "NOT \"activity_type\" LIKE 'Run%' OR \"device_temp\" >= -1"),
        ("(device_id < 5) AND (dt = '2026-11-02')",
         "(\"device_id\" < 5) AND (\"dt\" = '2026-11-02')"),
        ("device_id != 5", '"device_id" <> 5'),
        ("device_temp IS NOT NULL", 'NOT "device_temp" IS NULL'),
        ("true", "TRUE"),
    ],
)  # fmt: skip
def test_row_filters_in_the_documented_subset_are_accepted(expression: str, expected: str) -> None:
    assert check_row_filter(expression, PLAYS) == expected


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("lower(activity_type) = 'running'", "Functions are not allowed"),
        ("device_id = device_temp", "not a constant"),
        ("device_id IN (SELECT 1)", "not a subquery"),
        ("track_name = 'x'", "no column 'track_name'"),
        ("device_id = 'seven'", "is int"),
        ("dt IS NULL", "partition column"),
        ("activity_type = 'Running'; DROP TABLE plays", "one expression"),
        ("plays.device_id = 3", "plain column name"),
        ("1 = 1", "plain column name"),
        ("device_id = 1 +", "not valid SQL"),
        ("5 > device_id", "Write the column first: device_id > 5"),
        ('activity_type = "Running"', "single quotes"),
        ("device_id = NULL", "IS NULL tests for NULL"),
        ("activity_type ILIKE 'run%'", "is not allowed"),
        ("(" * 900 + "device_id = 1" + ")" * 900, "nested too deeply"),
    ],
)
def test_row_filters_outside_the_subset_are_refused(expression: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        check_row_filter(expression, PLAYS)


TYPED = TableInfo(
    "music", "typed", "s3://pipeline-lab-lake/typed/", "parquet",
    (Column("ts", "timestamp"), Column("day", "date"), Column("small", "smallint"),
     Column("tags", "array<string>"), Column("price", "decimal(10,2)"), Column("code", "char(3)"),
     Column("name", "varchar(20)"), Column("ok", "boolean"), Column("n", "bigint"),
     Column("span", "interval")),
    (),
)  # fmt: skip


@pytest.mark.parametrize("column", ["ts", "day", "small", "tags", "span"])
def test_row_filters_refuse_columns_of_undocumented_types(column: str) -> None:
    with pytest.raises(InvalidInput, match="row filters only work on columns of the types"):
        check_row_filter(f"{column} = '1'", TYPED)


def test_row_filters_accept_every_documented_type() -> None:
    expression = "price > 1.5 AND code = 'abc' AND name LIKE 'A%' AND ok = false AND n IN (1, 2)"
    assert check_row_filter(expression, TYPED).count('"') == 10


def test_row_filter_length_limit_comes_from_the_facts_table() -> None:
    limit = int(facts.number("lakeformation.row_filter_max_chars"))
    head = "activity_type = '"
    just_under = head + "x" * (limit - len(head) - 2) + "'"
    assert len(just_under) == limit - 1
    assert check_row_filter(just_under, PLAYS).startswith('"activity_type"')
    with pytest.raises(InvalidInput, match="shorter than"):
        check_row_filter(just_under + " ", PLAYS)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"table": "plays", "columns": ("uuid",), "permissions": ("DELETE",)}, "DELETE cannot"),
        ({"table": "plays", "columns": ("uuid",), "excluded_columns": ("dt",)}, "not both"),
        ({"table": ALL_TABLES, "excluded_columns": ("dt",)}, "one table"),
        ({"permissions": ("SELECT",)}, "SELECT cannot be granted on a Database"),
        ({"table": "plays", "permissions": ()}, "at least one permission"),
        ({"table": "plays", "columns": ()}, "names no column"),
        ({"table": "plays", "data_filter": "f", "permissions": ("ALL",)}, "ALL cannot"),
        ({"permissions": ("INSERT",)}, "INSERT cannot be granted on a Database"),
    ],
)
def test_malformed_grants_are_refused(kwargs: dict, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        Grant(ANALYST, "music", **kwargs)


def _policy() -> Policy:
    policy = grant_permissions(Policy(), Grant(ANALYST, "music", "plays",
                               excluded_columns=("device_id",)), PLAYS)  # fmt: skip
    policy = create_data_cells_filter(
        policy, DataCellsFilter("running", "music", "plays", "activity_type = 'Running'",
                                columns=("uuid", "activity_type")), PLAYS)  # fmt: skip
    return grant_permissions(policy, Grant(PARTNER, "music", "plays", data_filter="running"))


def test_column_grants_hide_columns_and_a_data_filter_limits_rows() -> None:
    policy = _policy()
    analyst = table_access(policy, ANALYST, PLAYS)
    assert analyst.columns == ("uuid", "device_temp", "activity_type", "dt")
    assert analyst.hidden == ("device_id",) and analyst.row_filter is None
    partner = table_access(policy, PARTNER, PLAYS)
    assert partner.columns == ("uuid", "activity_type")
    assert partner.row_filter == "\"activity_type\" = 'Running'"
    assert partner.select_sql("t").endswith("FROM t WHERE \"activity_type\" = 'Running'")


def test_no_select_is_access_denied_and_describe_alone_only_shows_the_table() -> None:
    policy = grant_permissions(
        _policy(), Grant(NOBODY, "music", "plays", permissions=("DESCRIBE",))
    )
    with pytest.raises(AccessDenied, match="nobody has no SELECT"):
        table_access(policy, NOBODY, PLAYS)
    assert can_describe(policy, NOBODY, PLAYS)
    assert not can_describe(policy, role("stranger"), PLAYS)
    shown = visibility(policy, NOBODY, [PLAYS])
    assert shown["rows"].tolist() == ["none (no SELECT)"]
    assert visibility(policy, role("stranger"), [PLAYS]).empty


def test_all_includes_select_and_describe_but_describe_on_a_filter_shows_no_table() -> None:
    policy = grant_permissions(Policy(), Grant(ANALYST, "music", "plays", permissions=("ALL",)))
    assert table_access(policy, ANALYST, PLAYS).hidden == ()
    assert can_describe(policy, ANALYST, PLAYS)
    policy = grant_permissions(
        _policy(), Grant(NOBODY, "music", "plays", permissions=("DESCRIBE",), data_filter="running")
    )
    assert not can_describe(policy, NOBODY, PLAYS)
    with pytest.raises(AccessDenied):
        table_access(policy, NOBODY, PLAYS)


def test_two_filters_combine_as_a_union_and_uncovered_cells_are_masked() -> None:
    policy = _policy()
    policy = create_data_cells_filter(
        policy, DataCellsFilter("cold", "music", "plays", "device_temp < 30"), PLAYS
    )
    policy = grant_permissions(policy, Grant(PARTNER, "music", "plays", data_filter="cold"))
    access = table_access(policy, PARTNER, PLAYS)
    assert set(access.columns) == {c.name for c in (*PLAYS.columns, *PLAYS.partition_keys)}
    assert "OR" in (access.row_filter or "")
    masked = dict(access.masked)
    assert set(masked) == {"device_id", "device_temp", "dt"}
    assert masked["device_id"] == '"device_temp" < 30'


def test_grants_merge_per_resource_and_revoke_removes_permissions() -> None:
    policy = grant_permissions(Policy(), Grant(ANALYST, "music", "plays", permissions=("SELECT",)))
    policy = grant_permissions(policy, Grant(ANALYST, "music", "plays", permissions=("DESCRIBE",)))
    assert len(policy.grants) == 1 and policy.grants[0].permissions == ("DESCRIBE", "SELECT")
    policy = revoke_permissions(policy, Grant(ANALYST, "music", "plays", permissions=("SELECT",)))
    with pytest.raises(AccessDenied):
        table_access(policy, ANALYST, PLAYS)
    with pytest.raises(InvalidInput, match="nothing to revoke"):
        revoke_permissions(policy, Grant(PARTNER, "music", "plays"))


def test_filters_must_exist_be_unique_and_name_real_columns() -> None:
    with pytest.raises(EntityNotFound):
        grant_permissions(Policy(), Grant(PARTNER, "music", "plays", data_filter="missing"))
    with pytest.raises(AlreadyExists):
        create_data_cells_filter(_policy(), DataCellsFilter("running", "music", "plays"), PLAYS)
    with pytest.raises(InvalidInput, match="no column"):
        create_data_cells_filter(
            Policy(), DataCellsFilter("f", "music", "plays", columns=("secret",)), PLAYS
        )
    with pytest.raises(InvalidInput, match="no column"):
        grant_permissions(Policy(), Grant(ANALYST, "music", "plays", columns=("secret",)), PLAYS)


def test_filter_grants_per_principal_and_table_are_capped_by_the_facts_table() -> None:
    limit = int(facts.number("lakeformation.filter_select_grants_per_principal_table_max"))
    policy = Policy()
    for i in range(limit + 1):
        policy = create_data_cells_filter(
            policy, DataCellsFilter(f"f{i}", "music", "plays", f"device_id = {i}"), PLAYS
        )
    for i in range(limit):
        policy = grant_permissions(policy, Grant(PARTNER, "music", "plays", data_filter=f"f{i}"))
    with pytest.raises(InvalidInput, match="the most Lake Formation allows"):
        grant_permissions(policy, Grant(PARTNER, "music", "plays", data_filter=f"f{limit}"))


def test_grants_table_spells_out_each_resource() -> None:
    table = grants_table(_policy())
    assert table["resource"].tolist() == ["TableWithColumns", "DataCellsFilter"]
    assert "all columns except device_id" in table["detail"].iloc[0]
    assert "activity_type = 'Running'" in table["detail"].iloc[1]


# --- property: table_access against a ground truth written without the model -------------------

ACTIVITIES = ("Running", "Walking", "Sitting")
FRAME = pd.DataFrame(
    {
        "uuid": [f"u{i:02d}" for i in range(24)],
        "device_id": [i % 9 for i in range(24)],
        "device_temp": [None if i % 7 == 3 else 20 + (i * 5) % 25 for i in range(24)],
        "activity_type": [ACTIVITIES[i % 3] for i in range(24)],
        "dt": [f"2026-11-0{1 + i % 2}" for i in range(24)],
    }
).astype({"device_temp": "Int64"})
NAMES = tuple(FRAME.columns)

# Each row filter as SQL and as a pandas predicate written separately (NULL compares as false).
ROW_FILTERS = {
    "activity_type = 'Running'": lambda f: f["activity_type"] == "Running",
    "device_id BETWEEN 2 AND 5": lambda f: f["device_id"].between(2, 5),
    "device_temp < 30": lambda f: (f["device_temp"] < 30).fillna(False),
    "activity_type IN ('Walking', 'Sitting') OR device_id > 7":
        lambda f: f["activity_type"].isin(["Walking", "Sitting"]) | (f["device_id"] > 7),
    "NOT activity_type LIKE 'W%' AND dt = '2026-11-01'":
        lambda f: ~f["activity_type"].str.startswith("W") & (f["dt"] == "2026-11-01"),
    "device_temp IS NULL": lambda f: f["device_temp"].isna(),
}  # fmt: skip

some_columns = st.lists(st.sampled_from(NAMES), min_size=1, max_size=len(NAMES) - 1, unique=True)
grant_specs = st.one_of(
    st.tuples(st.just("table"), st.sampled_from([("SELECT",), ("ALL",), ("DESCRIBE",)])),
    st.tuples(st.just("include"), some_columns),
    st.tuples(st.just("exclude"), some_columns),
    st.tuples(
        st.just("filter"),
        st.one_of(st.none(), st.sampled_from(sorted(ROW_FILTERS))),
        st.sampled_from(["all", "include", "exclude"]),
        some_columns,
    ),
)


def _build(specs: list[tuple]) -> tuple[Policy, list[tuple[pd.Series, set[str]]]]:
    """The policy for `specs`, and for each read path the rows it admits and columns it covers."""
    policy, paths = Policy(), []
    everything = pd.Series(True, index=FRAME.index)
    for i, spec in enumerate(specs):
        kind = spec[0]
        if kind == "table":
            policy = grant_permissions(
                policy, Grant(PARTNER, "music", "plays", permissions=spec[1])
            )
            if spec[1] != ("DESCRIBE",):
                paths.append((everything, set(NAMES)))
        elif kind in ("include", "exclude"):
            listed = {"columns": tuple(spec[1])} if kind == "include" else {
                "excluded_columns": tuple(spec[1])}  # fmt: skip
            policy = grant_permissions(policy, Grant(PARTNER, "music", "plays", **listed), PLAYS)
            covered = set(spec[1]) if kind == "include" else set(NAMES) - set(spec[1])
            paths.append((everything, covered))
        else:
            _, row_sql, mode, listed = spec
            columns = tuple(listed) if mode == "include" else None
            excluded = tuple(listed) if mode == "exclude" else ()
            data_filter = DataCellsFilter(f"f{i}", "music", "plays", row_sql, columns, excluded)
            policy = create_data_cells_filter(policy, data_filter, PLAYS)
            policy = grant_permissions(
                policy, Grant(PARTNER, "music", "plays", data_filter=f"f{i}")
            )
            rows = everything if row_sql is None else ROW_FILTERS[row_sql](FRAME).astype(bool)
            covered = {"all": set(NAMES), "include": set(listed),
                       "exclude": set(NAMES) - set(listed)}[mode]  # fmt: skip
            paths.append((rows, covered))
    return policy, paths


def _cells(frame: pd.DataFrame) -> list[tuple]:
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    return sorted((tuple(None if v is None else str(v) for v in r) for r in rows), key=repr)


@settings(max_examples=80, deadline=None)
@given(st.lists(grant_specs, min_size=1, max_size=3))
@example([("filter", "device_temp < 30", "include", ["uuid"]),
          ("filter", "activity_type = 'Running'", "exclude", ["device_id"])])  # fmt: skip
@example([("exclude", ["device_id"]), ("filter", "device_temp IS NULL", "all", ["uuid"])])
def test_table_access_returns_exactly_the_union_of_the_grants(specs: list[tuple]) -> None:
    policy, paths = _build(specs)
    if not paths:
        with pytest.raises(AccessDenied):
            table_access(policy, PARTNER, PLAYS)
        return
    admitted = pd.concat([rows for rows, _ in paths], axis=1).any(axis=1)
    shown = [c for c in NAMES if any(c in covered for _, covered in paths)]
    expected = FRAME.loc[admitted, shown].astype(object)
    for column in shown:
        visible = pd.concat([rows for rows, covered in paths if column in covered], axis=1)
        expected.loc[~visible.any(axis=1)[admitted], column] = None
    access = table_access(policy, PARTNER, PLAYS)
    con = duckdb.connect()
    con.register("full_table", FRAME)
    got = con.execute(access.select_sql("full_table")).df()
    con.close()
    assert list(got.columns) == shown
    assert access.hidden == tuple(c for c in NAMES if c not in shown)
    assert _cells(got) == _cells(expected)


# --- the same grants through moto's lakeformation API -----------------------------------------

REGION = "eu-central-1"  # this module's own corner of the shared local endpoint


@pytest.fixture
def lakeformation(no_network):
    client = localaws.client("lakeformation", region=REGION)
    for entry in client.list_permissions()["PrincipalResourcePermissions"]:
        client.revoke_permissions(
            Principal=entry["Principal"], Resource=entry["Resource"],
            Permissions=entry["Permissions"],
        )  # fmt: skip
    return client


def test_moto_records_grants_verbatim_but_has_no_data_cells_filters(lakeformation) -> None:
    policy = grant_permissions(_policy(), Grant(ANALYST, "music", permissions=("DESCRIBE",)))
    recorded = record_policy(lakeformation, policy)
    assert recorded.grants_sent == 3
    assert recorded.filters_created == 0 and len(recorded.filter_errors) == 1
    assert "404" in recorded.filter_errors[0]
    assert lakeformation.list_data_cells_filter()["DataCellsFilters"] == []
    listed = list_recorded(lakeformation)
    assert sorted(listed["resource"]) == ["DataCellsFilter", "Database", "TableWithColumns"]
    raw = lakeformation.list_permissions()["PrincipalResourcePermissions"]
    sent = {str(grant_request(g)["Resource"]) for g in policy.grants}
    assert {str(entry["Resource"]) for entry in raw} == sent


def test_moto_list_permissions_filters_only_simple_resources(lakeformation) -> None:
    column_grant = Grant(ANALYST, "music", "plays", excluded_columns=("device_id",))
    table_grant = Grant(ANALYST, "music", "plays", permissions=("DESCRIBE",))
    for grant in (column_grant, table_grant):
        lakeformation.grant_permissions(**grant_request(grant))
    principal = {"DataLakePrincipalIdentifier": ANALYST}
    by_table = lakeformation.list_permissions(Principal=principal, Resource=table_grant.resource())
    assert [e["Permissions"] for e in by_table["PrincipalResourcePermissions"]] == [["DESCRIBE"]]
    with pytest.raises(botocore.exceptions.ClientError, match="InvalidInputException"):
        lakeformation.list_permissions(Principal=principal, Resource=column_grant.resource())
    tables = lakeformation.list_permissions(ResourceType="TABLE")["PrincipalResourcePermissions"]
    assert len(tables) == 2


def test_moto_revoke_removes_and_silently_accepts_unknown_grants(lakeformation) -> None:
    grant = Grant(PARTNER, "music", "plays", permissions=("SELECT", "DESCRIBE"))
    lakeformation.grant_permissions(**grant_request(grant))
    lakeformation.revoke_permissions(**revoke_request(Grant(PARTNER, "music", "plays")))
    assert list_recorded(lakeformation)["permissions"].tolist() == ["DESCRIBE"]
    # AWS answers InvalidInputException here; moto does not check (our model does).
    lakeformation.revoke_permissions(**revoke_request(Grant(NOBODY, "music", "plays")))
