// Every visible string of the RM web app, in English and Vietnamese.
// t("key", {name: value}) fills {name} placeholders; a missing key shows the key itself,
// so an untranslated string is visible in review instead of silently blank.
"use strict";

(function () {
  const STRINGS = {
    en: {
      "app.title": "Agentify — RM co-pilot",
      "app.brand": "Agentify",
      "app.tagline": "Co-pilot for relationship managers",
      "lang.toggle": "Tiếng Việt",
      "lang.toggleLabel": "Switch the interface to Vietnamese",
      "signin.heading": "Sign in",
      "signin.help": "Paste your personal access token (from \"agentify rm token RM001\" or printed by \"agentify up\").",
      "signin.tokenLabel": "Access token",
      "signin.submit": "Sign in",
      "signin.checking": "Checking your token…",
      "signin.bad": "This token was not accepted: {detail}",
      "signin.empty": "Paste a token first.",
      "signin.unreachable": "The server could not be reached: {detail}",
      "signin.expired": "Your session ended; please sign in again.",
      "signout": "Sign out",
      "whoami": "{name} · {branch}",
      "nav.label": "Sections",
      "nav.chat": "Co-pilot",
      "nav.inbox": "Morning inbox",
      "badge.label": "{count} new drafts",
      "chat.heading": "Ask your co-pilot",
      "chat.help": "Ask about priorities, performance, next best actions, or dictate a meeting note to log it in the CRM.",
      "chat.inputLabel": "Your message",
      "chat.placeholder": "e.g. What's my AUM? · Who should I call today? · Met Mr. Son today…",
      "chat.send": "Send",
      "chat.newThread": "New conversation",
      "chat.thinking": "Working…",
      "chat.you": "You",
      "chat.copilot": "Co-pilot",
      "chat.error": "Something went wrong: {detail}",
      "chat.empty": "No conversation yet.",
      "chat.chartLabel": "Chart",
      "chat.step": "Step: {node}",
      "chat.understood": "Understood:",
      "chat.carriedOn": "A restart had interrupted this conversation's last step; it was finished first. Send your last message again if it still applies.",
      "chat.suggestionsTitle": "Try one of these",
      "card.whichHeading": "Which did you mean?",
      "card.whichHelp": "Click one, or type its number in the chat.",
      "card.heading": "Please confirm before anything is written",
      "card.repliesHeading": "Reply drafts for your unread messages",
      "card.saveReplies": "Save to my drafts",
      "card.chooseHeading": "Which client did you mean?",
      "card.client": "Client",
      "card.occurredAt": "Date / time",
      "card.channel": "Channel",
      "card.location": "Location",
      "card.topic": "Topic",
      "card.summary": "Summary",
      "card.amount": "Amount",
      "card.sentiment": "Sentiment",
      "card.product": "Product category",
      "card.tasks": "Follow-up tasks",
      "card.noTasks": "No follow-up tasks",
      "card.taskTitle": "Task",
      "card.taskKind": "Kind",
      "card.taskDue": "Due date",
      "card.confirm": "Confirm",
      "card.edit": "Edit",
      "card.cancel": "Cancel",
      "card.save": "Save and log",
      "card.closeEdit": "Back",
      "card.respondLabel": "Or type a correction",
      "card.respond": "Send correction",
      "card.decided": "Decision sent: {decision}",
      "card.none": "—",
      "card.invalidAmount": "The amount must be a whole number of VND (0 or more).",
      "card.pick": "Choose {label}",
      "decision.accept": "confirmed",
      "decision.edit": "edited",
      "decision.ignore": "cancelled",
      "decision.response": "corrected",
      "status.written": "Logged in the CRM.",
      "status.cancelled": "Cancelled: nothing was written.",
      "status.awaiting_confirmation": "Waiting for your confirmation.",
      "status.needs_clarification": "The co-pilot needs more details.",
      "inbox.heading": "Morning inbox",
      "inbox.help": "Drafts prepared overnight, the most urgent and valuable first.",
      "inbox.refresh": "Refresh",
      "inbox.empty": "No drafts waiting. Well done!",
      "inbox.loading": "Loading drafts…",
      "inbox.value": "Value",
      "inbox.scanDate": "Found on",
      "inbox.channel": "Channel",
      "inbox.status": "Status",
      "inbox.subject": "Subject",
      "inbox.body": "Message",
      "inbox.facts": "Event facts",
      "inbox.flags": "Compliance notes",
      "inbox.approve": "Approve",
      "inbox.send": "Send",
      "inbox.copy": "Copy",
      "inbox.edit": "Edit",
      "inbox.dismiss": "Dismiss",
      "inbox.save": "Save",
      "inbox.cancelEdit": "Cancel",
      "inbox.copied": "Copied to the clipboard.",
      "inbox.copyFailed": "Could not copy automatically; select the text and copy it.",
      "inbox.sentEmail": "E-mail queued for {client} and logged in the CRM.",
      "inbox.sentChat": "Copy this text into {channel}; once you have sent it, press “I sent it” to log the contact.",
      "inbox.sentCall": "Your talking points; once you have called, press “I sent it” to log the call.",
      "inbox.confirmSent": "I sent it",
      "inbox.confirmed": "Logged in the CRM.",
      "inbox.talkingPoints": "The client prefers the phone: talking points for a call, not a message to send.",
      "inbox.approved": "Draft approved.",
      "inbox.dismissed": "Draft dismissed.",
      "inbox.saved": "Draft saved.",
      "inbox.failed": "The action failed: {detail}",
      "inbox.edited": "edited",
      "urgency.high": "High urgency",
      "urgency.medium": "Medium urgency",
      "urgency.low": "Low urgency",
      "kind.birthday": "Birthday",
      "kind.cd_maturity": "CD maturity",
      "kind.loan_maturity": "Loan maturity",
      "kind.large_deposit": "Large deposit",
      "kind.inactive": "Inactive client",
      "draftStatus.new": "New",
      "draftStatus.approved": "Approved",
      "draftStatus.sent": "Sent",
      "draftStatus.copied": "Copied",
      "draftStatus.dismissed": "Dismissed",
      "channel.email": "E-mail",
      "channel.chat": "Chat",
      "channel.zalo": "Zalo",
      "channel.whatsapp": "WhatsApp",
      "channel.phone": "Phone",
      "channel.meeting": "Meeting",
      "channel.call": "Call",
      "sentiment.positive": "Positive",
      "sentiment.neutral": "Neutral",
      "sentiment.negative": "Negative",
      "taskKind.call": "Call",
      "taskKind.email": "E-mail",
      "taskKind.send_document": "Send document",
      "taskKind.meeting": "Meeting",
      "taskKind.review": "Review",
      "taskKind.other": "Other",
      "amount.billion": "{value}B VND",
      "amount.million": "{value}M VND",
      "amount.plain": "{value} VND",
    },
    vi: {
      "app.title": "Agentify — Trợ lý RM",
      "app.brand": "Agentify",
      "app.tagline": "Trợ lý cho chuyên viên quan hệ khách hàng",
      "lang.toggle": "English",
      "lang.toggleLabel": "Chuyển giao diện sang tiếng Anh",
      "signin.heading": "Đăng nhập",
      "signin.help": "Dán mã truy cập cá nhân của anh/chị (từ \"agentify rm token RM001\" hoặc do \"agentify up\" in ra).",
      "signin.tokenLabel": "Mã truy cập",
      "signin.submit": "Đăng nhập",
      "signin.checking": "Đang kiểm tra mã…",
      "signin.bad": "Mã này không được chấp nhận: {detail}",
      "signin.empty": "Hãy dán mã truy cập trước.",
      "signin.unreachable": "Không kết nối được máy chủ: {detail}",
      "signin.expired": "Phiên làm việc đã kết thúc; vui lòng đăng nhập lại.",
      "signout": "Đăng xuất",
      "whoami": "{name} · {branch}",
      "nav.label": "Mục",
      "nav.chat": "Trợ lý",
      "nav.inbox": "Hộp thư buổi sáng",
      "badge.label": "{count} bản nháp mới",
      "chat.heading": "Hỏi trợ lý của anh/chị",
      "chat.help": "Hỏi về ưu tiên, kết quả kinh doanh, hành động tiếp theo, hoặc đọc ghi chú cuộc gặp để lưu vào CRM.",
      "chat.inputLabel": "Tin nhắn của anh/chị",
      "chat.placeholder": "VD: AUM của tôi? · Hôm nay nên gọi ai? · Hôm nay gặp anh Sơn…",
      "chat.send": "Gửi",
      "chat.newThread": "Cuộc trò chuyện mới",
      "chat.thinking": "Đang xử lý…",
      "chat.you": "Anh/chị",
      "chat.copilot": "Trợ lý",
      "chat.error": "Đã xảy ra lỗi: {detail}",
      "chat.empty": "Chưa có cuộc trò chuyện.",
      "chat.chartLabel": "Biểu đồ",
      "chat.step": "Bước: {node}",
      "chat.understood": "Đã hiểu:",
      "chat.carriedOn": "Bước trước của cuộc trò chuyện bị gián đoạn do khởi động lại; hệ thống đã hoàn tất bước đó trước. Nếu vẫn cần, vui lòng gửi lại tin nhắn vừa rồi.",
      "chat.suggestionsTitle": "Thử hỏi",
      "card.whichHeading": "Anh/chị muốn làm việc nào?",
      "card.whichHelp": "Bấm chọn một mục, hoặc gõ số thứ tự vào ô chat.",
      "card.heading": "Vui lòng xác nhận trước khi ghi",
      "card.repliesHeading": "Bản nháp trả lời cho tin nhắn chưa đọc",
      "card.saveReplies": "Lưu vào bản nháp",
      "card.chooseHeading": "Anh/chị muốn nói đến khách hàng nào?",
      "card.client": "Khách hàng",
      "card.occurredAt": "Ngày / giờ",
      "card.channel": "Hình thức",
      "card.location": "Địa điểm",
      "card.topic": "Chủ đề",
      "card.summary": "Tóm tắt",
      "card.amount": "Số tiền",
      "card.sentiment": "Thái độ",
      "card.product": "Nhóm sản phẩm",
      "card.tasks": "Việc cần làm",
      "card.noTasks": "Không có việc cần làm",
      "card.taskTitle": "Việc",
      "card.taskKind": "Loại",
      "card.taskDue": "Hạn",
      "card.confirm": "Xác nhận",
      "card.edit": "Sửa",
      "card.cancel": "Hủy",
      "card.save": "Lưu và ghi nhận",
      "card.closeEdit": "Quay lại",
      "card.respondLabel": "Hoặc nhập nội dung cần sửa",
      "card.respond": "Gửi chỉnh sửa",
      "card.decided": "Đã gửi quyết định: {decision}",
      "card.none": "—",
      "card.invalidAmount": "Số tiền phải là số nguyên VND (từ 0 trở lên).",
      "card.pick": "Chọn {label}",
      "decision.accept": "xác nhận",
      "decision.edit": "đã sửa",
      "decision.ignore": "hủy",
      "decision.response": "đã chỉnh",
      "status.written": "Đã ghi vào CRM.",
      "status.cancelled": "Đã hủy: không có gì được ghi.",
      "status.awaiting_confirmation": "Đang chờ anh/chị xác nhận.",
      "status.needs_clarification": "Trợ lý cần thêm thông tin.",
      "inbox.heading": "Hộp thư buổi sáng",
      "inbox.help": "Các bản nháp chuẩn bị trong đêm, việc gấp và giá trị lớn lên trước.",
      "inbox.refresh": "Làm mới",
      "inbox.empty": "Không còn bản nháp nào. Tuyệt vời!",
      "inbox.loading": "Đang tải bản nháp…",
      "inbox.value": "Giá trị",
      "inbox.scanDate": "Phát hiện ngày",
      "inbox.channel": "Kênh",
      "inbox.status": "Trạng thái",
      "inbox.subject": "Tiêu đề",
      "inbox.body": "Nội dung",
      "inbox.facts": "Thông tin sự kiện",
      "inbox.flags": "Lưu ý tuân thủ",
      "inbox.approve": "Duyệt",
      "inbox.send": "Gửi",
      "inbox.copy": "Sao chép",
      "inbox.edit": "Sửa",
      "inbox.dismiss": "Bỏ qua",
      "inbox.save": "Lưu",
      "inbox.cancelEdit": "Hủy",
      "inbox.copied": "Đã sao chép vào bộ nhớ tạm.",
      "inbox.copyFailed": "Không tự sao chép được; hãy chọn văn bản và sao chép.",
      "inbox.sentEmail": "Đã xếp email gửi {client} và ghi vào CRM.",
      "inbox.sentChat": "Sao chép nội dung này vào {channel}; gửi xong, bấm “Đã gửi” để ghi nhận liên hệ.",
      "inbox.sentCall": "Ý chính cho cuộc gọi; gọi xong, bấm “Đã gửi” để ghi nhận cuộc gọi.",
      "inbox.confirmSent": "Đã gửi",
      "inbox.confirmed": "Đã ghi vào CRM.",
      "inbox.talkingPoints": "Khách hàng ưu tiên gọi điện: đây là ý chính cho cuộc gọi, không phải tin nhắn để gửi.",
      "inbox.approved": "Đã duyệt bản nháp.",
      "inbox.dismissed": "Đã bỏ qua bản nháp.",
      "inbox.saved": "Đã lưu bản nháp.",
      "inbox.failed": "Thao tác không thành công: {detail}",
      "inbox.edited": "đã sửa",
      "urgency.high": "Rất gấp",
      "urgency.medium": "Gấp vừa",
      "urgency.low": "Không gấp",
      "kind.birthday": "Sinh nhật",
      "kind.cd_maturity": "Đáo hạn tiền gửi",
      "kind.loan_maturity": "Đáo hạn khoản vay",
      "kind.large_deposit": "Tiền gửi lớn",
      "kind.inactive": "Khách hàng lâu không liên hệ",
      "draftStatus.new": "Mới",
      "draftStatus.approved": "Đã duyệt",
      "draftStatus.sent": "Đã gửi",
      "draftStatus.copied": "Đã sao chép",
      "draftStatus.dismissed": "Đã bỏ qua",
      "channel.email": "Email",
      "channel.chat": "Tin nhắn",
      "channel.zalo": "Zalo",
      "channel.whatsapp": "WhatsApp",
      "channel.phone": "Điện thoại",
      "channel.meeting": "Gặp mặt",
      "channel.call": "Gọi điện",
      "sentiment.positive": "Tích cực",
      "sentiment.neutral": "Trung lập",
      "sentiment.negative": "Tiêu cực",
      "taskKind.call": "Gọi điện",
      "taskKind.email": "Gửi email",
      "taskKind.send_document": "Gửi tài liệu",
      "taskKind.meeting": "Gặp mặt",
      "taskKind.review": "Rà soát",
      "taskKind.other": "Khác",
      "amount.billion": "{value} tỷ VND",
      "amount.million": "{value} triệu VND",
      "amount.plain": "{value} VND",
    },
  };

  const LANGUAGES = Object.keys(STRINGS);
  let current = "en";

  function t(key, params) {
    const table = STRINGS[current] || STRINGS.en;
    let text = key in table ? table[key] : key in STRINGS.en ? STRINGS.en[key] : key;
    if (params) {
      text = text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
    }
    return text;
  }

  function has(key) {
    return key in (STRINGS[current] || {});
  }

  function setLanguage(language) {
    current = LANGUAGES.includes(language) ? language : "en";
    document.documentElement.lang = current;
    applyTo(document);
    return current;
  }

  // Elements carry data-i18n (text), data-i18n-placeholder, data-i18n-aria-label, data-i18n-title.
  function applyTo(root) {
    root.querySelectorAll("[data-i18n]").forEach((el) => {
      el.textContent = t(el.dataset.i18n);
    });
    root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    root.querySelectorAll("[data-i18n-aria-label]").forEach((el) => {
      el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
    });
    root.querySelectorAll("[data-i18n-title]").forEach((el) => {
      el.title = t(el.dataset.i18nTitle);
    });
    if (root === document) {
      document.title = t("app.title");
    }
  }

  // Amounts as the RM reads them: "1.5B VND" / "1,5 tỷ VND".
  function formatAmount(vnd) {
    if (vnd === null || vnd === undefined || vnd === "" || isNaN(Number(vnd))) {
      return t("card.none");
    }
    const amount = Number(vnd);
    const decimal = (value, digits) => {
      const text = value.toFixed(digits).replace(/\.?0+$/, "");
      return current === "vi" ? text.replace(".", ",") : text;
    };
    if (Math.abs(amount) >= 1e9) {
      return t("amount.billion", { value: decimal(amount / 1e9, 3) });
    }
    if (Math.abs(amount) >= 1e6) {
      return t("amount.million", { value: decimal(amount / 1e6, 1) });
    }
    const whole = Math.round(amount).toLocaleString(current === "vi" ? "vi-VN" : "en-US");
    return t("amount.plain", { value: whole });
  }

  window.I18N = {
    t,
    has,
    setLanguage,
    applyTo,
    formatAmount,
    languages: LANGUAGES,
    strings: STRINGS,
    get language() {
      return current;
    },
  };
})();
