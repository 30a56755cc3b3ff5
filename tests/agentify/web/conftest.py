"""The real server on a temporary SQLite bank, and headless Chromium driving the RM web app.

The server runs in a background thread (uvicorn) on a free port: the small two-RM bank
(today 2025-10-24), a token for RM001 and one nightly run, so the morning inbox has
drafts. Selenium uses Debian's chromium and chromedriver and never downloads anything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.drivers import PROJECT_ROOT
from tests.http import bearer, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REPO = PROJECT_ROOT
FIXTURE = REPO / "tests" / "fixtures" / "small_bank.json"
SCREENSHOTS = REPO / "test-artifacts" / "browser"
TODAY = dt.date(2025, 10, 24)

NO_BROWSER = not (CHROMIUM.exists() and CHROMEDRIVER.exists())
NO_BROWSER_REASON = (
    f"browser tests need Debian's chromium and chromedriver at {CHROMIUM} and {CHROMEDRIVER} "
    "(apt-get install chromium chromium-driver; bootstrap installs them)"
)


@dataclass
class LiveServer:
    """The running server and what the tests need to check its data behind the browser."""

    url: str
    token: str
    database: Any
    indexes: Path

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """A call to the API as RM001 (to check what the browser did)."""
        response = httpx.request(method, self.url + path, headers=bearer(self.token), timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from agentify.app import create_app
    from agentify.commands.nightly import night
    from stores.db import Database
    from stores.fixtures import load_fixture
    from tools.core.llm.embeddings import load_embeddings
    from tools.crm.auth import issue_token
    from tools.inquiry.knowledge import build_knowledge_base
    from tools.knowledge.retrieval import build_indexes

    folder = tmp_path_factory.mktemp("browser-bank")
    database = Database(f"sqlite:///{folder / 'bank.db'}")
    database.create_schema()
    load_fixture(database, json.loads(FIXTURE.read_text(encoding="utf-8")))
    token = issue_token(database, "RM001")
    indexes = folder / "indexes"
    build_indexes(database, today=TODAY, embeddings=load_embeddings(), root=indexes)
    build_knowledge_base(database, root=indexes, embeddings=load_embeddings())  # the customers' help chat
    summary = night(database, TODAY, rm_id=None, model="none", rules=None, wave_size=50, concurrency=2, progress=False)
    assert summary["drafts_created"] > 0, f"the nightly run drafted nothing: {summary}"

    port = free_port()
    config = uvicorn.Config(create_app(database), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="browser-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", token=token, database=database, indexes=indexes)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        database.dispose()


@pytest.fixture(autouse=True)
def _server_indexes(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server finds the retrieval indexes built for its bank (read from the environment on each request)."""
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(live_server.indexes))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium at 1280×800; Selenium Manager stays offline (the driver path is given)."""
    for stale in SCREENSHOTS.glob("FAILED-*.png"):
        stale.unlink()
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1280,800",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    # The window includes the browser's own bars: grow it until the page itself is 1280×800.
    inner_width, inner_height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_size(1280 + 1280 - inner_width, 800 + 800 - inner_height)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so a failed flow can leave a screenshot behind."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def screenshot(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Save the page as test-artifacts/browser/<name>.png (and FAILED-<test>.png when the flow fails)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        browser.save_screenshot(str(path))
        return path

    yield save
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save(f"FAILED-{request.node.name}")
