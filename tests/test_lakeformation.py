"""Lake Formation model: grants, data filters, row filter checks, and what moto's API records."""

from __future__ import annotations

import botocore.exceptions
import pytest

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
        ("5 > device_id", '5 > "device_id"'),
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
    ],
)
def test_row_filters_outside_the_subset_are_refused(expression: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        check_row_filter(expression, PLAYS)


def test_row_filter_length_limit_comes_from_the_facts_table() -> None:
    limit = int(facts.number("lakeformation.row_filter_max_chars"))
    values = ", ".join(f"'{i:04d}'" for i in range(limit // 6))
    long_filter = f"activity_type IN ({values})"
    assert len(long_filter) >= limit
    with pytest.raises(InvalidInput, match="shorter than"):
        check_row_filter(long_filter, PLAYS)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"table": "plays", "columns": ("uuid",), "permissions": ("DELETE",)}, "DELETE cannot"),
        ({"table": "plays", "columns": ("uuid",), "excluded_columns": ("dt",)}, "not both"),
        ({"table": ALL_TABLES, "excluded_columns": ("dt",)}, "one table"),
        ({"permissions": ("SELECT",)}, "SELECT cannot be granted on a Database"),
        ({"table": "plays", "permissions": ()}, "at least one permission"),
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
