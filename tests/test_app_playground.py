"""The SQL playground page driven with AppTest: results per principal, refusals as messages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lessons.paths import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def page(no_network) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.switch_page("views/playground.py")
    return at.run()


def _run(at: AppTest, principal: str, sql: str) -> AppTest:
    at.selectbox(key="pg_principal").set_value(principal).run()
    area = next(a for a in at.text_area if a.key.startswith("pg_sql_"))
    area.input(sql).run()
    return at.button(key="pg_run").click().run()


def test_the_same_query_shows_different_columns_and_rows_per_principal(page: AppTest) -> None:
    sql = "SELECT * FROM plays"
    admin = _run(page, "admin", sql)
    assert not admin.exception and not admin.error
    admin_rows = admin.dataframe[-1].value
    assert "device_id" in admin_rows.columns
    analyst = _run(page, "analyst", sql).dataframe[-1].value
    assert "device_id" not in analyst.columns
    partner = _run(page, "partner", sql)
    shown = partner.dataframe[-1].value
    assert set(shown["activity_type"]) == {"Running"}
    assert any("device_id" in i.value for i in partner.info)
    seen = partner.dataframe[0].value
    assert seen["rows"].tolist() == ["\"activity_type\" = 'Running'"] * 2


def test_a_hostile_query_is_an_error_message_not_an_exception(page: AppTest) -> None:
    at = _run(page, "admin", "SELECT * FROM read_csv('/etc/passwd'); DROP TABLE plays")
    assert not at.exception
    assert "one statement" in at.error[0].value
    at = _run(at, "admin", "SELECT getenv('HOME')")
    assert not at.exception and "getenv is not available" in at.error[0].value


def test_a_hidden_column_is_explained(page: AppTest) -> None:
    at = _run(page, "analyst", "SELECT device_id FROM plays")
    assert not at.exception
    assert "hidden from analyst" in at.error[0].value


def test_the_page_reads_in_korean(no_network) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "ko"
    at.switch_page("views/playground.py")
    at.run()
    assert not at.exception and at.title[0].value == "SQL 놀이터"
    seen, grants = at.dataframe[0].value, at.dataframe[1].value
    assert list(seen.columns) == ["테이블", "권한", "보이는 열", "숨겨진 열", "보이는 행"]
    assert list(grants.columns) == ["보안 주체", "리소스", "대상", "권한", "세부 내용"]


def test_query_results_keep_their_own_column_names_in_korean(no_network) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "ko"
    at.switch_page("views/playground.py")
    at = _run(at.run(), "admin", "SELECT uuid, dt AS rows FROM plays LIMIT 3")
    assert not at.exception and not at.error
    assert list(at.dataframe[-1].value.columns) == ["uuid", "rows"], "data, not page text"


def test_the_page_tables_keep_english_headers_in_english(page: AppTest) -> None:
    assert list(page.dataframe[0].value.columns) == [
        "table", "permissions", "columns", "hidden columns", "rows"]  # fmt: skip
    assert list(page.dataframe[1].value.columns) == [
        "principal", "resource", "on", "permissions", "detail"]  # fmt: skip


def test_a_join_with_repeated_column_names_is_shown(page: AppTest) -> None:
    at = _run(page, "analyst", "SELECT * FROM plays p JOIN processed_data d ON p.uuid = d.uuid")
    assert not at.exception and not at.error
    assert {"uuid", "uuid_2"} <= set(at.dataframe[-1].value.columns)


def test_sql_the_checker_cannot_handle_is_a_message(page: AppTest) -> None:
    at = _run(page, "admin", "SELECT " + "(" * 3000 + "1" + ")" * 3000)
    assert not at.exception and "nested too deeply" in at.error[0].value
    at = _run(at, "admin", "SELECT '-infinity'::DATE AS d")
    assert not at.exception and "cast that column to VARCHAR" in at.error[0].value
