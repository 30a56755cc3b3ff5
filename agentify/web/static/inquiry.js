// The bank's public help chat: one session per browser tab, no sign-in, no client data.
(function () {
  "use strict";
  const WORDS = {
    en: { brand: "An Khang Bank", tagline: "Questions? Ask us here.", toggle: "Tiếng Việt", heading: "How can we help?",
      privacy: "Please do not type card numbers, passwords or OTP codes. This chat cannot see your accounts.",
      label: "Your question", send: "Send", you: "You", bot: "An Khang Bank", sources: "Sources",
      busy: "Too many messages; please wait a moment.", failed: "Sorry, something went wrong. Please call 1800 588 868." },
    vi: { brand: "Ngân hàng An Khang", tagline: "Cần hỗ trợ? Hỏi chúng tôi tại đây.", toggle: "English",
      heading: "Chúng tôi có thể giúp gì?",
      privacy: "Vui lòng không nhập số thẻ, mật khẩu hay mã OTP. Cuộc trò chuyện này không xem được tài khoản của Quý khách.",
      label: "Câu hỏi của Quý khách", send: "Gửi", you: "Quý khách", bot: "Ngân hàng An Khang", sources: "Nguồn",
      busy: "Quá nhiều tin nhắn; vui lòng đợi giây lát.", failed: "Xin lỗi, đã có lỗi. Vui lòng gọi 1800 588 868." },
  };
  let language = sessionStorage.getItem("inquiry-language") || ((navigator.language || "en").startsWith("vi") ? "vi" : "en");
  let session = sessionStorage.getItem("inquiry-session") || null;

  function t(key) { return WORDS[language][key] || key; }
  function paint() {
    document.documentElement.lang = language;
    document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  }
  function add(who, text, extra) {
    const item = document.createElement("li");
    item.className = `turn ${who}`;
    const head = document.createElement("strong");
    head.textContent = t(who === "user" ? "you" : "bot");
    const body = document.createElement("p");
    body.className = "turn-text";
    body.style.whiteSpace = "pre-wrap";
    body.textContent = text;
    item.append(head, body);
    if (extra) Object.entries(extra).forEach(([key, value]) => { if (value) item.dataset[key] = value; });
    document.getElementById("conversation").append(item);
    return item;
  }
  async function send(message) {
    const error = document.getElementById("error");
    error.hidden = true;
    add("user", message);
    try {
      const response = await fetch("/api/inquiry/chat", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(session ? { message, session } : { message }),
      });
      if (!response.ok) {
        error.textContent = t(response.status === 429 ? "busy" : "failed");
        error.hidden = false;
        return;
      }
      const data = await response.json();
      session = data.session;
      sessionStorage.setItem("inquiry-session", session);
      add("bot", data.answer, { topic: data.topic, urgency: data.urgency, outcome: data.outcome,
        sources: (data.sources || []).join(","), escalation: data.escalation ? data.escalation.kind : "" });
    } catch (failure) {
      error.textContent = t("failed");
      error.hidden = false;
    }
  }
  document.addEventListener("DOMContentLoaded", () => {
    paint();
    document.getElementById("lang-toggle").addEventListener("click", () => {
      language = language === "en" ? "vi" : "en";
      sessionStorage.setItem("inquiry-language", language);
      paint();
    });
    document.getElementById("ask-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = document.getElementById("ask-input");
      const message = input.value.trim();
      if (!message) return;
      input.value = "";
      send(message);
    });
  });
})();
