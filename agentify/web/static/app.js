// The RM web app: sign in with a bearer token, chat with the co-pilot (SSE over fetch),
// confirm data-entry proposals, and work through the morning inbox of nightly drafts.
// Plain JS with no build step and no external assets. Every visible string goes through I18N.t;
// server text is only ever inserted as text (textContent), and chart SVG is parsed as SVG and cleaned.
"use strict";

(function () {
  const { t } = window.I18N;
  const TOKEN_KEY = "agentify.token";
  const LANGUAGE_KEY = "agentify.language";
  const SVG_NS = "http://www.w3.org/2000/svg";

  const state = {
    token: null,
    me: null,
    threadId: null,
    busy: false,
    view: "chat",
    suggestions: [],
  };

  const $ = (id) => document.getElementById(id);

  // ----- small DOM helpers -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name === "i18n") {
        node.dataset.i18n = value;
        node.textContent = t(value);
      } else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function button(i18nKey, onClick, extra) {
    return el("button", Object.assign({ type: "button", className: "button", i18n: i18nKey, onclick: onClick }, extra));
  }

  // Labels whose key is known are translated; unknown values (a new event kind) show as they are.
  function label(prefix, value) {
    const key = `${prefix}.${value}`;
    return window.I18N.has(key) ? t(key) : String(value ?? t("card.none"));
  }

  // Markdown-ish answer text (bold, bullet lines, quotes) as safe DOM nodes.
  function renderText(text) {
    const wrapper = el("div", { className: "answer-text" });
    let list = null;
    for (const raw of String(text || "").split("\n")) {
      const line = raw.replace(/\s+$/, "");
      const bullet = line.match(/^(\s*)[-*•]\s+(.*)$/);
      if (bullet) {
        if (!list) {
          list = el("ul");
          wrapper.append(list);
        }
        const item = el("li", bullet[1].length ? { className: "nested" } : {});
        appendInline(item, bullet[2]);
        list.append(item);
        continue;
      }
      list = null;
      if (!line.trim()) continue;
      const quote = line.match(/^>\s?(.*)$/);
      const para = el(quote ? "blockquote" : "p");
      appendInline(para, quote ? quote[1] : line);
      wrapper.append(para);
    }
    return wrapper;
  }

  function appendInline(parent, text) {
    const parts = String(text).split(/(\*\*[^*]+\*\*)/g);
    for (const part of parts) {
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
        parent.append(el("strong", { text: part.slice(2, -2) }));
      } else if (part) {
        parent.append(document.createTextNode(part));
      }
    }
  }

  // ----- chart SVG: parse as SVG, keep only drawing, drop scripts, handlers and external links ----

  const SVG_BLOCKED = new Set(["script", "foreignobject", "iframe", "object", "embed", "use", "image", "a", "animate", "set"]);

  function safeSvg(markup) {
    if (typeof markup !== "string" || !markup.trim()) return null;
    const parsed = new DOMParser().parseFromString(markup, "image/svg+xml");
    const root = parsed.documentElement;
    if (!root || root.nodeName.toLowerCase() !== "svg" || root.namespaceURI !== SVG_NS || parsed.querySelector("parsererror")) {
      return null;
    }
    const walk = (node) => {
      for (const child of Array.from(node.children)) {
        if (SVG_BLOCKED.has(child.localName.toLowerCase()) || child.namespaceURI !== SVG_NS) {
          child.remove();
          continue;
        }
        walk(child);
      }
      for (const attr of Array.from(node.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.trim().toLowerCase();
        if (name.startsWith("on") || name === "href" || name === "xlink:href" || value.startsWith("javascript:") || /url\(\s*['"]?(?!#)/.test(value)) {
          node.removeAttribute(attr.name);
        }
      }
    };
    walk(root);
    const svg = document.importNode(root, true);
    svg.setAttribute("role", "img");
    svg.classList.add("chart");
    if (!svg.getAttribute("aria-label")) svg.setAttribute("aria-label", t("chat.chartLabel"));
    return svg;
  }

  // ----- cells ---------------------------------------------------------------------------------

  function cellText(key, value) {
    if (value === null || value === undefined) return t("card.none");
    if (typeof value === "number" && /(_vnd|aum|amount|balance|value)$/i.test(key)) return window.I18N.formatAmount(value);
    if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(2);
    if (Array.isArray(value)) return value.map((item) => (typeof item === "object" ? JSON.stringify(item) : item)).join("; ");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  // ----- HTTP --------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  function detailText(detail) {
    if (!detail) return "";
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail.problems)) return detail.problems.join("; ");
    if (detail.reason) return detail.reason;
    return JSON.stringify(detail);
  }

  // What the RM typed goes out in one form (NFC): some phone keyboards send decomposed accents.
  function jsonBody(body) {
    return JSON.stringify(body, (key, value) => (typeof value === "string" ? value.normalize("NFC") : value));
  }

  async function api(path, options) {
    const opts = Object.assign({ method: "GET" }, options || {});
    const headers = { Accept: "application/json", Authorization: `Bearer ${state.token}` };
    if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      opts.body = jsonBody(opts.body);
    }
    const response = await fetch(path, Object.assign(opts, { headers }));
    return readJson(response);
  }

  async function readJson(response) {
    let payload = null;
    const text = await response.text();
    try {
      payload = text ? JSON.parse(text) : null;
    } catch (error) {
      payload = { detail: text };
    }
    if (!response.ok) {
      if (response.status === 401 && state.me) {
        signOut(t("signin.expired"));
      }
      throw new ApiError(response.status, detailText(payload && payload.detail) || `HTTP ${response.status}`);
    }
    return payload;
  }

  // Server-sent events over fetch (EventSource cannot send the Authorization header).
  async function stream(path, body, handlers) {
    const response = await fetch(path, {
      method: "POST",
      headers: { Accept: "text/event-stream", "Content-Type": "application/json", Authorization: `Bearer ${state.token}` },
      body: jsonBody(body),
    });
    if (!response.ok || !response.body) {
      await readJson(response);
      throw new ApiError(response.status, `HTTP ${response.status}`);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    const dispatch = (block) => {
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (!data.length) return;
      let payload = data.join("\n");
      try {
        payload = JSON.parse(payload);
      } catch (error) {
        // a non-JSON data line is passed on as text
      }
      (handlers[event] || handlers.other || (() => {}))(payload, event);
    };
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      buffer = buffer.replace(/\r\n?/g, "\n");
      let split;
      while ((split = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, split));
        buffer = buffer.slice(split + 2);
      }
      if (done) break;
    }
    if (buffer.trim()) dispatch(buffer);
  }

  // ----- sign in -----------------------------------------------------------------------------

  function setLanguage(language, remember) {
    const chosen = window.I18N.setLanguage(language);
    if (remember) sessionStorage.setItem(LANGUAGE_KEY, chosen);
    if (state.me) showWho();
    if (state.view === "inbox" && state.me) loadInbox();
    if (state.me) renderSuggestions();
    document.querySelectorAll(".decision-card[data-action='choose_intent']").forEach((card) => card.repaint && card.repaint());
    refreshBadge();
  }

  function showWho() {
    const who = $("whoami");
    who.textContent = t("whoami", { name: state.me.full_name, branch: state.me.branch || state.me.id });
    who.hidden = false;
  }

  async function signIn(token, quiet) {
    const message = $("signin-message");
    if (!token) {
      message.textContent = t("signin.empty");
      return;
    }
    message.textContent = quiet ? "" : t("signin.checking");
    state.token = token;
    try {
      const me = await api("/api/me");
      state.me = me;
      sessionStorage.setItem(TOKEN_KEY, token);
      message.textContent = "";
      $("token-input").value = "";
      setLanguage(sessionStorage.getItem(LANGUAGE_KEY) || me.language || "en", false);
      $("signin-view").hidden = true;
      $("app-view").hidden = false;
      $("sign-out").hidden = false;
      showView("chat");
      loadSuggestions();
      $("chat-input").focus();
    } catch (error) {
      state.token = null;
      state.me = null;
      sessionStorage.removeItem(TOKEN_KEY);
      message.textContent =
        error instanceof ApiError ? t("signin.bad", { detail: error.message }) : t("signin.unreachable", { detail: error.message });
      $("token-input").focus();
    }
  }

  function signOut(reason) {
    state.token = null;
    state.me = null;
    state.threadId = null;
    sessionStorage.removeItem(TOKEN_KEY);
    delete $("messages").dataset.threadId;
    $("messages").replaceChildren();
    $("drafts").replaceChildren();
    $("app-view").hidden = true;
    $("sign-out").hidden = true;
    $("whoami").hidden = true;
    $("badge").hidden = true;
    $("signin-view").hidden = false;
    $("signin-message").textContent = reason || "";
    $("token-input").focus();
  }

  function showView(view) {
    state.view = view;
    const chat = view === "chat";
    $("chat-view").hidden = !chat;
    $("inbox-view").hidden = chat;
    $("tab-chat").setAttribute("aria-selected", String(chat));
    $("tab-inbox").setAttribute("aria-selected", String(!chat));
    if (!chat) loadInbox();
    refreshBadge();
  }

  // ----- chat --------------------------------------------------------------------------------

  // The empty chat offers what the co-pilot can do, as requests to click (the registry's examples).
  async function loadSuggestions() {
    try {
      state.suggestions = await api("/api/copilot/suggestions");
    } catch (error) {
      state.suggestions = [];
    }
    renderSuggestions();
  }

  function renderSuggestions() {
    const box = $("suggestions");
    const empty = !$("messages").children.length;
    const language = window.I18N.language;
    box.replaceChildren(el("h2", { className: "suggestions-title", i18n: "chat.suggestionsTitle" }),
      el("div", { className: "suggestion-list" }, (state.suggestions || []).map((item) => {
        const text = item.text[language] || item.text.en;
        return el("button", {
          type: "button", className: "button secondary suggestion", dataset: { intent: item.intent },
          title: item.does[language] || item.does.en || "", text,
          onclick: () => sendMessage(text),
        });
      })));
    box.hidden = !empty || !(state.suggestions || []).length;
  }

  function hideSuggestions() {
    $("suggestions").hidden = true;
  }

  function addMessage(role, content) {
    const item = el(
      "li",
      { className: `message-item ${role}`, dataset: { role } },
      el("span", { className: "who", i18n: role === "human" ? "chat.you" : "chat.copilot" }),
      content,
    );
    $("messages").append(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function setBusy(busy) {
    state.busy = busy;
    $("chat-send").disabled = busy;
    $("chat-input").setAttribute("aria-busy", String(busy));
    document.querySelectorAll(".decision-card button").forEach((b) => {
      if (busy) b.disabled = true;
    });
  }

  // One streamed run: progress, tokens as they arrive, then the final answer, chart, results or card.
  async function runStream(path, body) {
    const bubble = el("div", { className: "bubble streaming" });
    const progress = el("p", { className: "progress", text: t("chat.thinking") });
    const live = el("p", { className: "live-text" });
    bubble.append(progress, live);
    const item = addMessage("ai", bubble);
    let shownCard = false;
    let ended = false;
    setBusy(true);
    try {
      await stream(path, body, {
        update: (data) => {
          if (data && data.node) progress.textContent = t("chat.step", { node: data.node });
        },
        token: (data) => {
          live.textContent += data && typeof data === "object" ? data.text || "" : String(data);
          item.scrollIntoView({ block: "end" });
        },
        interrupt: (data) => {
          shownCard = true;
          addMessage("ai", renderCard(data));
        },
        end: (data) => {
          ended = true;
          bubble.classList.remove("streaming");
          bubble.replaceChildren(...renderEnd(data || {}));
          if (data && data.interrupt && !shownCard) {
            shownCard = true;
            addMessage("ai", renderCard(data.interrupt));
          }
        },
        error: (data) => {
          ended = true;
          bubble.classList.remove("streaming");
          bubble.replaceChildren(el("p", { className: "error", role: "alert", text: t("chat.error", { detail: (data && data.message) || data }) }));
        },
      });
      if (!ended) {
        bubble.classList.remove("streaming");
        progress.remove();
      }
    } catch (error) {
      bubble.classList.remove("streaming");
      bubble.replaceChildren(el("p", { className: "error", role: "alert", text: t("chat.error", { detail: error.message }) }));
    } finally {
      setBusy(false);
    }
  }

  // The answer once, as text (names, not ids), with the line that says what was understood and computed.
  function renderEnd(data) {
    const nodes = [];
    // A restart had cut this thread's last run short: it was finished first and this request's input not applied.
    if (data.carried_on) nodes.push(el("p", { className: "notice", role: "status", dataset: { carriedOn: "" }, i18n: "chat.carriedOn" }));
    if (data.interrupt && data.interrupt.action_request) {
      // The run waits on a card: the card below says it all; the bubble only says what it waits for.
      nodes.push(el("p", { className: `status status-${data.status}`, dataset: { status: data.status || "" }, text: label("status", data.status) }));
      return nodes;
    }
    if (data.understood_as && data.status !== "awaiting_confirmation" && data.status !== "needs_clarification") {
      nodes.push(el("p", { className: "understood", dataset: { understood: "" } },
        el("span", { className: "understood-label", i18n: "chat.understood" }), " ", data.understood_as));
    }
    if (data.answer) nodes.push(renderText(data.answer));
    else if (data.status && window.I18N.has(`status.${data.status}`)) nodes.push(el("p", { text: t(`status.${data.status}`) }));
    const chart = safeSvg(data.chart_svg);
    if (chart) nodes.push(el("figure", { className: "chart-box" }, chart));
    if (data.status && data.status !== "answered") nodes.push(el("p", { className: `status status-${data.status}`, dataset: { status: data.status }, text: label("status", data.status) }));
    return nodes;
  }

  async function ensureThread() {
    if (state.threadId) return state.threadId;
    const created = await api("/api/threads", { method: "POST", body: { graph: "copilot" } });
    state.threadId = created.thread_id;
    $("messages").dataset.threadId = state.threadId;
    return state.threadId;
  }

  async function sendMessage(text) {
    const message = text.trim();
    if (!message || state.busy) return;
    addMessage("human", el("div", { className: "bubble" }, el("p", { text: message })));
    $("chat-input").value = "";
    // A typed number or name answers an open question card (the server resumes it with the text).
    hideSuggestions();
    document.querySelectorAll(".decision-card.question:not(.decided)").forEach((card) => {
      card.classList.add("decided");
      card.querySelectorAll("button, input").forEach((control) => {
        control.disabled = true;
      });
    });
    let threadId;
    try {
      threadId = await ensureThread();
    } catch (error) {
      addMessage("ai", el("p", { className: "error", role: "alert", text: t("chat.error", { detail: error.message }) }));
      return;
    }
    await runStream(`/api/threads/${encodeURIComponent(threadId)}/runs/stream`, { input: { message } });
  }

  async function resume(card, type, args) {
    if (state.busy) return;
    card.querySelectorAll("button, input, select, textarea").forEach((control) => {
      control.disabled = true;
    });
    card.classList.add("decided");
    card.append(el("p", { className: "decided-note", text: t("card.decided", { decision: label("decision", type) }) }));
    await runStream(`/api/threads/${encodeURIComponent(state.threadId)}/resume/stream`, { type, args: args === undefined ? null : args });
  }

  // ----- the confirmation card ---------------------------------------------------------------

  function clientLabel(description, clientId) {
    const match = String(description || "").match(/^\s*-\s*(?:Client|Khách hàng):\s*(.+)$/m);
    return match ? match[1].trim() : clientId || t("card.none");
  }

  function formatWhen(iso) {
    if (!iso) return t("card.none");
    const date = new Date(iso);
    if (isNaN(date.getTime())) return String(iso);
    return date.toLocaleString(window.I18N.language === "vi" ? "vi-VN" : "en-GB", {
      timeZone: "Asia/Ho_Chi_Minh", dateStyle: "medium", timeStyle: "short",
    });
  }

  function formatDay(iso) {
    if (!iso) return t("card.none");
    const date = new Date(`${iso}T00:00:00Z`);
    if (isNaN(date.getTime())) return String(iso);
    return date.toLocaleDateString(window.I18N.language === "vi" ? "vi-VN" : "en-GB", {
      timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric",
    });
  }

  function fieldRow(key, value, name) {
    return [el("dt", { i18n: key }), el("dd", { dataset: { field: name }, text: value })];
  }

  function renderCard(request) {
    const action = request && request.action_request ? request.action_request.action : "";
    if (action === "choose_client") return renderChooseClient(request);
    if (action === "choose_intent") return renderChooseIntent(request);
    if (action === "save_replies") return renderSaveReplies(request);
    const config = request.config || {};
    const args = (request.action_request && request.action_request.args) || {};
    const interaction = args.interaction || args;
    const tasks = args.tasks || interaction.tasks || [];
    const card = el("section", { className: "decision-card", "aria-label": t("card.heading"), dataset: { action } });
    const view = el("div", { className: "card-view" });
    const facts = el(
      "dl",
      { className: "facts" },
      fieldRow("card.client", clientLabel(request.description, interaction.client_id), "client"),
      fieldRow("card.occurredAt", formatWhen(interaction.occurred_at), "occurred_at"),
      fieldRow("card.channel", label("channel", interaction.channel), "channel"),
      fieldRow("card.location", interaction.location || t("card.none"), "location"),
      fieldRow("card.topic", interaction.topic || t("card.none"), "topic"),
      fieldRow("card.summary", interaction.summary || t("card.none"), "summary"),
      fieldRow("card.amount", window.I18N.formatAmount(interaction.amount_vnd), "amount_vnd"),
      fieldRow("card.sentiment", label("sentiment", interaction.sentiment), "sentiment"),
    );
    const taskList = tasks.length
      ? el("ul", { className: "tasks" }, tasks.map((task) =>
        el("li", { dataset: { due: task.due_on || "" } }, `${label("taskKind", task.kind)}: ${task.title} — ${formatDay(task.due_on)}`)))
      : el("p", { i18n: "card.noTasks" });
    const remarks = String(request.description || "").split("\n").filter((line) => line.startsWith(">")).map((line) => el("p", { className: "remark", text: line.replace(/^>\s?/, "") }));
    const actions = el("div", { className: "card-actions" });
    if (config.allow_accept !== false) actions.append(button("card.confirm", () => resume(card, "accept", null), { className: "button primary", dataset: { decision: "accept" } }));
    if (config.allow_edit !== false) actions.append(button("card.edit", () => openEdit(), { className: "button secondary", dataset: { decision: "edit" } }));
    if (config.allow_ignore !== false) actions.append(button("card.cancel", () => resume(card, "ignore", null), { className: "button danger", dataset: { decision: "ignore" } }));
    view.append(el("h3", { i18n: "card.heading" }), facts, el("h4", { i18n: "card.tasks" }), taskList, ...remarks, actions);
    if (config.allow_respond) view.append(respondForm(card));
    card.append(view);

    function openEdit() {
      const form = editForm(interaction, tasks, (edited) => resume(card, "edit", edited), () => {
        form.remove();
        view.hidden = false;
      });
      view.hidden = true;
      card.append(form);
      form.querySelector("input, textarea, select").focus();
    }
    return card;
  }

  function respondForm(card) {
    const id = `respond-${Math.random().toString(36).slice(2)}`;
    const input = el("input", { id, type: "text", className: "respond-input" });
    return el(
      "form",
      {
        className: "respond-form",
        onsubmit: (event) => {
          event.preventDefault();
          if (input.value.trim()) resume(card, "response", input.value.trim());
        },
      },
      el("label", { for: id, i18n: "card.respondLabel" }),
      el("div", { className: "chat-row" }, input, el("button", { type: "submit", className: "button secondary", i18n: "card.respond" })),
    );
  }

  function renderChooseClient(request) {
    const args = request.action_request.args || {};
    const card = el("section", { className: "decision-card question", "aria-label": t("card.chooseHeading"), dataset: { action: "choose_client" } });
    const choices = el("div", { className: "card-actions" },
      (args.candidates || []).map((candidate) =>
        el("button", {
          type: "button",
          className: "button secondary",
          dataset: { clientId: candidate.client_id },
          text: t("card.pick", { label: candidate.label }),
          onclick: () => resume(card, "edit", { client_id: candidate.client_id }),
        })));
    card.append(el("h3", { i18n: "card.chooseHeading" }), renderText(request.description), choices);
    if (request.config && request.config.allow_respond) card.append(respondForm(card));
    if (!request.config || request.config.allow_ignore !== false) {
      card.append(el("div", { className: "card-actions" }, button("card.cancel", () => resume(card, "ignore", null), { className: "button danger", dataset: { decision: "ignore" } })));
    }
    return card;
  }

  // The inbox triage's reply drafts: read them, then save them to Drafts (and mark the messages read) or not.
  function renderSaveReplies(request) {
    const args = request.action_request.args || {};
    const card = el("section", { className: "decision-card", "aria-label": t("card.repliesHeading"), dataset: { action: "save_replies" } });
    const list = el("ol", { className: "replies" }, (args.replies || []).map((reply) =>
      el("li", { dataset: { message: reply.message_id || "", urgency: reply.urgency || "" } },
        el("p", { className: "muted", text: `${reply.client} · ${reply.topic} · ${reply.urgency}${(reply.flags || []).length ? " · ⚠ " + reply.flags.join(", ") : ""}` }),
        el("pre", { className: "reply-body", text: reply.body || "" }))));
    const actions = el("div", { className: "card-actions" },
      button("card.saveReplies", () => resume(card, "accept", null), { className: "button primary", dataset: { decision: "accept" } }),
      button("card.cancel", () => resume(card, "ignore", null), { className: "button danger", dataset: { decision: "ignore" } }));
    card.append(el("h3", { i18n: "card.repliesHeading" }), el("pre", { className: "card-description", text: request.description || "" }), list, actions);
    return card;
  }

  // "Which did you mean?": the close readings as buttons, in the interface's language; a typed number or words
  // in the chat answer it too.
  function renderChooseIntent(request) {
    const args = request.action_request.args || {};
    const card = el("section", { className: "decision-card question", "aria-label": t("card.whichHeading"), dataset: { action: "choose_intent" } });
    const choices = el("div", { className: "card-actions choices" });
    const paint = () => {
      choices.replaceChildren(...(args.choices || []).map((choice, index) =>
        el("button", {
          type: "button",
          className: "button secondary",
          dataset: { intent: choice.intent },
          text: `${index + 1}. ${(choice.labels && choice.labels[window.I18N.language]) || choice.label || choice.intent}`,
          onclick: () => resume(card, "edit", { intent: choice.intent }),
        })));
    };
    paint();
    card.repaint = paint;
    card.append(el("h3", { i18n: "card.whichHeading" }), el("p", { className: "muted", i18n: "card.whichHelp" }), choices);
    return card;
  }

  let fieldCounter = 0;
  function labelled(key, control) {
    fieldCounter += 1;
    control.id = control.id || `field-${fieldCounter}`;
    return el("div", { className: "field" }, el("label", { for: control.id, i18n: key }), control);
  }

  function select(name, options, value, prefix) {
    const control = el("select", { name });
    for (const option of options) {
      control.append(el("option", { value: option, selected: option === value, text: label(prefix, option) }));
    }
    return control;
  }

  // The editable main fields of the proposal; the client stays as proposed (another client is another log).
  function editForm(interaction, tasks, onSave, onClose) {
    const local = toLocalInput(interaction.occurred_at);
    const form = el("form", { className: "edit-form" });
    const error = el("p", { className: "error", role: "alert" });
    const controls = {
      occurred_at: el("input", { name: "occurred_at", type: "datetime-local", value: local }),
      channel: select("channel", ["meeting", "call", "email", "chat"], interaction.channel, "channel"),
      location: el("input", { name: "location", type: "text", value: interaction.location || "" }),
      topic: el("input", { name: "topic", type: "text", value: interaction.topic || "", required: true }),
      summary: el("textarea", { name: "summary", rows: 3, required: true }),
      amount_vnd: el("input", { name: "amount_vnd", type: "number", min: 0, step: 1, value: interaction.amount_vnd ?? "" }),
      sentiment: select("sentiment", ["positive", "neutral", "negative"], interaction.sentiment, "sentiment"),
    };
    controls.summary.value = interaction.summary || "";
    form.append(
      el("h3", { i18n: "card.edit" }),
      labelled("card.occurredAt", controls.occurred_at),
      labelled("card.channel", controls.channel),
      labelled("card.location", controls.location),
      labelled("card.topic", controls.topic),
      labelled("card.summary", controls.summary),
      labelled("card.amount", controls.amount_vnd),
      labelled("card.sentiment", controls.sentiment),
    );
    const taskControls = tasks.map((task) => {
      const title = el("input", { type: "text", value: task.title || "", required: true });
      const kind = select("kind", ["call", "email", "send_document", "meeting", "review", "other"], task.kind, "taskKind");
      const due = el("input", { type: "date", value: task.due_on || "", required: true });
      form.append(el("fieldset", { className: "task-edit" }, el("legend", { i18n: "card.taskTitle" }),
        labelled("card.taskTitle", title), labelled("card.taskKind", kind), labelled("card.taskDue", due)));
      return { task, title, kind, due };
    });
    form.append(error, el("div", { className: "card-actions" },
      el("button", { type: "submit", className: "button primary", i18n: "card.save" }),
      button("card.closeEdit", onClose, { className: "button secondary" })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const amountText = controls.amount_vnd.value.trim();
      if (amountText && !/^\d+$/.test(amountText)) {
        error.textContent = t("card.invalidAmount");
        return;
      }
      const edited = Object.assign({}, interaction, {
        occurred_at: fromLocalInput(controls.occurred_at.value, interaction.occurred_at),
        channel: controls.channel.value,
        location: controls.location.value.trim() || null,
        topic: controls.topic.value.trim(),
        summary: controls.summary.value.trim(),
        amount_vnd: amountText ? Number(amountText) : null,
        sentiment: controls.sentiment.value,
      });
      delete edited.tasks;
      const editedTasks = taskControls.map(({ task, title, kind, due }) =>
        Object.assign({}, task, { title: title.value.trim(), kind: kind.value, due_on: due.value || task.due_on }));
      onSave({ interaction: edited, tasks: editedTasks });
    });
    return form;
  }

  // The proposal's time is bank-local (+07:00); the form shows and returns it in bank time.
  function toLocalInput(iso) {
    const match = String(iso || "").match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/);
    return match ? `${match[1]}T${match[2]}` : "";
  }

  function fromLocalInput(value, original) {
    if (!value) return original;
    const offset = (String(original || "").match(/([+-]\d{2}:\d{2}|Z)$/) || ["+07:00"])[0];
    return `${value}:00${offset}`;
  }

  // ----- inbox -------------------------------------------------------------------------------

  async function refreshBadge() {
    if (!state.token || !state.me) return;
    try {
      const { badge } = await api("/api/notifications");
      const node = $("badge");
      node.textContent = String(badge);
      node.dataset.count = String(badge);
      node.setAttribute("aria-label", t("badge.label", { count: badge }));
      node.title = t("badge.label", { count: badge });
      node.hidden = !badge;
    } catch (error) {
      // the badge is a hint; a failed refresh leaves the last count
    }
  }

  function inboxMessage(text, extra) {
    const box = $("inbox-message");
    box.replaceChildren(el("p", { text }), ...(extra || []));
  }

  async function loadInbox() {
    const list = $("drafts");
    if (!list.children.length) list.replaceChildren(el("li", { className: "muted", i18n: "inbox.loading" }));
    try {
      const { items, badge } = await api("/api/drafts?all=false");
      list.replaceChildren(...items.map(renderDraft));
      if (!items.length) list.replaceChildren(el("li", { className: "muted empty", i18n: "inbox.empty" }));
      const node = $("badge");
      node.textContent = String(badge);
      node.dataset.count = String(badge);
      node.hidden = !badge;
    } catch (error) {
      list.replaceChildren(el("li", { className: "error", role: "alert", text: t("inbox.failed", { detail: error.message }) }));
    }
  }

  async function copyText(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        return true;
      }
    } catch (error) {
      // fall through to the selection fallback
    }
    const area = el("textarea", { className: "offscreen", readonly: true, "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
    return copied;
  }

  function draftText(draft) {
    return draft.subject ? `${draft.subject}\n\n${draft.body}` : draft.body;
  }

  async function draftAction(draft, action, request) {
    try {
      const result = await request();
      if (action === "send") {
        if (result.copy_text) {
          const copyBox = el("textarea", { className: "copy-text", readonly: true, rows: 5, "aria-label": t("inbox.body") });
          copyBox.value = result.copy_text;
          const copyButton = button("inbox.copy", async () => {
            const ok = await copyText(result.copy_text);
            inboxMessage(t(ok ? "inbox.copied" : "inbox.copyFailed"), [copyBox]);
          }, { className: "button secondary" });
          const confirm = button("inbox.confirmSent", () => draftAction(draft, "confirm", () => api(`/api/drafts/${encodeURIComponent(draft.id)}/confirm-sent`, { method: "POST" })), { className: "button primary", dataset: { action: "confirm-sent" } });
          const sent = draft.client_channel === "phone" ? t("inbox.sentCall") : t("inbox.sentChat", { channel: label("channel", draft.client_channel) });
          inboxMessage(sent, [copyBox, copyButton, confirm]);
        } else {
          inboxMessage(t("inbox.sentEmail", { client: draft.client_name || draft.client_id }));
        }
      } else if (action === "confirm") {
        inboxMessage(t("inbox.confirmed"));
      } else {
        inboxMessage(t(`inbox.${action === "edit" ? "saved" : action === "approve" ? "approved" : "dismissed"}`));
      }
    } catch (error) {
      inboxMessage(t("inbox.failed", { detail: error.message }));
    }
    await loadInbox();
    await refreshBadge();
  }

  function renderDraft(draft) {
    const path = `/api/drafts/${encodeURIComponent(draft.id)}`;
    const facts = el("dl", { className: "facts" },
      Object.entries(draft.facts || {}).map(([key, value]) => [
        el("dt", { text: key.replace(/_/g, " ") }),
        el("dd", { text: cellText(key, value) }),
      ]));
    const flags = (draft.compliance && draft.compliance.flags) || [];
    const bodyView = el("div", { className: "draft-text" },
      draft.subject ? el("p", { className: "subject" }, el("strong", { i18n: "inbox.subject" }), ": ", draft.subject) : null,
      draft.client_channel === "phone" ? el("p", { className: "remark talking-points", i18n: "inbox.talkingPoints" }) : null,
      el("pre", { className: "body", text: draft.body }));
    const actions = el("div", { className: "card-actions" });
    if (draft.status === "new") {
      actions.append(button("inbox.approve", () => draftAction(draft, "approve", () => api(`${path}/approve`, { method: "POST" })), { className: "button secondary", dataset: { action: "approve" } }));
    }
    actions.append(
      draft.status === "copied"
        ? button("inbox.confirmSent", () => draftAction(draft, "confirm", () => api(`${path}/confirm-sent`, { method: "POST" })), { className: "button primary", dataset: { action: "confirm-sent" } })
        : button("inbox.send", () => draftAction(draft, "send", () => api(`${path}/send`, { method: "POST" })), { className: "button primary", dataset: { action: "send" } }),
      button("inbox.copy", async () => {
        const ok = await copyText(draftText(draft));
        inboxMessage(t(ok ? "inbox.copied" : "inbox.copyFailed"));
      }, { className: "button secondary", dataset: { action: "copy" } }),
      button("inbox.edit", () => openEdit(), { className: "button secondary", dataset: { action: "edit" } }),
      button("inbox.dismiss", () => draftAction(draft, "dismiss", () => api(`${path}/dismiss`, { method: "POST" })), { className: "button danger", dataset: { action: "dismiss" } }),
    );
    const item = el("li", { className: `draft urgency-${draft.urgency}`, dataset: { draftId: draft.id, status: draft.status } },
      el("div", { className: "draft-head" },
        el("h2", { text: draft.client_name || draft.client_id }),
        el("span", { className: `pill urgency-${draft.urgency}`, text: label("urgency", draft.urgency) }),
        el("span", { className: "pill", text: label("kind", draft.kind) }),
        el("span", { className: "pill", text: label("draftStatus", draft.status) }),
        draft.edited ? el("span", { className: "pill", i18n: "inbox.edited" }) : null),
      el("dl", { className: "facts compact" },
        fieldRow("inbox.value", draft.value_vnd ? window.I18N.formatAmount(draft.value_vnd) : t("card.none"), "value_vnd"),
        fieldRow("inbox.channel", label("channel", draft.client_channel), "channel"),
        fieldRow("inbox.scanDate", formatDay(draft.scan_date), "scan_date")),
      el("details", { className: "event-facts" }, el("summary", { i18n: "inbox.facts" }), facts),
      flags.length ? el("p", { className: "remark" }, el("strong", { i18n: "inbox.flags" }), ": ", flags.join(", ")) : null,
      bodyView,
      actions);

    function openEdit() {
      const bodyId = `body-${draft.id}`;
      const subjectId = `subject-${draft.id}`;
      const body = el("textarea", { id: bodyId, rows: 8, className: "edit-body" });
      body.value = draft.body;
      const subject = draft.channel === "email" ? el("input", { id: subjectId, type: "text", value: draft.subject || "" }) : null;
      const form = el("form", { className: "edit-form" },
        subject ? el("div", { className: "field" }, el("label", { for: subjectId, i18n: "inbox.subject" }), subject) : null,
        el("div", { className: "field" }, el("label", { for: bodyId, i18n: "inbox.body" }), body),
        el("div", { className: "card-actions" },
          el("button", { type: "submit", className: "button primary", i18n: "inbox.save" }),
          button("inbox.cancelEdit", () => {
            form.replaceWith(bodyView);
            actions.hidden = false;
          }, { className: "button secondary" })));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        draftAction(draft, "edit", () => api(path, { method: "PUT", body: { body: body.value, subject: subject ? subject.value : null } }));
      });
      bodyView.replaceWith(form);
      actions.hidden = true;
      body.focus();
    }
    return item;
  }

  // ----- wiring ------------------------------------------------------------------------------

  function start() {
    window.I18N.setLanguage(sessionStorage.getItem(LANGUAGE_KEY) || (navigator.language || "en").slice(0, 2));
    $("signin-form").addEventListener("submit", (event) => {
      event.preventDefault();
      signIn($("token-input").value.trim(), false);
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    $("lang-toggle").addEventListener("click", () => setLanguage(window.I18N.language === "vi" ? "en" : "vi", true));
    $("tab-chat").addEventListener("click", () => showView("chat"));
    $("tab-inbox").addEventListener("click", () => showView("inbox"));
    $("inbox-refresh").addEventListener("click", () => loadInbox());
    $("new-thread").addEventListener("click", () => {
      state.threadId = null;
      delete $("messages").dataset.threadId;
      $("messages").replaceChildren();
      renderSuggestions();
      $("chat-input").focus();
    });
    $("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      sendMessage($("chat-input").value);
    });
    $("chat-input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendMessage($("chat-input").value);
      }
    });
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) signIn(saved, true);
  }

  // Exposed for the unit check (pure helpers only).
  window.AgentifyApp = { safeSvg, renderText, renderEnd };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
