"""The load: exporters create and submit applications through the API (every automatic check
runs on submission); officers load their queue through the API and the page.

Reads the accounts `seed.py` wrote from `LOAD_ACCOUNTS`. Each request type has its own name,
so locust reports p50/p95/p99 for each.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
EXPORTERS = [e for e in ACCOUNTS["exporters"] if e["member_state"] == "DE"]
OFFICERS = ACCOUNTS["officers"]
_exporters = itertools.cycle(EXPORTERS)
_officers = itertools.cycle(OFFICERS)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
API_FILTERS = (
    "state=under-review",
    "assigned=me",
    "assigned=unassigned",
    "risk_rating=high",
    "cyber_surveillance=true",
    "destination=AE",
    "category=5",
    "older_than_days=30",
    "state=open&risk_rating=very-high",
)
PAGE_FILTERS = (
    "state=under-review",
    "assigned=me",
    "risk_rating=high",
    "cyber_surveillance=yes",
    "destination=CN",
    "category=4",
)
THINK = (float(os.environ.get("LOAD_THINK_MIN", "2")), float(os.environ.get("LOAD_THINK_MAX", "8")))


class Exporter(HttpUser):
    """A compliance officer filling in and submitting an application, step by step."""

    weight = 1
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.account = next(_exporters)
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"
        self.rng = random.Random()

    def _ok(self, response: Any, what: str) -> dict[str, Any] | None:
        if response.status_code >= 400:
            response.failure(f"{what}: {response.status_code} {response.text[:300]}")
            return None
        response.success()
        return response.json()  # type: ignore[no-any-return]

    @task
    def apply_and_submit(self) -> None:
        rng, account = self.rng, self.account
        end_user = rng.choice(account["end_users"])
        consignee = rng.choice(account["consignees"])
        with self.client.post(
            "/api/v1/applications/",
            json={"kind": "individual", "title": f"Load test {rng.randint(1, 10**9)}"},
            name="API exporter: create draft",
            catch_response=True,
        ) as response:
            draft = self._ok(response, "draft")
        if draft is None:
            return
        pk, version = draft["id"], draft["version"]
        steps: list[tuple[str, str, str, dict[str, Any]]] = [
            (
                "put",
                f"/api/v1/applications/{pk}",
                "API exporter: update header",
                {
                    "kind": "individual",
                    "title": draft["title"],
                    "destinations": [end_user["country"]],
                    "end_use": "Lawful interception at a licensed telecom operator",
                },
            ),
            (
                "post",
                f"/api/v1/applications/{pk}/goods-lines",
                "API exporter: add goods line",
                {
                    "product_id": rng.choice(account["products"]),
                    "quantity": str(rng.randint(1, 20)),
                    "value_eur": str(rng.randint(10, 900) * 1000),
                },
            ),
            (
                "post",
                f"/api/v1/applications/{pk}/parties",
                "API exporter: add party",
                {"role": "end-user", "party_id": end_user["id"]},
            ),
            (
                "post",
                f"/api/v1/applications/{pk}/parties",
                "API exporter: add party",
                {"role": "consignee", "party_id": consignee["id"]},
            ),
        ]
        for method, url, name, body in steps:
            self.wait()
            with getattr(self.client, method)(
                url, json={**body, "version": version}, name=name, catch_response=True
            ) as response:
                out = self._ok(response, name)
            if out is None:
                return
            version = out["version"]
        self.wait()
        with self.client.post(
            f"/api/v1/applications/{pk}/documents",
            data={"version": str(version), "kind": "end-use-statement"},
            files={"file": ("end-use-statement.pdf", PDF, "application/pdf")},
            name="API exporter: upload end-use statement",
            catch_response=True,
        ) as response:
            if self._ok(response, "upload") is None:
                return
        version += 1
        self.wait()
        with self.client.post(
            f"/api/v1/applications/{pk}/submit",
            json={"version": version},
            name="API exporter: SUBMIT (all automatic checks)",
            catch_response=True,
        ) as response:
            self._ok(response, "submit")


class Officer(HttpUser):
    """A licensing officer working through the queue: first page, then filters."""

    weight = 1
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.account = next(_officers)
        self.token = {"Authorization": f"Bearer {self.account['token']}"}
        self.cookie = {"Cookie": f"sessionid={self.account['session']}"}

    def _get(self, url: str, name: str, headers: dict[str, str]) -> None:
        with self.client.get(url, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:300]}")
            elif "/api/" in url and response.json()["count"] < 1:
                response.failure("an empty queue")
            else:
                response.success()

    @task(3)
    def api_first_page(self) -> None:
        self._get("/api/v1/cases/", "API officer: QUEUE first page", self.token)

    @task(3)
    def api_filtered(self) -> None:
        query = random.choice(API_FILTERS)
        self._get(f"/api/v1/cases/?{query}", "API officer: QUEUE filtered", self.token)

    @task(2)
    def page_first(self) -> None:
        self._get("/cases/", "Page officer: QUEUE first page", self.cookie)

    @task(2)
    def page_filtered(self) -> None:
        query = random.choice(PAGE_FILTERS)
        self._get(f"/cases/?{query}", "Page officer: QUEUE filtered", self.cookie)
