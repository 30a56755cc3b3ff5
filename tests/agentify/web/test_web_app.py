"""The RM web app in headless Chromium against the real server: what an RM does in a morning.

Each flow is checked on screen and behind it (the API): the streamed answer is the
thread's answer, a confirmed note is in the CRM, a sent draft is sent and the badge
counts one less. A screenshot per flow goes to test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.agentify.web.conftest import NO_BROWSER, NO_BROWSER_REASON, TODAY, LiveServer
from tests.drivers import two_way_router

pytestmark = [pytest.mark.browser, pytest.mark.skipif(NO_BROWSER, reason=NO_BROWSER_REASON)]

WAIT_S = 120


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = WAIT_S) -> Any:
    return WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def visible(driver: WebDriver, css: str) -> WebElement:
    return wait_for(
        driver, lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()), None)
    )


def open_app(driver: WebDriver, server: LiveServer) -> None:
    """A fresh page with nothing remembered from an earlier test."""
    driver.get(server.url + "/health")  # same origin, no app script that could save a token again
    driver.execute_script("sessionStorage.clear();")
    driver.get(server.url + "/")
    visible(driver, "#token-input")


def sign_in(driver: WebDriver, server: LiveServer) -> None:
    open_app(driver, server)
    driver.find_element(By.ID, "token-input").send_keys(server.token)
    driver.find_element(By.ID, "signin-submit").click()
    visible(driver, "#chat-input")


def set_language(driver: WebDriver, language: str) -> None:
    if driver.execute_script("return document.documentElement.lang") != language:
        driver.find_element(By.ID, "lang-toggle").click()
    wait_for(driver, lambda d: d.execute_script("return document.documentElement.lang") == language)


def ask(driver: WebDriver, message: str) -> WebElement:
    """Send a chat message and wait for the run to end; the last co-pilot bubble."""
    before = len(driver.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    box = driver.find_element(By.ID, "chat-input")
    box.clear()
    box.send_keys(message)
    driver.find_element(By.ID, "chat-send").click()
    return wait_run_end(driver, before)


def wait_run_end(driver: WebDriver, ai_items_before: int) -> WebElement:
    def ended(d: WebDriver) -> WebElement | None:
        items = d.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai")
        if len(items) <= ai_items_before or not d.find_element(By.ID, "chat-send").is_enabled():
            return None
        bubbles = d.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai .bubble")
        return bubbles[-1] if bubbles and "streaming" not in (bubbles[-1].get_attribute("class") or "") else None

    bubble: WebElement = wait_for(driver, ended)
    errors = bubble.find_elements(By.CSS_SELECTOR, ".error")
    assert not errors, f"the run failed on screen: {errors[0].text}"
    return bubble


def record_streamed_text(driver: WebDriver) -> None:
    """Count the co-pilot's text as it streams (before the final answer replaces it)."""
    driver.execute_script(
        """
        window.__streamed = 0;
        const observer = new MutationObserver((records) => {
          for (const record of records) {
            if (record.target.classList && record.target.classList.contains('live-text')) {
              for (const node of record.addedNodes) {
                window.__streamed = Math.max(window.__streamed, node.textContent.length);
              }
            }
          }
        });
        observer.observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});
        """
    )


def normalized(text: str) -> str:
    return " ".join(text.replace("**", "").replace("- ", " ").split())


def assert_fits_the_screen(driver: WebDriver) -> None:
    """At 1280×800 nothing needs a horizontal scroll."""
    width, inner = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == 1280 and width <= inner, f"the page is {width}px wide in a {inner}px window"


def thread_id(driver: WebDriver) -> str:
    value = driver.find_element(By.ID, "messages").get_attribute("data-thread-id")
    assert value, "the chat has no thread"
    return value


def badge_count(driver: WebDriver) -> int:
    badge = driver.find_element(By.ID, "badge")
    return int(badge.get_attribute("data-count") or 0)


# ----- flows -----------------------------------------------------------------------------------


