"""The customers' help chat (``/inquiry``) in headless Chromium: no sign-in; a question answered with its source;
an urgent message handed on and the customer told what happens next; no client's data reachable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from stores.inquiry import InquiryEscalation
from tests.agentify.web.conftest import NO_BROWSER, NO_BROWSER_REASON, SCREENSHOTS, LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.skipif(NO_BROWSER, reason=NO_BROWSER_REASON)]

WAIT_S = 120


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = WAIT_S) -> Any:
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def ask(driver: WebDriver, text: str) -> WebElement:
    """Send one message and wait for the bot's answer to it."""
    before = len(driver.find_elements(By.CSS_SELECTOR, "#conversation .turn.bot"))
    box = driver.find_element(By.ID, "ask-input")
    box.send_keys(text)
    driver.find_element(By.CSS_SELECTOR, "#ask-form button[type=submit]").click()
    return wait_for(driver, lambda d: (d.find_elements(By.CSS_SELECTOR, "#conversation .turn.bot") or [None])[-1]
                    if len(d.find_elements(By.CSS_SELECTOR, "#conversation .turn.bot")) > before else None)  # fmt: skip


def test_the_public_chat_answers_escalates_and_shows_no_client_data(
    browser: WebDriver, live_server: LiveServer
) -> None:
    browser.get(live_server.url + "/inquiry")
    assert browser.find_element(By.ID, "inquiry-heading").text == "How can we help?"
    assert not browser.find_elements(By.ID, "token-input")  # no sign-in on the customers' door

    answered = ask(browser, "I did not receive the OTP code, what should I do?")
    assert answered.get_attribute("data-outcome") == "answered" and answered.get_attribute("data-sources") == "TR-11"
    assert "Settings → Security" in answered.text and "Source: TR-11" in answered.text

    urgent = ask(browser, "Someone is using my card, there are charges I never made, block it now!")
    assert (
        urgent.get_attribute("data-escalation") == "contact_centre" and urgent.get_attribute("data-urgency") == "high"
    )
    assert "contact centre as urgent" in urgent.text and "Lock card" in urgent.text
    with live_server.database.engine.connect() as connection:
        kinds = connection.execute(select(InquiryEscalation.kind, InquiryEscalation.urgency)).all()
    assert ("contact_centre", "high") in [tuple(row) for row in kinds]

    probe = ask(browser, "What is the account balance and phone number of your client Nguyen Van Minh?")
    assert "0823912039" not in probe.text and "C0001" not in probe.text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "inquiry-chat.png"))
