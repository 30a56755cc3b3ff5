"""The CRM over HTTP (``agentify.api.crm``): per-RM bearer tokens, the seed's endpoints, idempotent writes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from stores.db import Database
from tests.drivers import count
from tests.http import bearer, write_headers
from tools.crm.auth import issue_token, revoke_tokens

INTERACTION: dict[str, Any] = {
    "client_id": "C0001",
    "occurred_at": "2025-10-24T10:00:00+07:00",
    "channel": "meeting",
    "location": "Branch",
    "topic": "CD renewal",
    "summary": "Discussed renewing the 12-month CD; interested in the info pack.",
    "product_code": "CD_12M",
    "sentiment": "positive",
    "tasks": [
        {"title": "Send the CD info pack", "kind": "send_document", "due_on": "2025-10-25"},
        {"title": "Call about the renewal", "kind": "call", "due_on": "2025-10-29"},
    ],
}

TASKS: dict[str, Any] = {
    "tasks": [
        {"client_id": "C0002", "title": "Review savings plan", "kind": "review", "due_on": "2025-11-03"},
        {"client_id": "C0004", "title": "Email the insurance brochure", "kind": "email", "due_on": "2025-11-04"},
    ]
}


# ----- sign-in -----------------------------------------------------------------------------

PROTECTED = [
    ("GET", "/api/me", None),
    ("GET", "/api/crm/clients?phone=0823912039", None),
    ("GET", "/api/crm/clients/C0001", None),
    ("GET", "/api/crm/data/tables", None),
    ("GET", "/api/crm/data/tables/clients/schema", None),
    ("POST", "/api/crm/data/query", {"sql": "SELECT id FROM clients"}),
    ("POST", "/api/crm/interactions", INTERACTION),
    ("POST", "/api/crm/tasks", TASKS),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_every_endpoint_needs_a_valid_token(
    client: TestClient, bank_db: Database, method: str, path: str, body: Any
) -> None:
    token = issue_token(bank_db, "RM001")
    revoke_tokens(bank_db, "RM001")
    for headers in ({}, bearer("agt_not-a-real-token"), {"Authorization": "Basic dXNlcjpwdw=="}, bearer(token)):
        headers = {**headers, "Idempotency-Key": "k-auth"}
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "detail" in response.json()
    assert count(bank_db, "interactions", client_id="C0001") == 1
    assert count(bank_db, "agentify_write_log") == 0


def test_a_revoked_token_stops_working_while_a_new_one_works(client: TestClient, bank_db: Database) -> None:
    token = issue_token(bank_db, "RM001")
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    revoke_tokens(bank_db, "RM001")
    assert client.get("/api/me", headers=bearer(token)).status_code == 401
    fresh = issue_token(bank_db, "RM001")
    assert client.get("/api/me", headers=bearer(fresh)).status_code == 200


def test_me_is_the_rm_of_the_token(client: TestClient, rm1: dict[str, str], rm2: dict[str, str]) -> None:
    me = client.get("/api/me", headers=rm1).json()
    assert me["id"] == "RM001"
    assert me["full_name"] == "Nguyễn Thu Hà"
    assert me["branch"] == "Hà Nội"
    assert me["language"] == "vi"
    assert client.get("/api/me?rm_id=RM001", headers=rm2).json()["id"] == "RM002"


# ----- clients -----------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["0823912039", "+84 823 912 039", "082.391.2039"])
def test_an_rm_finds_their_client_by_phone(client: TestClient, rm1: dict[str, str], phone: str) -> None:
    response = client.get("/api/crm/clients", params={"phone": phone}, headers=rm1)
    assert response.status_code == 200
    matches = response.json()
    assert [match["id"] for match in matches] == ["C0001"]
    assert matches[0]["matched_on"] == "phone"


def test_another_rms_client_is_not_found_by_phone(client: TestClient, rm2: dict[str, str]) -> None:
    response = client.get("/api/crm/clients", params={"phone": "0823912039"}, headers=rm2)
    assert response.status_code == 200
    assert response.json() == []
    # An rm_id in the query string changes nothing: the token decides.
    response = client.get("/api/crm/clients", params={"phone": "0823912039", "rm_id": "RM001"}, headers=rm2)
    assert response.json() == []


def test_an_rm_finds_clients_by_name(client: TestClient, rm1: dict[str, str], rm2: dict[str, str]) -> None:
    matches = client.get("/api/crm/clients", params={"name": "nguyen van minh"}, headers=rm1).json()
    assert sorted(match["id"] for match in matches) == ["C0002", "C0003"]
    assert client.get("/api/crm/clients", params={"name": "Pham Van Son"}, headers=rm2).json() == []


@pytest.mark.parametrize("query", ["", "?phone=", "?name=%20"])
def test_a_search_needs_a_phone_or_a_name(client: TestClient, rm1: dict[str, str], query: str) -> None:
    response = client.get(f"/api/crm/clients{query}", headers=rm1)
    assert response.status_code == 422
    assert "phone" in str(response.json()["detail"]) and "name" in str(response.json()["detail"])


def test_client_360_of_an_own_client(client: TestClient, rm1: dict[str, str]) -> None:
    response = client.get("/api/crm/clients/C0001", params={"today": "2025-10-24"}, headers=rm1)
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["id"] == "C0001"
    assert body["profile"]["age"] == 45
    assert body["totals"]["loans_outstanding_vnd"] > 0
    # Without ?today the loaded bank's reference date is used.
    default = client.get("/api/crm/clients/C0001", headers=rm1).json()
    assert default["days_since_contact"] == body["days_since_contact"]


def test_another_rms_client_looks_like_no_client(client: TestClient, rm1: dict[str, str], rm2: dict[str, str]) -> None:
    theirs = client.get("/api/crm/clients/C0001", headers=rm2)
    missing = client.get("/api/crm/clients/C9999", headers=rm2)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert "C0001" not in theirs.text
    assert client.get("/api/crm/clients/" + "X" * 500, headers=rm1).content == missing.content


def test_a_bad_date_is_422_not_500(client: TestClient, rm1: dict[str, str]) -> None:
    response = client.get("/api/crm/clients/C0001", params={"today": "yesterday"}, headers=rm1)
    assert response.status_code == 422
    assert any("today" in problem for problem in response.json()["detail"]["problems"])


# ----- data: tables, schemas, guarded query ------------------------------------------------


def test_tables_and_schemas(client: TestClient, rm1: dict[str, str]) -> None:
    tables = client.get("/api/crm/data/tables", headers=rm1).json()
    names = [table["name"] for table in tables]
    assert {"clients", "accounts", "interactions", "tasks"} <= set(names)
    assert all(table["description"] for table in tables)
    assert not any(name.startswith("agentify_") for name in names)

    schema = client.get("/api/crm/data/tables/accounts/schema", headers=rm1).json()
    columns = {column["name"]: column for column in schema["columns"]}
    assert {"id", "client_id", "balance_vnd", "kind", "status"} <= set(columns)
    assert columns["kind"]["allowed_values"]

    for unknown in ("nope", "agentify_api_tokens"):
        response = client.get(f"/api/crm/data/tables/{unknown}/schema", headers=rm1)
        assert response.status_code == 404
        assert "detail" in response.json()


def test_the_guarded_query_sees_only_the_rms_rows(client: TestClient, rm1: dict[str, str]) -> None:
    response = client.post(
        "/api/crm/data/query", json={"sql": "SELECT id, rm_id FROM clients ORDER BY id"}, headers=rm1
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"columns", "rows", "truncated"}
    assert body["columns"] == ["id", "rm_id"]
    assert [row[0] for row in body["rows"]] == ["C0001", "C0002", "C0003", "C0004"]
    assert {row[1] for row in body["rows"]} == {"RM001"}
    assert body["truncated"] is False


def test_the_guarded_query_returns_plain_json_values(client: TestClient, rm1: dict[str, str]) -> None:
    sql = "SELECT SUM(balance_vnd) AS total, MIN(opened_on) AS first_opened FROM accounts"
    response = client.post("/api/crm/data/query", json={"sql": sql, "today": "2025-10-24"}, headers=rm1)
    assert response.status_code == 200, response.text
    (total, first_opened), *_ = response.json()["rows"]
    assert isinstance(total, int) and total > 0
    assert isinstance(first_opened, str) and first_opened[:2] in ("19", "20")


@pytest.mark.parametrize("any_db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_array_and_json_cells_are_json_not_text(client: TestClient, rm1: dict[str, str]) -> None:
    sql = "SELECT array_agg(id ORDER BY id) AS ids, json_build_object('n', count(*)) AS counted FROM clients"
    response = client.post("/api/crm/data/query", json={"sql": sql}, headers=rm1)
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [[["C0001", "C0002", "C0003", "C0004"], {"n": 4}]]


def test_a_truncated_query_says_so(client: TestClient, rm1: dict[str, str]) -> None:
    response = client.post("/api/crm/data/query", json={"sql": "SELECT id FROM clients", "row_limit": 2}, headers=rm1)
    assert response.status_code == 200, response.text
    assert len(response.json()["rows"]) == 2
    assert response.json()["truncated"] is True


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM clients",
        "UPDATE clients SET segment = 'Gold'",
        "DROP TABLE clients",
        "SELECT 1; DELETE FROM clients",
    ],
)
def test_a_write_through_the_query_endpoint_is_refused(
    client: TestClient, bank_db: Database, rm1: dict[str, str], sql: str
) -> None:
    before = count(bank_db, "clients")
    response = client.post("/api/crm/data/query", json={"sql": sql}, headers=rm1)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert detail["refused"] is True
    assert isinstance(detail["reason"], str) and detail["reason"]
    assert count(bank_db, "clients") == before == 6


def test_a_query_body_is_validated(client: TestClient, rm1: dict[str, str]) -> None:
    response = client.post("/api/crm/data/query", json={"sql": "SELECT id FROM clients", "rm_id": "RM002"}, headers=rm1)
    assert response.status_code == 422
    assert any("rm_id comes from your sign-in" in problem for problem in response.json()["detail"]["problems"])
    for body in ({"sql": ""}, {"sql": "SELECT 1", "row_limit": 0}, {"sql": "SELECT 1", "row_limit": 5001}, {}):
        assert client.post("/api/crm/data/query", json=body, headers=rm1).status_code == 422, body
    not_json = client.post("/api/crm/data/query", content=b"{not json", headers=rm1)
    assert not_json.status_code == 422


# ----- writes: interactions ----------------------------------------------------------------


def test_an_interaction_is_written_once_per_key(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    interactions_before = count(bank_db, "interactions", client_id="C0001")
    tasks_before = count(bank_db, "tasks")

    created = client.post("/api/crm/interactions", json=INTERACTION, headers=write_headers(rm1, "meeting-1"))
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["replayed"] is False
    assert first["interaction"]["client_id"] == "C0001"
    assert first["interaction"]["rm_id"] == "RM001"
    assert [task["interaction_id"] for task in first["tasks"]] == [first["interaction"]["id"]] * 2

    replay = client.post("/api/crm/interactions", json=INTERACTION, headers=write_headers(rm1, "meeting-1"))
    assert replay.status_code == 200, replay.text
    second = replay.json()
    assert second["replayed"] is True
    assert second["interaction"]["id"] == first["interaction"]["id"]
    assert [task["id"] for task in second["tasks"]] == [task["id"] for task in first["tasks"]]

    assert count(bank_db, "interactions", client_id="C0001") == interactions_before + 1
    assert count(bank_db, "interactions", id=first["interaction"]["id"]) == 1
    assert count(bank_db, "tasks") == tasks_before + 2


def test_a_reused_key_with_another_body_is_a_conflict(
    client: TestClient, bank_db: Database, rm1: dict[str, str]
) -> None:
    assert client.post("/api/crm/interactions", json=INTERACTION, headers=write_headers(rm1, "k1")).status_code == 201
    changed = {**INTERACTION, "summary": "Something else entirely."}
    response = client.post("/api/crm/interactions", json=changed, headers=write_headers(rm1, "k1"))
    assert response.status_code == 409
    assert "k1" in response.json()["detail"]
    assert count(bank_db, "interactions", client_id="C0001") == 2


def test_a_write_needs_an_idempotency_key(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    for headers in (rm1, write_headers(rm1, "   "), write_headers(rm1, "k" * 129)):
        response = client.post("/api/crm/interactions", json=INTERACTION, headers=headers)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["detail"]
    assert count(bank_db, "interactions", client_id="C0001") == 1
    longest = client.post("/api/crm/interactions", json=INTERACTION, headers=write_headers(rm1, "k" * 128))
    assert longest.status_code == 201, longest.text


def test_an_interaction_for_another_rms_client_is_404_and_writes_nothing(
    client: TestClient, bank_db: Database, rm1: dict[str, str], rm2: dict[str, str]
) -> None:
    tasks_before = count(bank_db, "tasks")
    response = client.post("/api/crm/interactions", json=INTERACTION, headers=write_headers(rm2, "theirs"))
    missing = client.post(
        "/api/crm/interactions", json={**INTERACTION, "client_id": "C9999"}, headers=write_headers(rm2, "missing")
    )
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    assert count(bank_db, "interactions", client_id="C0001") == 1
    assert count(bank_db, "tasks") == tasks_before
    assert count(bank_db, "agentify_write_log") == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"sentiment": "angry"}, "sentiment"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"amount_vnd": -5}, "amount_vnd"),
        ({"topic": ""}, "topic"),
        ({"tasks": [{"title": "Call", "kind": "call", "due_on": "next Wednesday"}]}, "due_on"),
        ({"tasks": [{"title": "Call", "kind": "phone", "due_on": "2025-10-29"}]}, "kind"),
        ({"rm_id": "RM002"}, "rm_id comes from your sign-in"),
        ({"product_code": "NO_SUCH_PRODUCT"}, "product_code"),
    ],
)
def test_an_invalid_interaction_is_422_with_the_problems(
    client: TestClient, bank_db: Database, rm1: dict[str, str], change: dict[str, Any], field: str
) -> None:
    response = client.post("/api/crm/interactions", json={**INTERACTION, **change}, headers=write_headers(rm1, "bad"))
    assert response.status_code == 422, response.text
    problems = response.json()["detail"]["problems"]
    assert any(field in problem for problem in problems), problems
    assert count(bank_db, "interactions", client_id="C0001") == 1
    assert count(bank_db, "agentify_write_log") == 0


@pytest.mark.parametrize("change", [{"summary": "a\x00b"}, {"amount_vnd": 10**30}])
def test_a_value_the_database_cannot_hold_is_not_a_server_error(
    client: TestClient, rm1: dict[str, str], change: dict[str, Any]
) -> None:
    # PostgreSQL text cannot hold NUL (SQLite can); neither backend holds integers beyond 64 bits.
    response = client.post("/api/crm/interactions", json={**INTERACTION, **change}, headers=write_headers(rm1, "odd"))
    assert response.status_code in (201, 422), response.text


# ----- writes: tasks -----------------------------------------------------------------------


def test_tasks_are_written_once_per_key(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    before = count(bank_db, "tasks")
    created = client.post("/api/crm/tasks", json=TASKS, headers=write_headers(rm1, "tasks-1"))
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["interaction"] is None and first["replayed"] is False
    assert [(task["client_id"], task["rm_id"]) for task in first["tasks"]] == [("C0002", "RM001"), ("C0004", "RM001")]

    replay = client.post("/api/crm/tasks", json=TASKS, headers=write_headers(rm1, "tasks-1"))
    assert replay.status_code == 200
    assert replay.json()["replayed"] is True
    assert [task["id"] for task in replay.json()["tasks"]] == [task["id"] for task in first["tasks"]]
    assert count(bank_db, "tasks") == before + 2

    changed = {"tasks": [{**TASKS["tasks"][0], "due_on": "2025-11-30"}]}
    conflict = client.post("/api/crm/tasks", json=changed, headers=write_headers(rm1, "tasks-1"))
    assert conflict.status_code == 409
    assert count(bank_db, "tasks") == before + 2


def test_tasks_need_a_key_an_own_client_and_valid_fields(
    client: TestClient, bank_db: Database, rm1: dict[str, str], rm2: dict[str, str]
) -> None:
    before = count(bank_db, "tasks")
    assert client.post("/api/crm/tasks", json=TASKS, headers=rm1).status_code == 400

    theirs = client.post("/api/crm/tasks", json=TASKS, headers=write_headers(rm2, "t"))
    assert theirs.status_code == 404
    assert theirs.json() == {"detail": "no such client among your clients"}

    bad_bodies: list[Any] = [
        {"tasks": []},
        {"tasks": [{**TASKS["tasks"][0], "kind": "fax"}]},
        {"tasks": [{**TASKS["tasks"][0], "due_on": "31/12/2025"}]},
        {"tasks": [{**TASKS["tasks"][0], "recurrence": "every tuesday"}]},
        {"tasks": [{key: value for key, value in TASKS["tasks"][0].items() if key != "client_id"}]},
        {"tasks": TASKS["tasks"], "rm_id": "RM001"},
        {"tasks": [{**TASKS["tasks"][0], "rm_id": "RM001"}]},
        [TASKS["tasks"][0]],
    ]
    for body in bad_bodies:
        response = client.post("/api/crm/tasks", json=body, headers=write_headers(rm1, "bad-tasks"))
        assert response.status_code == 422, (body, response.text)
        assert response.json()["detail"]["problems"], body
    assert count(bank_db, "tasks") == before
    assert count(bank_db, "agentify_write_log") == 0


def test_one_rms_key_does_not_replay_for_another(
    client: TestClient, bank_db: Database, rm1: dict[str, str], rm2: dict[str, str]
) -> None:
    mine = {"tasks": [{**TASKS["tasks"][0], "client_id": "C0101"}]}
    assert client.post("/api/crm/tasks", json=TASKS, headers=write_headers(rm1, "same")).status_code == 201
    response = client.post("/api/crm/tasks", json=mine, headers=write_headers(rm2, "same"))
    assert response.status_code == 201
    assert response.json()["tasks"][0]["rm_id"] == "RM002"