def test_sign_in_refuses_a_bad_token_then_signs_in_and_out(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    open_app(browser, live_server)
    browser.find_element(By.ID, "token-input").send_keys("agt_not-a-real-token")
    browser.find_element(By.ID, "signin-submit").click()
    message = wait_for(browser, lambda d: d.find_element(By.ID, "signin-message").text.strip() or None)
    assert "invalid or revoked" in message
    assert not browser.find_element(By.ID, "app-view").is_displayed()
    screenshot("signin_refused")

    browser.find_element(By.ID, "token-input").clear()
    sign_in(browser, live_server)
    me = live_server.api("GET", "/api/me")
    assert me["full_name"] in browser.find_element(By.ID, "whoami").text
    assert browser.execute_script("return sessionStorage.getItem('agentify.token')") == live_server.token
    screenshot("signed_in")

    browser.refresh()  # the token is remembered for the tab's session
    visible(browser, "#chat-input")
    browser.find_element(By.ID, "sign-out").click()
    visible(browser, "#token-input")
    assert browser.execute_script("return sessionStorage.getItem('agentify.token')") is None


def test_performance_question_streams_the_answer_and_draws_a_chart(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    record_streamed_text(browser)
    bubble = ask(browser, "What's my AUM?")
    assert browser.execute_script("return window.__streamed") > 0, "no text was shown while the answer streamed"

    state = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")
    assert state["values"]["intent"] == "performance_report"
    answer = state["values"]["answer"]
    assert answer.strip()
    assert normalized(answer) in normalized(bubble.find_element(By.CSS_SELECTOR, ".answer-text").text)

    bubble = ask(browser, "AUM by segment")
    chart = bubble.find_element(By.CSS_SELECTOR, ".chart-box svg.chart")
    assert chart.size["width"] > 100 and chart.size["height"] > 50
    markup = chart.get_attribute("outerHTML") or ""
    assert "<script" not in markup and " onload=" not in markup
    state = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")
    assert state["values"]["chart_svg"], "the server answered without a chart"
    assert len(state["values"]["messages"]) == 4  # both turns on one thread
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
    assert_fits_the_screen(browser)
    screenshot("performance_chart")


def test_who_to_call_today_is_answered_once_with_names_and_what_was_understood(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    bubble = ask(browser, "Who should I call today?")
    values = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")["values"]
    assert (values["intent"], values["result"]["window"]) == ("prioritization", "today")
    understood = bubble.find_element(By.CSS_SELECTOR, ".understood")
    assert values["understood_as"] in understood.text and understood.text.startswith("Understood:")
    text = bubble.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert normalized(values["answer"]) in normalized(text)
    assert not bubble.find_elements(By.CSS_SELECTOR, "table, details")  # the answer once: text, no table
    assert "Lê Thị Oanh" in text and "C0004" not in bubble.text  # names, not ids


def test_a_pre_call_briefing_is_one_screen_with_its_talking_points(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    bubble = ask(browser, "Brief me on Mr Son, I'm calling him in 2 minutes")
    values = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")["values"]
    assert (values["intent"], values["result"]["client_id"]) == ("briefing", "C0001")
    text = bubble.find_element(By.CSS_SELECTOR, ".answer-text").text
    assert "matures 05/11/2025 (in 12 days)" in text and "Talking points:" in text
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", bubble)
    screenshot("briefing")


def test_an_answer_says_what_it_understood_and_names_what_it_did_not_apply(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    bubble = ask(browser, "average AUM of my Diamond clients")
    values = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")["values"]
    assert values["intent"] == "performance_report"
    understood = bubble.find_element(By.CSS_SELECTOR, ".understood").text
    assert "Average" in understood or "average" in understood
    assert values["understood_as"] in understood
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", bubble)
    screenshot("answer_with_understood_as")


def test_the_empty_chat_offers_suggestions_in_the_chosen_language(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    box = visible(browser, "#suggestions")
    offered = {b.get_attribute("data-intent"): b.text for b in box.find_elements(By.CSS_SELECTOR, "button.suggestion")}
    served = live_server.api("GET", "/api/copilot/suggestions")
    assert offered == {item["intent"]: item["text"]["en"] for item in served}
    assert offered["prioritization"] == "Who should I call today?"
    screenshot("empty_chat_suggestions")
    set_language(browser, "vi")
    box = visible(browser, "#suggestions")
    assert (
        box.find_element(By.CSS_SELECTOR, "button[data-intent='prioritization']").text == "Hôm nay em nên gọi cho ai?"
    )
    set_language(browser, "en")
    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    visible(browser, "#suggestions button[data-intent='performance_report']").click()
    wait_run_end(browser, ai_before)
    assert not browser.find_element(By.ID, "suggestions").is_displayed()
    values = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")["values"]
    assert values["intent"] == "performance_report"


TIE = "look into Pham Van Son for me"


@pytest.fixture
def tie_router(embeddings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A router that reads TIE two ways, half and half (the server runs in this process)."""
    from tools.routing import router

    tie = two_way_router(embeddings, "recommendation", "next_best_action")
    monkeypatch.setattr(router, "shipped_router", lambda: tie)


def test_two_close_readings_are_asked_with_buttons_and_a_typed_number_answers_too(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any], tie_router: None
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    ask(browser, TIE)
    card = visible(browser, ".decision-card[data-action='choose_intent']")
    buttons = card.find_elements(By.CSS_SELECTOR, "button[data-intent]")
    intents = [button.get_attribute("data-intent") for button in buttons]
    assert sorted(intents[:2]) == ["next_best_action", "recommendation"] and intents[-1] == "other"
    assert buttons[-1].text == f"{len(buttons)}. Something else"
    screenshot("clarification_buttons")
    set_language(browser, "vi")
    assert card.find_element(By.CSS_SELECTOR, "button[data-intent='other']").text.endswith("Việc khác")
    set_language(browser, "en")
    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    card.find_element(By.CSS_SELECTOR, "button[data-intent='next_best_action']").click()
    bubble = wait_run_end(browser, ai_before)
    assert "Suggested message:" in bubble.text
    assert live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")["values"]["intent"] == "next_best_action"

    ask(browser, TIE)
    card = visible(browser, ".decision-card[data-action='choose_intent']:not(.decided)")
    number = [b.get_attribute("data-intent") for b in card.find_elements(By.CSS_SELECTOR, "button")].index(
        "next_best_action"
    )
    answered = ask(browser, str(number + 1))
    assert "Suggested message:" in answered.text
    assert not browser.find_elements(By.CSS_SELECTOR, ".decision-card.question:not(.decided)")


def test_the_header_and_chat_fit_a_390_px_phone(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    size = browser.get_window_size()
    inner = browser.execute_script("return window.innerWidth")
    try:
        browser.set_window_size(390 + size["width"] - inner, size["height"])
        for language in ("en", "vi"):
            set_language(browser, language)
            width, viewport = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            assert viewport == 390 and width <= 390, f"{language}: the page is {width}px wide on a 390px phone"
            header = browser.find_element(By.CSS_SELECTOR, ".topbar").rect
            assert header["x"] >= 0 and header["x"] + header["width"] <= 390
        screenshot("phone_390")
    finally:
        browser.set_window_size(size["width"], size["height"])


def _interactions(server: LiveServer, client_id: str) -> list[dict[str, Any]]:
    client = server.api("GET", f"/api/crm/clients/{client_id}")
    found: list[dict[str, Any]] = client["interactions"]
    return found


def _tasks(server: LiveServer, client_id: str) -> list[dict[str, Any]]:
    client = server.api("GET", f"/api/crm/clients/{client_id}")
    found: list[dict[str, Any]] = client["open_tasks"]
    return found


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def test_note_is_logged_through_the_confirmation_card(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    before = {item["id"] for item in _interactions(live_server, "C0001")}

    ask(browser, "Met Mr. Son Pham at a coffee house today, he wants a 800 million loan, call him next Tuesday")
    card = visible(browser, ".decision-card[data-action='log_interaction']")
    assert "Pham Van Son" in card.find_element(By.CSS_SELECTOR, "[data-field='client']").text
    assert card.find_element(By.CSS_SELECTOR, "[data-field='amount_vnd']").text == "800M VND"
    due = _next_weekday(TODAY, 1)  # next Tuesday
    assert [task.get_attribute("data-due") for task in card.find_elements(By.CSS_SELECTOR, ".tasks li")] == [
        due.isoformat()
    ]
    assert {item["id"] for item in _interactions(live_server, "C0001")} == before, "written before confirming"
    assert_fits_the_screen(browser)
    screenshot("confirmation_card")

    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    card.find_element(By.CSS_SELECTOR, "button[data-decision='accept']").click()
    bubble = wait_run_end(browser, ai_before)
    assert bubble.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-status") == "written"

    new = [item for item in _interactions(live_server, "C0001") if item["id"] not in before]
    assert len(new) == 1
    assert new[0]["amount_vnd"] == 800_000_000
    assert any(task["due_on"] == due.isoformat() and task["kind"] == "call" for task in _tasks(live_server, "C0001"))
    screenshot("note_logged")


def test_which_client_is_asked_with_buttons_and_a_typed_number_answers_too(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    """Two clients called Minh: the shared question shows the RM's own two as buttons; a click, or typing
    "1" in the chat, continues the request with that client."""
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    ask(browser, "What should I do next with Nguyen Van Minh?")
    card = visible(browser, ".decision-card[data-action='choose_client']")
    choices = card.find_elements(By.CSS_SELECTOR, "button[data-client-id]")
    assert [button.get_attribute("data-client-id") for button in choices] == ["C0002", "C0003"]
    assert all("Minh" in button.text for button in choices)
    assert_fits_the_screen(browser)
    screenshot("which_client_buttons")
    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    choices[1].click()
    bubble = wait_run_end(browser, ai_before)
    assert "Ông Nguyễn Văn Minh" in bubble.text and "Suggested message:" in bubble.text

    ask(browser, "What should I do next with Nguyen Van Minh?")
    visible(browser, ".decision-card[data-action='choose_client']:not(.decided)")
    answered = ask(browser, "1")
    assert "Anh Nguyễn Văn Minh" in answered.text and "Suggested message:" in answered.text
    assert not browser.find_elements(By.CSS_SELECTOR, ".decision-card[data-action='choose_client']:not(.decided)")


def test_cancelling_the_card_writes_nothing(browser: WebDriver, live_server: LiveServer) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    before = _interactions(live_server, "C0001")

    ask(browser, "Met Mr. Son Pham today, he wants a 300 million loan")
    card = visible(browser, ".decision-card[data-action='log_interaction']")
    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    card.find_element(By.CSS_SELECTOR, "button[data-decision='ignore']").click()
    bubble = wait_run_end(browser, ai_before)
    assert bubble.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-status") == "cancelled"
    assert all(not button.is_enabled() for button in card.find_elements(By.TAG_NAME, "button"))
    assert _interactions(live_server, "C0001") == before


def test_an_edited_proposal_is_what_gets_written(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "new-thread").click()
    before = {item["id"] for item in _interactions(live_server, "C0001")}

    ask(browser, "Called Mr. Son Pham today, he may deposit 2 billion next month, email him the CD rates by Friday")
    card = visible(browser, ".decision-card[data-action='log_interaction']")
    card.find_element(By.CSS_SELECTOR, "button[data-decision='edit']").click()
    form = visible(browser, ".decision-card .edit-form")
    amount = form.find_element(By.NAME, "amount_vnd")
    amount.clear()
    amount.send_keys("2500000000")
    topic = form.find_element(By.NAME, "topic")
    topic.clear()
    topic.send_keys("CD rates for a new deposit")
    screenshot("confirmation_edit")
    ai_before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message-item.ai"))
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    bubble = wait_run_end(browser, ai_before)
    assert bubble.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-status") == "written"

    new = [item for item in _interactions(live_server, "C0001") if item["id"] not in before]
    assert [(item["amount_vnd"], item["topic"]) for item in new] == [(2_500_000_000, "CD rates for a new deposit")]


def test_inbox_approve_send_edit_dismiss_and_badge(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "tab-inbox").click()
    visible(browser, "#drafts .draft")
    listed = live_server.api("GET", "/api/drafts")
    shown = [item.get_attribute("data-draft-id") for item in browser.find_elements(By.CSS_SELECTOR, "#drafts .draft")]
    assert shown == [item["id"] for item in listed["items"]]  # urgency, then value, as the server orders them
    assert badge_count(browser) == listed["badge"] > 0
    assert_fits_the_screen(browser)
    screenshot("inbox")

    first = listed["items"][0]
    start = badge_count(browser)
    draft = browser.find_element(By.CSS_SELECTOR, f"#drafts .draft[data-draft-id='{first['id']}']")
    draft.find_element(By.CSS_SELECTOR, "button[data-action='approve']").click()
    wait_for(browser, lambda d: badge_count(d) == start - 1)
    assert live_server.api("GET", f"/api/drafts/{first['id']}")["status"] == "approved"

    send_from_the_inbox(browser, first)
    assert live_server.api("GET", f"/api/drafts/{first['id']}")["status"] == "sent"
    screenshot("inbox_sent")

    rest = [item for item in listed["items"][1:] if item["status"] == "new"]
    chat = next((item for item in rest if item["channel"] != first["channel"]), None)
    assert chat is not None, "the nightly run should draft both an e-mail and a chat message"
    send_from_the_inbox(browser, chat)
    assert live_server.api("GET", f"/api/drafts/{chat['id']}")["status"] == "sent"
    screenshot("inbox_sent_" + chat["channel"])

    to_edit = next(item for item in rest if item["id"] != chat["id"])
    start = badge_count(browser)
    draft = browser.find_element(By.CSS_SELECTOR, f"#drafts .draft[data-draft-id='{to_edit['id']}']")
    draft.find_element(By.CSS_SELECTOR, "button[data-action='edit']").click()
    body = visible(browser, f"#drafts .draft[data-draft-id='{to_edit['id']}'] textarea.edit-body")
    body.clear()
    body.send_keys("Kính gửi anh, em xin gửi lời chào và sẽ gọi lại anh trong tuần này.")
    body.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
    wait_for(browser, lambda d: live_server.api("GET", f"/api/drafts/{to_edit['id']}")["edited"])
    assert live_server.api("GET", f"/api/drafts/{to_edit['id']}")["body"].startswith("Kính gửi anh, em xin gửi")

    draft = visible(browser, f"#drafts .draft[data-draft-id='{to_edit['id']}']")
    draft.find_element(By.CSS_SELECTOR, "button[data-action='dismiss']").click()
    wait_for(browser, lambda d: badge_count(d) == start - 1)
    assert live_server.api("GET", f"/api/drafts/{to_edit['id']}")["status"] == "dismissed"
    assert live_server.api("GET", "/api/notifications")["badge"] == badge_count(browser)


def send_from_the_inbox(driver: WebDriver, draft: dict[str, Any]) -> None:
    """Send a draft as the RM does: an e-mail goes at once; a chat draft is copied, stays on the list as copied,
    and leaves it once the RM presses "I sent it"."""
    card = f"#drafts .draft[data-draft-id='{draft['id']}']"
    visible(driver, card).find_element(By.CSS_SELECTOR, "button[data-action='send']").click()
    if draft["channel"] == "chat":
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{card}[data-status='copied']"))
        assert_sent_message_shown(driver, draft)
        message = driver.find_element(By.ID, "inbox-message")
        message.find_element(By.CSS_SELECTOR, "button[data-action='confirm-sent']").click()
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, card))
    if draft["channel"] != "chat":
        assert_sent_message_shown(driver, draft)


def assert_sent_message_shown(driver: WebDriver, draft: dict[str, Any]) -> None:
    """E-mail: who it went to; chat: the text to copy into the client's app."""
    message = wait_for(
        driver, lambda d: d.find_element(By.ID, "inbox-message").text.strip() and d.find_element(By.ID, "inbox-message")
    )
    if draft["channel"] == "chat":
        assert message.find_element(By.CSS_SELECTOR, "textarea.copy-text").get_attribute("value") == draft["body"]
    else:
        assert draft["client_name"] in message.text and not message.find_elements(By.CSS_SELECTOR, "textarea")


def test_copy_puts_the_draft_on_the_clipboard_or_says_how(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    set_language(browser, "en")
    browser.find_element(By.ID, "tab-inbox").click()
    draft = visible(browser, "#drafts .draft")
    draft.find_element(By.CSS_SELECTOR, "button[data-action='copy']").click()
    message = wait_for(browser, lambda d: d.find_element(By.ID, "inbox-message").text.strip() or None)
    assert message in ("Copied to the clipboard.", "Could not copy automatically; select the text and copy it.")


def test_language_switch_translates_the_interface(
    browser: WebDriver, live_server: LiveServer, screenshot: Callable[[str], Any]
) -> None:
    sign_in(browser, live_server)
    me = live_server.api("GET", "/api/me")
    assert browser.execute_script("return document.documentElement.lang") == me["language"]  # RM's own language

    set_language(browser, "en")
    assert browser.find_element(By.ID, "tab-chat").text == "Co-pilot"
    assert browser.find_element(By.CSS_SELECTOR, "#tab-inbox [data-i18n='nav.inbox']").text == "Morning inbox"
    assert browser.find_element(By.ID, "chat-send").text == "Send"

    set_language(browser, "vi")
    assert browser.find_element(By.ID, "tab-chat").text == "Trợ lý"
    assert browser.find_element(By.CSS_SELECTOR, "#tab-inbox [data-i18n='nav.inbox']").text == "Hộp thư buổi sáng"
    assert browser.find_element(By.ID, "chat-send").text == "Gửi"
    assert browser.find_element(By.ID, "sign-out").text == "Đăng xuất"
    browser.find_element(By.ID, "tab-inbox").click()
    draft = visible(browser, "#drafts .draft")
    assert draft.find_element(By.CSS_SELECTOR, "button[data-action='send']").text == "Gửi"
    assert browser.find_element(By.ID, "inbox-refresh").text == "Làm mới"
    screenshot("vietnamese")

    browser.find_element(By.ID, "tab-chat").click()
    browser.find_element(By.ID, "new-thread").click()
    bubble = ask(browser, "AUM của tôi")
    state = live_server.api("GET", f"/api/threads/{thread_id(browser)}/state")
    assert state["values"]["intent"] == "performance_report"
    assert normalized(state["values"]["answer"]) in normalized(bubble.text)
    assert "tỷ" in bubble.text or "triệu" in bubble.text  # amounts the Vietnamese way
    screenshot("vietnamese_chat")

    browser.refresh()  # the choice is kept for the session
    visible(browser, "#inbox-refresh" if browser.find_element(By.ID, "inbox-view").is_displayed() else "#chat-input")
    assert browser.execute_script("return document.documentElement.lang") == "vi"


def test_every_string_has_both_languages_and_the_page_loads_nothing_external(
    browser: WebDriver, live_server: LiveServer
) -> None:
    open_app(browser, live_server)
    missing = browser.execute_script(
        """
        const s = window.I18N.strings;
        const en = Object.keys(s.en), vi = Object.keys(s.vi);
        return en.filter((k) => !vi.includes(k)).concat(vi.filter((k) => !en.includes(k)));
        """
    )
    assert missing == []
    resources = browser.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)")
    assert resources and all(name.startswith(live_server.url) for name in resources)


def test_chart_svg_is_cleaned_before_it_is_shown(browser: WebDriver, live_server: LiveServer) -> None:
    open_app(browser, live_server)
    cleaned = browser.execute_script(
        """
        const svg = window.AgentifyApp.safeSvg(
          '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script>' +
          '<rect width="10" height="10" onclick="alert(3)" fill="url(http://evil/x)"/>' +
          '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>' +
          '<a href="javascript:alert(4)"><text>t</text></a><text x="1">AUM</text></svg>');
        return [svg.outerHTML, window.AgentifyApp.safeSvg('<div>not svg</div>'), window.AgentifyApp.safeSvg('<svg')];
        """
    )
    markup, not_svg, broken = cleaned
    for dangerous in ("<script", "onload", "onclick", "foreignObject", "javascript:", "evil", "<a"):
        assert dangerous not in markup
    assert "<rect" in markup and ">AUM</text>" in markup
    assert not_svg is None and broken is None
