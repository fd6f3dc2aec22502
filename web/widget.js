/* madoguchi（窓口）chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-endpoint="https://HOST" defer></script>
 * Whether the 窓口に相談する form and 👍/👎 are offered, and the retention period its consent text
 * states, come from the server (GET /api/v1/handoff).
 * Everything is rendered inside an open Shadow DOM on <div id="madoguchi-widget">, so the host
 * page's styles do not reach the widget and the widget's styles do not leak. No dependencies. */
(function () {
  "use strict";
  if (window.__madoguchiWidget) return;
  window.__madoguchiWidget = true;

  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-endpoint]') || document.querySelector('script[src*="widget.js"]');
  var endpoint = "";
  var attr = script ? script.getAttribute("data-endpoint") : null;
  if (attr !== null) {
    endpoint = attr.trim().replace(/\/+$/, ""); // "" = the page's own origin
  } else if (script && script.src) {
    try { endpoint = new URL(script.src, location.href).origin; } catch (e) { endpoint = ""; }
  }

  // Whether this server takes consultation requests and feedback (it has a database), and how
  // long it keeps personal data, as the consent text states it: the server's --retention-days.
  // Until the server has said, the defaults (offered, 90 days).
  var HANDOFF = { available: true, retentionDays: 90 };
  fetch(endpoint + "/api/v1/handoff", { headers: { "Accept": "application/json" }, credentials: "omit" })
    .then(function (res) { return res.ok ? res.json() : null; })
    .then(function (j) {
      if (!j) return;
      HANDOFF.available = j.available !== false;
      if (j.retention_days >= 1) HANDOFF.retentionDays = j.retention_days;
    })
    .catch(function () { /* the defaults stand; a write will say if it fails */ });

  var KEY_SESSION = "madoguchi.session";
  var KEY_LANG = "madoguchi.lang";
  var KEY_HISTORY = "madoguchi.history";
  var MAX_HISTORY = 30;
  var TIMEOUT_MS = 20000;

  /* ---------- the widget's own words, in each language it answers in ---------- */
  // The conversation's language (each answer's `lang`, or the one chosen in the switch) decides
  // which table draws the chrome and each answer; an answer keeps the words of its own language.
  var UI = {
    ja: {
      name: "日本語", open: "支援制度の相談窓口を開く", closePanel: "相談窓口を閉じる", log: "会話",
      placeholder: "例：災害で店の建物が壊れました。再建の支援はありますか", send: "送信", yourQuestion: "ご相談内容",
      restart: "最初から", hint: "Enterで送信、Shift+Enterで改行できます。", close: "閉じる",
      panel: "熊本県の支援制度 相談窓口", title: "支援制度の相談窓口",
      subtitle: "熊本県の中小企業・小規模事業者向け支援制度をご案内します", langLabel: "言語 / Language",
      langChanged: "日本語でお答えします。", you: "あなた：", assistant: "窓口の回答：",
      welcome: "こんにちは。熊本県の事業者向け支援制度をご案内します。\nお困りのことを、ふだんの言葉でお書きください。\n（例：跡継ぎに店を譲りたい、台湾に焼酎を輸出したい、資金繰りが苦しい）",
      condition: "条件", whyFits: "合う理由", colon: "：", best: "いちばん合う制度", kind: "支援制度", division: "担当：",
      because: function (l) { return "根拠（" + l + "）"; }, applicant: "申し込み：", estimate: "目安",
      calc: function (e, y) { return "経費 " + y(e.expense_yen) + " × 補助率 " + e.rate + "（上限 " + y(e.cap_yen) + "）で計算した目安です。実際の額は審査等で決まります。"; },
      contact: "お問い合わせ先（窓口）", moreBoth: "ほかの条件と窓口", moreTerms: "ほかの条件", moreContact: "窓口",
      quotes: function (n) { return "（原文の引用 " + n + "件）"; },
      period: "事業期間：", after: "（終了の可能性）", before: "（開始前）",
      span: function (p) {
        var r = function (y) { return y - 2018; }, unit = p.unit === "calendar_year" ? "年" : "年度";
        return "令和" + r(p.first_year) + (p.last_year == null ? unit + "〜" :
          p.last_year === p.first_year ? unit : "〜" + r(p.last_year) + unit);
      },
      ended: "※「終了の可能性」とある制度は、資料の事業期間が終わっています。今年度の実施状況は各窓口にご確認ください。",
      headNoMatch: "ほかの相談先のご案内", headPrograms: function (n) { return n + "件の制度をご案内します"; },
      headQuestion: "確認のご質問", headAnswer: "回答",
      bestIs: function (many, name, kind) { return (many ? "いちばん合うのは" : "") + "「" + name + "」" + (kind ? "（" + kind + "）" : "") + "です。"; },
      options: "選択肢：", optionsSep: "、", stop: "。",
      startedOver: "前回の会話の期限が切れたため、新しい会話として承りました。", cards: "ご案内する制度（合う順）",
      source: function (s) { return "出典：" + s.title + "（" + s.year + "）"; },
      asOf: function (y) { return y + "の内容です。受付状況などは窓口でご確認ください。"; },
      seconds: function (n) { return n + "秒"; }, minutes: function (n) { return "約" + n + "分"; }, hours: function (n) { return "約" + n + "時間"; },
      offline: "通信できませんでした。ネットワークの状態をご確認のうえ、もう一度お試しください。",
      busy: "ただいま混み合っています。", retryIn: function (w) { return "（" + w + "ほどで、もう一度お送りいただけます）"; },
      sendFailed: function (s) { return "送信できませんでした（エラー " + s + "）。"; },
      yes: "はい", no: "いいえ", handoff: "窓口に相談する", cancel: "やめる",
      commentLabel: "よろしければ、足りなかった点をお聞かせください（任意）", helpful: "この回答は役に立ちましたか？",
      noSession: "この会話の記録が見つからないため、評価をお送りできませんでした。",
      alreadyRated: "この回答には評価をいただいています。ありがとうございました。", thanks: "ありがとうございました。",
      fields: {
        name: ["お名前", null, "お名前を入力してください。"], organization: ["事業所名"],
        contact: ["電話番号またはメールアドレス", "例：096-333-2323、info@example.jp", "電話番号かメールアドレスを入力してください。"],
        preferred_time: ["ご都合のよい連絡時間", "例：平日の午前中、15時以降"],
        message: ["ご相談内容", null, "ご相談内容を入力してください。"]
      },
      lead: "商工会の担当者から、ご記入の連絡先へご連絡します。次の内容をご記入ください。", required: "必須", optional: "任意",
      consent: function (d) { return "送信すると、ご記入の内容に加えて、この会話でのご質問と表示された支援制度が窓口の担当者に届きます。" +
        "お名前やご連絡先などの個人情報は、保存期間（" + d + "日）が過ぎると削除します。"; },
      agree: "会話の内容を含めて、窓口に送ることに同意します", needConsent: "送信するには、窓口へ送ることへの同意が必要です。",
      submit: "送信する", sending: "送信しています…", back: "会話に戻る", checkInput: "入力内容をご確認ください。",
      received: "ご相談を受け付けました", ticket: "受付番号：",
      receivedText: "担当者から、ご記入の連絡先へご連絡します。お問い合わせの際は、この受付番号をお伝えください。",
      receivedSay: function (t) { return "ご相談を受け付けました。受付番号 " + t; },
      typing: "回答を作成しています", retry: "再送信", cannotShow: "回答を表示できませんでした。再送信してください。",
      busyRetry: "ただいま混み合っています。少し時間をおいて再送信してください。",
      noAnswer: function (s) { return "申し訳ありません。回答を受け取れませんでした（エラー " + (s || "不明") + "）。"; },
      offlineRetry: "通信できませんでした。ネットワークの状態をご確認のうえ、再送信してください。",
      restarted: "会話を最初からやり直します。"
    },
    en: {
      name: "English", open: "Open the support program help desk", closePanel: "Close the help desk", log: "Conversation",
      placeholder: "e.g. A disaster damaged my shop building. Is there support for rebuilding?", send: "Send", yourQuestion: "Your question",
      restart: "Start over", hint: "Press Enter to send, Shift+Enter for a new line.", close: "Close",
      panel: "Kumamoto support program help desk", title: "Support help desk",
      subtitle: "Kumamoto's support programs for small businesses", langLabel: "言語 / Language",
      langChanged: "We will answer in English.", you: "You: ", assistant: "Help desk answer: ",
      welcome: "Hello. We can tell you about Kumamoto Prefecture's support programs for businesses.\nPlease describe your situation in your own words.\n(For example: I want to hand my shop to a successor, I want to export shochu to Taiwan, my cash flow is tight.)",
      condition: "Condition", whyFits: "Why it fits", colon: ": ", best: "Best fit", kind: "Support program", division: "In charge: ",
      because: function (l) { return "Evidence (" + l + ")"; }, applicant: "How to apply: ", estimate: "Estimate",
      calc: function (e, y) { return "A rough figure: expense " + y(e.expense_yen) + " × subsidy rate " + e.rate + " (upper limit " + y(e.cap_yen) + "). The actual amount is decided in the review."; },
      contact: "Contact desk (「窓口」)", moreBoth: "Other terms and the contact desk", moreTerms: "Other terms", moreContact: "Contact desk",
      quotes: function (n) { return " (" + n + " quoted from the document)"; },
      period: "Program period: ", after: " (may have ended)", before: " (not started)",
      span: function (p) {
        var unit = p.unit === "calendar_year" ? "" : "FY";
        return unit + p.first_year + (p.last_year == null ? " onward" : p.last_year === p.first_year ? "" : "–" + p.last_year);
      },
      ended: "Note: for programs marked \"may have ended\", the program period in the document is over. Please check with each desk whether they run this year.",
      headNoMatch: "Where else to ask", headPrograms: function (n) { return n === 1 ? "1 program for you" : n + " programs for you"; },
      headQuestion: "A question for you", headAnswer: "Answer",
      bestIs: function (many, name, kind) { return (many ? "The best fit is " : "It is ") + "「" + name + "」" + (kind ? " (" + kind + ")" : "") + "."; },
      options: "Options: ", optionsSep: ", ", stop: ".",
      startedOver: "Your earlier conversation had expired, so this is a new conversation.", cards: "Programs for you, best fit first",
      source: function (s) { return "Source: 「" + s.title + "」 (「" + s.year + "」)"; },
      asOf: function (y) { return "These are the terms of 「" + y + "」. Please check with the desk whether applications are being accepted."; },
      seconds: function (n) { return n + " s"; }, minutes: function (n) { return "about " + n + " min"; }, hours: function (n) { return "about " + n + " h"; },
      offline: "We could not connect. Please check your network and try again.",
      busy: "We are busy right now.", retryIn: function (w) { return " (you can send it again in " + w + ")"; },
      sendFailed: function (s) { return "It could not be sent (error " + s + ")."; },
      yes: "Yes", no: "No", handoff: "Ask the help desk staff", cancel: "Cancel",
      commentLabel: "If you like, tell us what was missing (optional)", helpful: "Was this answer helpful?",
      noSession: "We could not find this conversation, so your rating could not be sent.",
      alreadyRated: "This answer has already been rated. Thank you.", thanks: "Thank you.",
      fields: {
        name: ["Your name", null, "Please enter your name."], organization: ["Business name"],
        contact: ["Phone number or email address", "e.g. 096-333-2323, info@example.jp", "Please enter a phone number or an email address."],
        preferred_time: ["Best time to contact you", "e.g. weekday mornings, after 3 p.m."],
        message: ["Your question", null, "Please enter your question."]
      },
      lead: "Staff of the 「商工会」 (chamber of commerce) will contact you at the address you give. Please fill in the following. Staff may reply in Japanese.",
      required: "Required", optional: "Optional",
      consent: function (d) { return "When you send this, the help desk staff receive what you enter, the questions of this conversation and the programs shown. " +
        "Personal data such as your name and contact details is deleted after " + d + " days."; },
      agree: "I agree to send this, including the conversation, to the help desk", needConsent: "To send this, please agree to it being sent to the help desk.",
      submit: "Send", sending: "Sending…", back: "Back to the conversation", checkInput: "Please check what you entered.",
      received: "Your request has been received", ticket: "Reference number: ",
      receivedText: "Staff will contact you at the address you gave. Please quote this reference number when you contact us.",
      receivedSay: function (t) { return "Your request has been received. Reference number " + t; },
      typing: "Writing the answer", retry: "Send again", cannotShow: "The answer could not be shown. Please send again.",
      busyRetry: "We are busy right now. Please wait a little and send again.",
      noAnswer: function (s) { return "We are sorry, but no answer arrived (error " + (s || "unknown") + ")."; },
      offlineRetry: "We could not connect. Please check your network and send again.",
      restarted: "Starting the conversation over."
    },
    "zh-Hant": {
      name: "繁體中文", open: "開啟支援制度諮詢窗口", closePanel: "關閉諮詢窗口", log: "對話",
      placeholder: "例：店面建築因災害損壞，有重建的支援嗎？", send: "送出", yourQuestion: "諮詢內容",
      restart: "重新開始", hint: "按 Enter 送出，Shift+Enter 換行。", close: "關閉",
      panel: "熊本縣支援制度諮詢窗口", title: "支援制度諮詢窗口",
      subtitle: "介紹熊本縣以中小企業與小規模事業者為對象的支援制度", langLabel: "言語 / Language",
      langChanged: "將以繁體中文回答。", you: "您：", assistant: "窗口的回答：",
      welcome: "您好，我們為您介紹熊本縣以事業者為對象的支援制度。\n請用平常的說法寫下您遇到的困難。\n（例：想把店交給接班人、想把燒酎出口到台灣、資金周轉困難）",
      condition: "條件", whyFits: "符合的理由", colon: "：", best: "最符合的制度", kind: "支援制度", division: "承辦單位：",
      because: function (l) { return "依據（" + l + "）"; }, applicant: "申請方式：", estimate: "估算",
      calc: function (e, y) { return "以經費 " + y(e.expense_yen) + " × 補助比例 " + e.rate + "（上限 " + y(e.cap_yen) + "）計算的估算金額，實際金額依審查結果而定。"; },
      contact: "洽詢窗口（「窓口」）", moreBoth: "其他條件與洽詢窗口", moreTerms: "其他條件", moreContact: "洽詢窗口",
      quotes: function (n) { return "（資料原文引用 " + n + " 則）"; },
      period: "事業期間：", after: "（可能已結束）", before: "（尚未開始）",
      span: function (p) {
        var unit = p.unit === "calendar_year" ? "年" : "年度";
        return p.first_year + (p.last_year == null ? unit + "起" : p.last_year === p.first_year ? unit : "～" + p.last_year + unit);
      },
      ended: "※標示「可能已結束」的制度，其資料中的事業期間已經結束。今年度是否實施，請向各窗口確認。",
      headNoMatch: "其他諮詢單位的介紹", headPrograms: function (n) { return "為您介紹 " + n + " 項制度"; },
      headQuestion: "確認的問題", headAnswer: "回答",
      bestIs: function (many, name, kind) { return (many ? "最符合的是" : "這是") + "「" + name + "」" + (kind ? "（" + kind + "）" : "") + "。"; },
      options: "選項：", optionsSep: "、", stop: "。",
      startedOver: "先前的對話已過期，因此作為新的對話受理。", cards: "為您介紹的制度（依符合程度排序）",
      source: function (s) { return "出處：「" + s.title + "」（「" + s.year + "」）"; },
      asOf: function (y) { return "以上為「" + y + "」的內容，受理狀況等請向窗口確認。"; },
      seconds: function (n) { return n + " 秒"; }, minutes: function (n) { return "約 " + n + " 分鐘"; }, hours: function (n) { return "約 " + n + " 小時"; },
      offline: "無法連線。請確認網路狀態後再試一次。",
      busy: "目前使用人數眾多。", retryIn: function (w) { return "（約" + w + "後可再次送出）"; },
      sendFailed: function (s) { return "無法送出（錯誤 " + s + "）。"; },
      yes: "是", no: "否", handoff: "向窗口人員諮詢", cancel: "取消",
      commentLabel: "如您願意，請告訴我們不足之處（選填）", helpful: "這個回答對您有幫助嗎？",
      noSession: "找不到這段對話的紀錄，因此無法送出評價。",
      alreadyRated: "這個回答已經收到評價，謝謝您。", thanks: "謝謝您。",
      fields: {
        name: ["姓名", null, "請輸入姓名。"], organization: ["事業所名稱"],
        contact: ["電話號碼或電子郵件地址", "例：096-333-2323、info@example.jp", "請輸入電話號碼或電子郵件地址。"],
        preferred_time: ["方便聯絡的時間", "例：平日上午、下午3點以後"],
        message: ["諮詢內容", null, "請輸入諮詢內容。"]
      },
      lead: "「商工会」（工商會）的承辦人員將依您填寫的聯絡方式與您聯繫，請填寫以下內容。承辦人員可能以日文回覆。",
      required: "必填", optional: "選填",
      consent: function (d) { return "送出後，除了您填寫的內容之外，本次對話中的問題與顯示的支援制度也會送交窗口承辦人員。" +
        "姓名、聯絡方式等個人資料將於保存期間（" + d + " 天）屆滿後刪除。"; },
      agree: "我同意將包含對話內容的資料送交窗口", needConsent: "若要送出，需要您同意將資料送交窗口。",
      submit: "送出", sending: "送出中…", back: "回到對話", checkInput: "請確認輸入的內容。",
      received: "已受理您的諮詢", ticket: "受理編號：",
      receivedText: "承辦人員將依您填寫的聯絡方式與您聯繫。洽詢時請告知此受理編號。",
      receivedSay: function (t) { return "已受理您的諮詢。受理編號 " + t; },
      typing: "正在撰寫回答", retry: "重新送出", cannotShow: "無法顯示回答，請重新送出。",
      busyRetry: "目前使用人數眾多，請稍候再重新送出。",
      noAnswer: function (s) { return "很抱歉，未能收到回答（錯誤 " + (s || "不明") + "）。"; },
      offlineRetry: "無法連線。請確認網路狀態後重新送出。",
      restarted: "將重新開始對話。"
    }
  };
  var LANGS = ["ja", "en", "zh-Hant"];
  // A BCP 47 tag as one of the three (zh, zh-TW … are Traditional Chinese; anything else ja).
  function norm(tag) {
    var l = String(tag || "").toLowerCase();
    return l.indexOf("en") === 0 ? "en" : l.indexOf("zh") === 0 ? "zh-Hant" : "ja";
  }
  function ui(tag) { return UI[norm(tag)]; }

  var CSS = [
    ":host{all:initial !important;display:block !important}",
    "[hidden]{display:none !important}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".root{font-family:system-ui,-apple-system,'Hiragino Sans','Hiragino Kaku Gothic ProN','Noto Sans JP','Noto Sans CJK JP','Yu Gothic UI',Meiryo,sans-serif;font-size:15px;line-height:1.6;color:#1f2933;-webkit-text-size-adjust:100%}",
    "button,textarea,input{font:inherit;color:inherit;margin:0}",
    ".sr{position:absolute !important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;padding:0;background:#0b5cad;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.28);display:flex;align-items:center;justify-content:center}",
    ".launcher:hover{background:#094c8f}",
    ".launcher svg{width:30px;height:30px;fill:currentColor}",
    // The focus ring: dark amber, at least 5.5:1 on every light background the widget draws
    // (WCAG 1.4.11 asks 3:1); white on the blue header (6.4:1).
    ":focus-visible{outline:3px solid #9a4a00;outline-offset:2px}",
    ".head :focus-visible{outline-color:#fff}",
    ".panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:390px;max-width:calc(100vw - 40px);height:min(640px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;border:1px solid #d5dde5}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;gap:8px;padding:10px 12px 10px 16px;background:#0b5cad;color:#fff}",
    ".head h2{flex:1;margin:0;font-size:16px;font-weight:700;line-height:1.3}",
    ".head small{display:block;font-size:11.5px;font-weight:400;opacity:.9}",
    ".head button{background:transparent;border:0;color:#fff;cursor:pointer;border-radius:6px}",
    ".restart{font-size:12.5px;text-decoration:underline;padding:4px 6px}",
    ".close{width:36px;height:36px;font-size:22px;line-height:1}",
    // The language switch: a native select, so the keyboard and screen readers know it.
    ".langsel{background:#fff;color:#0b5cad;border:1px solid #fff;border-radius:6px;font:inherit;font-size:12.5px;padding:2px 2px;max-width:92px;cursor:pointer}",
    ".head .langsel:focus-visible{outline:3px solid #fff;outline-offset:2px}",
    ".head button:hover{background:rgba(255,255,255,.16)}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:14px 12px;background:#f4f6f8;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}",
    ".msg{max-width:100%}",
    ".user{align-self:flex-end;max-width:85%;background:#0b5cad;color:#fff;padding:8px 12px;border-radius:14px 14px 4px 14px;white-space:pre-wrap;word-break:break-word}",
    ".bot{align-self:stretch;display:flex;flex-direction:column;gap:8px}",
    ".text{background:#fff;border:1px solid #dde3ea;padding:9px 12px;border-radius:14px 14px 14px 4px;white-space:pre-wrap;word-break:break-word}",
    ".nomatch{background:#fff8e6;border:1px solid #e8b100;border-left:5px solid #e8b100;padding:9px 12px;border-radius:8px;white-space:pre-wrap;word-break:break-word}",
    ".nomatch strong{display:block;font-size:13px;color:#7a5200}",
    ".note{font-size:12.5px;color:#52606d;background:#e9edf1;border-radius:6px;padding:4px 8px}",
    ".card{background:#fff;border:1px solid #cfd8e1;border-top:4px solid #0b5cad;border-radius:10px;padding:10px 12px}",
    ".card h4{margin:0 0 4px;font-size:15px;line-height:1.4;word-break:break-word}",
    ".cards{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}",
    ".ahead{margin:0;font-size:14px;font-weight:700;line-height:1.4;color:#0b4f94}",
    ".ahead:focus{outline:3px solid #9a4a00;outline-offset:2px}",
    ".best{display:inline-block;margin:0 0 4px;font-size:11.5px;font-weight:700;color:#fff;background:#0b5cad;border-radius:4px;padding:0 6px}",
    ".why{margin:0 0 6px;font-size:13.5px}",
    ".why .lbl{color:#1e6b33}",
    ".more{margin-top:6px;font-size:13.5px}",
    ".more summary{cursor:pointer;color:#0b4f94;font-weight:700;font-size:13px;padding:2px 0}",
    ".more[open] summary{margin-bottom:4px}",
    ".notes{margin:0;padding:0;list-style:none;font-size:12.5px;color:#3e4c59}",
    ".notes li{margin:0 0 2px}",
    ".acts-top{display:flex;flex-wrap:wrap;gap:6px}",
    ".meta{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:12px;color:#52606d;margin-bottom:6px}",
    ".badge{display:inline-block;font-size:11.5px;font-weight:700;padding:1px 8px;border-radius:999px;background:#e3eefa;color:#0b4f94;border:1px solid #b7d0ea}",
    ".badge.loan{background:#eaf6ec;color:#1e6b33;border-color:#b9dcc1}",
    ".badge.period{background:#f4f5f7;color:#3e4c59;border-color:#cbd2d9;font-weight:600}",
    ".badge.period.after{background:#fff4e5;color:#8a4b00;border-color:#f0c27b}",
    ".applicant{margin-top:6px;font-size:13px;color:#3e4c59}",
    ".terms{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:5px;font-size:13.5px}",
    ".lbl{font-weight:700;color:#334e68}",
    "q{quotes:none;background:#f7f3e3;border-radius:3px;padding:0 2px;word-break:break-word}",
    "q::before,q::after{content:none}",
    "cite{font-style:normal;font-size:12px;color:#0b5cad;white-space:nowrap}",
    ".estimate{margin-top:8px;background:#eef7ee;border:1px solid #bfe0c3;border-radius:8px;padding:7px 10px;font-size:13.5px}",
    ".estimate .amt{font-size:16px;font-weight:700;color:#1e6b33}",
    ".estimate .calc{font-size:12px;color:#52606d}",
    ".estimate ul{margin-top:4px}",
    ".contact{margin-top:8px;border-top:1px dashed #cfd8e1;padding-top:6px;font-size:13.5px}",
    ".contact .lbl{color:#9a3412}",
    ".src{font-size:11.5px;color:#52606d}",
    ".follow{background:#fff;border:1px solid #dde3ea;border-radius:10px;padding:9px 12px}",
    ".follow p{margin:0 0 6px;font-weight:700;font-size:14px}",
    ".opts{display:flex;flex-wrap:wrap;gap:6px}",
    ".opt{background:#fff;border:1.5px solid #0b5cad;color:#0b5cad;border-radius:999px;padding:4px 12px;cursor:pointer;font-size:13.5px;text-align:left}",
    ".opt:hover:not(:disabled){background:#e3eefa}",
    ".opt:disabled{border-color:#b6c2cd;color:#7b8794;cursor:default}",
    ".error{background:#fdecec;border:1px solid #e5a3a3;border-left:5px solid #c62828;border-radius:8px;padding:8px 12px;color:#7f1d1d;font-size:14px}",
    ".error button{margin-top:6px;background:#c62828;color:#fff;border:0;border-radius:6px;padding:4px 14px;cursor:pointer}",
    ".typing{align-self:flex-start;background:#fff;border:1px solid #dde3ea;border-radius:14px;padding:10px 14px;display:flex;gap:4px}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#7b8794;animation:mdg 1.2s infinite ease-in-out}",
    ".typing span:nth-child(2){animation-delay:.15s}.typing span:nth-child(3){animation-delay:.3s}",
    "@keyframes mdg{0%,80%,100%{opacity:.3;transform:translateY(0)}40%{opacity:1;transform:translateY(-3px)}}",
    "@media (prefers-reduced-motion:reduce){.typing span{animation:none}}",
    ".composer{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:flex-end;padding:6px 12px 4px;border-top:1px solid #dde3ea;background:#fff}",
    ".composer label{flex:0 0 100%;font-size:13px;font-weight:700;color:#334e68}",
    ".composer textarea{flex:1;min-height:44px;max-height:120px;resize:none;border:1.5px solid #9aa5b1;border-radius:10px;padding:9px 10px;line-height:1.5;background:#fff}",
    ".composer textarea:focus{border-color:#0b5cad}",
    ".send{min-width:64px;height:44px;border:0;border-radius:10px;background:#0b5cad;color:#fff;font-weight:700;cursor:pointer;padding:0 12px}",
    ".send:disabled{background:#9aa5b1;cursor:not-allowed}",
    ".hint{margin:0;padding:2px 12px 8px;font-size:11.5px;color:#52606d;background:#fff}",
    ".acts{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:13px;color:#52606d}",
    ".acts .ask-fb{margin-right:2px}",
    ".fb{min-height:34px;background:#fff;border:1.5px solid #9aa5b1;border-radius:999px;cursor:pointer;font-size:13.5px;line-height:1;padding:0 10px;white-space:nowrap}",
    ".fb:hover:not(:disabled){background:#e3eefa;border-color:#0b5cad}",
    ".fb[aria-pressed=true]{background:#e3eefa;border-color:#0b5cad}",
    ".fb:disabled,.fb[aria-disabled=true]{cursor:default;opacity:.55}",
    ".fb[aria-pressed=true]:disabled{opacity:1}",
    ".handoff{background:#fff;border:1.5px solid #9a3412;color:#9a3412;border-radius:999px;padding:4px 12px;cursor:pointer;font-size:13.5px;font-weight:700}",
    ".handoff:hover{background:#fdf0e8}",
    ".fb-box{display:flex;flex-direction:column;gap:6px;background:#fff;border:1px solid #dde3ea;border-radius:10px;padding:8px 10px;font-size:13.5px}",
    ".fb-box[hidden],.fb-done[hidden],.fb-err[hidden]{display:none}",
    ".fb-box textarea{min-height:60px;resize:vertical;border:1.5px solid #9aa5b1;border-radius:8px;padding:6px 8px;background:#fff}",
    ".fb-box .row{display:flex;gap:6px;justify-content:flex-end}",
    ".btn{border:0;border-radius:8px;background:#0b5cad;color:#fff;font-weight:700;cursor:pointer;padding:6px 14px}",
    ".btn:disabled{background:#9aa5b1;cursor:not-allowed}",
    ".btn2{border:1.5px solid #0b5cad;border-radius:8px;background:#fff;color:#0b5cad;cursor:pointer;padding:5px 12px}",
    ".fb-done{margin:0;font-size:13px;color:#1e6b33;font-weight:700}",
    ".fb-err{margin:0;font-size:13px;color:#7f1d1d}",
    ".sheet{flex:1;overflow-y:auto;padding:14px 16px;background:#fff;display:flex;flex-direction:column;gap:12px;overscroll-behavior:contain}",
    ".sheet[hidden]{display:none}",
    ".sheet h3{margin:0;font-size:16px}",
    ".hform{display:flex;flex-direction:column;gap:12px}",
    ".sheet p{margin:0}",
    ".lead{font-size:13.5px;color:#3e4c59}",
    ".field{display:flex;flex-direction:column;gap:3px}",
    ".field label,.consent label{font-weight:700;font-size:14px}",
    ".opt-tag,.req-tag{font-size:11.5px;font-weight:700;border-radius:4px;padding:0 5px;margin-left:6px;vertical-align:1px}",
    ".req-tag{background:#fdecec;color:#9b1c1c}",
    ".opt-tag{background:#e9edf1;color:#52606d}",
    ".field input,.field textarea{width:100%;border:1.5px solid #9aa5b1;border-radius:8px;padding:8px 10px;background:#fff;font-size:16px;line-height:1.5}",
    ".field textarea{min-height:96px;resize:vertical}",
    ".field input:focus,.field textarea:focus{border-color:#0b5cad}",
    ".field [aria-invalid=true],.consent [aria-invalid=true]{border-color:#c62828;outline-color:#c62828}",
    ".field small{font-size:12px;color:#52606d}",
    ".ferr{font-size:13px;color:#b42318;font-weight:700}",
    ".ferr:empty{display:none}",
    ".consent{background:#f4f6f8;border:1px solid #dde3ea;border-radius:8px;padding:10px 12px;font-size:13px;display:flex;flex-direction:column;gap:6px}",
    ".consent .check{display:flex;gap:8px;align-items:flex-start}",
    ".consent input{width:20px;height:20px;margin:2px 0 0;flex:none}",
    ".sheet-actions{display:flex;flex-wrap:wrap;gap:8px;justify-content:flex-end}",
    ".sheet-actions .btn,.sheet-actions .btn2{min-height:44px;padding:0 18px}",
    ".done{background:#eef7ee;border:1px solid #bfe0c3;border-left:5px solid #1e6b33;border-radius:8px;padding:10px 12px}",
    ".done strong{display:block;font-size:15px}",
    ".ticket{font-size:20px;font-weight:700;letter-spacing:.08em;color:#1e6b33}",
    "@media (max-width:400px){.panel{left:0;right:0;top:0;bottom:0;width:100%;max-width:none;height:100%;border-radius:0;border:0}.launcher{right:14px;bottom:14px}.root.open .launcher{display:none}}"
  ].join("\n");

  var ICON_CHAT = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg>';
  var ICON_CLOSE = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>';

  /* ---------- small helpers ---------- */
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null || attrs[k] === false) continue;
        if (k === "text") el.textContent = attrs[k];
        else if (k === "class") el.className = attrs[k];
        else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), attrs[k]);
        else el.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
      }
    }
    (kids || []).forEach(function (c) {
      if (c == null || c === false) return;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }
  function store(kind) {
    try { var s = window[kind]; s.getItem("x"); return s; } catch (e) { return null; }
  }
  var ls = store("localStorage");
  function load(key) {
    if (!ls) return null;
    try { return ls.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    if (!ls) return;
    try { ls.setItem(key, value); } catch (e) { /* quota or disabled: keep going in memory */ }
  }
  function drop(key) {
    if (!ls) return;
    try { ls.removeItem(key); } catch (e) { /* ignore */ }
  }
  function yenIn(lang) {
    lang = norm(lang);
    if (lang === "en") return function (n) { return "¥" + Math.round(Number(n) || 0).toLocaleString("en-US"); };
    if (lang === "zh-Hant") return function (n) { return yen(n).replace(/円$/, "日圓").replace(/万/g, "萬"); };
    return yen;
  }
  function yen(n) {
    n = Math.round(Number(n) || 0);
    var oku = Math.floor(n / 1e8), man = Math.floor((n % 1e8) / 1e4), rest = n % 1e4, s = "";
    if (oku) s += oku.toLocaleString("ja-JP") + "億";
    if (man) s += man.toLocaleString("ja-JP") + "万";
    if (rest || !s) s += rest.toLocaleString("ja-JP");
    return s + "円";
  }
  // The label of a program's one line: why it fits, or — when one unknown fact decides
  // (`fit: "may_fit"`) — the condition it depends on.
  function whyLabel(p, lang) {
    var t = ui(lang);
    return p && p.fit === "may_fit" ? t.condition : t.whyFits;
  }
  function cite(q) {
    return h("cite", { "data-testid": "madoguchi-cite" }, ["「p." + q.page + " l." + q.line + "」"]);
  }
  // The terms a person weighs first, kept in view on a short card.
  var KEY_TERMS = ["補助率", "負担割合", "上限額", "融資枠", "利率"];
  // A quote: its label in the answer's language, its text the document's Japanese.
  function quoteItemIn(lang) {
    var t = ui(lang);
    return function (q) {
      return h("li", null, [h("span", { class: "lbl", text: q.label_text || q.label }), t.colon,
        h("q", { lang: "ja", text: q.text }), " ", cite(q)]);
    };
  }

  /* ---------- state ---------- */
  var history = [];
  try {
    var raw = JSON.parse(load(KEY_HISTORY) || "[]");
    if (Array.isArray(raw)) history = raw.filter(function (e) {
      return e && (e.role === "user" && typeof e.message === "string" ||
        e.role === "assistant" && e.response && typeof e.response === "object");
    }).slice(-MAX_HISTORY);
  } catch (e) { history = []; }
  var busy = false;
  var composing = false;
  // The conversation's language (the last answer's, or the one chosen), and a choice made in
  // the switch that the next request carries as `lang`.
  var uiLang = norm(load(KEY_LANG) || "ja");
  var chosenLang = null;

  function pushHistory(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
    persist();
  }
  // Writes the history again (after a change to an entry, such as its feedback).
  function persist() {
    while (ls) {
      try { ls.setItem(KEY_HISTORY, JSON.stringify(history)); break; } catch (e) {
        if (history.length <= 2) break; // storage full or refused: keep the conversation in memory
        history = history.slice(2);
      }
    }
  }

  /* ---------- DOM ---------- */
  function mount() {
    if (document.getElementById("madoguchi-widget")) return;
    var host = document.createElement("div");
    host.id = "madoguchi-widget";
    host.style.setProperty("all", "initial", "important");
    host.style.setProperty("display", "block", "important");
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });
    shadow.appendChild(h("style", { text: CSS }));

    var launcher = h("button", {
      type: "button", class: "launcher", "data-testid": "madoguchi-open",
      "aria-label": ui(uiLang).open, "aria-expanded": "false", "aria-controls": "mdg-panel"
    });
    launcher.innerHTML = ICON_CHAT;

    var log = h("div", { class: "log", role: "region", "aria-label": ui(uiLang).log, tabindex: "0", "data-testid": "madoguchi-log" });
    var live = h("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
    var input = h("textarea", {
      id: "mdg-input", "data-testid": "madoguchi-input", rows: "2", maxlength: "2000",
      placeholder: ui(uiLang).placeholder, "aria-describedby": "mdg-hint"
    });
    var send = h("button", { type: "submit", class: "send", "data-testid": "madoguchi-send" }, [ui(uiLang).send]);
    var inputLabel = h("label", { for: "mdg-input", text: ui(uiLang).yourQuestion });
    var form = h("form", { class: "composer", novalidate: true }, [inputLabel, input, send]);
    var restart = h("button", { type: "button", class: "restart", "data-testid": "madoguchi-restart" }, [ui(uiLang).restart]);
    // The language switch: 日本語 / English / 繁體中文, each named in its own language.
    var langSel = h("select", { id: "mdg-lang", class: "langsel", "data-testid": "madoguchi-lang",
      "aria-label": ui(uiLang).langLabel }, LANGS.map(function (l) {
      return h("option", { value: l, lang: l, text: UI[l].name });
    }));
    langSel.value = uiLang;
    var sheet = h("section", { class: "sheet", "aria-labelledby": "mdg-sheet-title", "data-testid": "madoguchi-handoff-sheet", hidden: true });
    var hint = h("p", { class: "hint", id: "mdg-hint", text: ui(uiLang).hint });
    var close = h("button", { type: "button", class: "close", "aria-label": ui(uiLang).close, "data-testid": "madoguchi-close" }, ["×"]);
    var titleText = document.createTextNode(ui(uiLang).title);
    var subtitle = h("small", { text: ui(uiLang).subtitle });
    var panel = h("section", {
      id: "mdg-panel", class: "panel", role: "dialog", "aria-label": ui(uiLang).panel,
      "data-testid": "madoguchi-panel", hidden: true
    }, [
      h("div", { class: "head" }, [
        h("h2", { "data-testid": "madoguchi-title" }, [titleText, subtitle]),
        langSel, restart, close
      ]),
      log, sheet, live, form, hint
    ]);
    // The widget's own words are in the conversation's language, whatever the host page's (the
    // root's `lang`); each answer carries its own `lang`, and each quote in it `lang="ja"`.
    var root = h("div", { class: "root", lang: uiLang, "data-testid": "madoguchi-root" }, [launcher, panel]);
    shadow.appendChild(root);
    // Redraws the chrome in `lang`: the conversation's language changed (an answer in another
    // language, or the switch).
    function setLang(lang) {
      lang = norm(lang);
      var changed = lang !== uiLang;
      uiLang = lang;
      save(KEY_LANG, lang);
      var t = ui(lang);
      root.setAttribute("lang", lang);
      launcher.setAttribute("aria-label", isOpen() ? t.closePanel : t.open);
      log.setAttribute("aria-label", t.log);
      input.setAttribute("placeholder", t.placeholder);
      send.textContent = t.send;
      inputLabel.textContent = t.yourQuestion;
      restart.textContent = t.restart;
      hint.textContent = t.hint;
      close.setAttribute("aria-label", t.close);
      panel.setAttribute("aria-label", t.panel);
      titleText.textContent = t.title;
      subtitle.textContent = t.subtitle;
      langSel.value = lang;
      var w = log.querySelector("[data-role=welcome]");
      if (w && changed) w.parentNode.replaceChild(welcomeNode(), w);
      if (changed) sheetFresh = true; // the form is built again in the new language
      return changed;
    }
    langSel.addEventListener("change", function () {
      chosenLang = norm(langSel.value);
      setLang(chosenLang);
      announce(ui(chosenLang).langChanged);
    });

    /* ----- open / close ----- */
    // At phone width the panel covers the whole screen: there it is a modal dialog (aria-modal,
    // the host page behind it inert, Tab and Shift+Tab kept inside). On a wider screen it sits
    // beside the page, which stays usable, so it is not modal there.
    var phone = typeof window.matchMedia === "function" ? window.matchMedia("(max-width:400px)") : null;
    var madeInert = []; // the host page's elements this widget made inert, to give back exactly
    function isOpen() { return !panel.hidden; }
    function isModal() { return isOpen() && !!(phone && phone.matches); }
    function syncModal() {
      var modal = isModal();
      if (modal) panel.setAttribute("aria-modal", "true"); else panel.removeAttribute("aria-modal");
      if (modal && !madeInert.length) {
        Array.prototype.forEach.call(document.body.children, function (el) {
          if (el === host || el.inert || el.tagName === "SCRIPT") return;
          el.inert = true;
          madeInert.push(el);
        });
      } else if (!modal && madeInert.length) {
        madeInert.forEach(function (el) { el.inert = false; });
        madeInert = [];
      }
    }
    if (phone) {
      if (typeof phone.addEventListener === "function") phone.addEventListener("change", syncModal);
      else if (typeof phone.addListener === "function") phone.addListener(syncModal);
    }
    // What Tab can reach inside the panel now, in order (closed disclosures and hidden parts
    // have no boxes, so they drop out).
    function tabbables() {
      var all = panel.querySelectorAll("button, textarea, input, select, a[href], summary, [tabindex]");
      return Array.prototype.filter.call(all, function (el) {
        return !el.disabled && el.getAttribute("tabindex") !== "-1" && el.getClientRects().length > 0;
      });
    }
    function open() {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", ui(uiLang).closePanel);
      launcher.innerHTML = ICON_CLOSE;
      syncModal();
      scrollToLast();
      input.focus();
    }
    function shut() {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", ui(uiLang).open);
      launcher.innerHTML = ICON_CHAT;
      syncModal();
      launcher.focus();
    }
    launcher.addEventListener("click", function () { if (isOpen()) shut(); else open(); });
    close.addEventListener("click", shut);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Tab" && isModal()) {
        var list = tabbables();
        if (!list.length) return;
        var at = list.indexOf(shadow.activeElement);
        if (e.shiftKey && at <= 0) { e.preventDefault(); list[list.length - 1].focus(); }
        else if (!e.shiftKey && (at < 0 || at === list.length - 1)) { e.preventDefault(); list[0].focus(); }
        return;
      }
      if ((e.key === "Escape" || e.key === "Esc") && isOpen() && !e.isComposing) {
        e.preventDefault();
        // Escape closes the innermost thing only: the 👎 comment box it was pressed in, else the
        // handoff form (what was typed stays), else the panel.
        var box = e.target && e.target.closest ? e.target.closest(".fb-box") : null;
        if (box && !box.hidden && box.mdgCancel) box.mdgCancel();
        else if (sheetOpen()) closeSheet(true);
        else shut();
      }
    });
    // Focus that still lands behind the modal panel (a page element added after it opened) is
    // brought back into it.
    document.addEventListener("focusin", function (e) {
      if (!isModal() || e.target === host) return;
      var list = tabbables();
      if (list.length) (list.indexOf(input) >= 0 ? input : list[0]).focus();
    });

    /* ----- rendering ----- */
    // The language of a reply's own words: the turn's `lang` (a BCP 47 tag) when the server
    // sends one, else Japanese. The quotes are the document's Japanese whatever it says.
    function replyLang(r) {
      var l = r && typeof r.lang === "string" ? r.lang.trim() : "";
      return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(l) ? l : "ja";
    }
    // Says `said` in the live region: a string, or a list of strings (the widget's own
    // Japanese) and [text, lang] pairs (the server's words in the reply's language).
    function announce(said) {
      live.textContent = "";
      setTimeout(function () {
        (Array.isArray(said) ? said : [said]).forEach(function (part) {
          if (Array.isArray(part) && part[1] !== "ja") live.appendChild(h("span", { lang: part[1], text: part[0] }));
          else live.appendChild(document.createTextNode(Array.isArray(part) ? part[0] : part));
        });
      }, 60);
    }
    function addNode(node) {
      var typing = log.querySelector(".typing");
      log.insertBefore(node, typing || null);
      log.scrollTop = log.scrollHeight;
      return node;
    }
    // The person's message: in the language it was sent in (the answer's, set when it comes).
    function renderUser(text, lang) {
      var t = ui(lang || uiLang);
      return addNode(h("div", { class: "msg user", lang: norm(lang || uiLang), "data-testid": "madoguchi-message", "data-role": "user" }, [
        h("span", { class: "sr", text: t.you }), text
      ]));
    }
    // 「事業期間：令和6〜7年度（終了の可能性）」: the period as the server read it, today.
    function periodBadge(period, lang) {
      if (!period || period.status === "unknown" || !period.first_year) return null;
      var t = ui(lang);
      var state = { within: "", after: t.after, before: t.before }[period.status] || "";
      return h("span", { class: "badge period " + period.status, "data-testid": "madoguchi-period",
        "data-status": period.status, text: t.period + t.span(period) + state });
    }
    function card(p, best, lang) {
      var t = ui(lang), quoteItem = quoteItemIn(lang), y = yenIn(lang);
      var all = Array.isArray(p.quotes) ? p.quotes : [];
      // The quote that shows why the program fits: an index into the quotes as sent.
      var because = typeof p.reason === "string" && p.reason && typeof p.reason_quote === "number" &&
        all[p.reason_quote] && typeof all[p.reason_quote].text === "string" ? all[p.reason_quote] : null;
      var quotes = all.filter(function (q) { return q && typeof q.text === "string"; });
      var terms = quotes.filter(function (q) { return q.label !== "窓口"; });
      var contacts = quotes.filter(function (q) { return q.label === "窓口"; });
      // A short card: the terms a person weighs first stay in view, the rest and the 窓口 are
      // behind a disclosure, every one verbatim with its citation.
      var key = terms.filter(function (q) { return KEY_TERMS.indexOf(q.label) >= 0 && q !== because; }).slice(0, 3);
      if (!key.length && !because && terms.length) key = [terms[0]];
      var rest = terms.filter(function (q) { return key.indexOf(q) < 0 && q !== because; });
      var kids = [
        best ? h("p", { class: "best", "data-testid": "madoguchi-best", text: t.best }) : null,
        // The name as the document prints it (Japanese), and what it means in the answer's language.
        h("h4", null, [h("span", { lang: "ja", text: p.name }),
          p.gloss ? h("span", { class: "gloss", text: norm(lang) === "en" ? " (" + p.gloss + ")" : "（" + p.gloss + "）" }) : null]),
        h("div", { class: "meta" }, [
          h("span", { class: "badge " + (p.kind || ""), text: p.kind_label || t.kind }),
          p.division ? h("span", null, [t.division, h("span", { lang: "ja", text: p.division }),
            p.division_gloss ? (norm(lang) === "en" ? " (" + p.division_gloss + ")" : "（" + p.division_gloss + "）") : ""]) : null,
          periodBadge(p.period, lang)
        ])
      ];
      if (typeof p.reason === "string" && p.reason) {
        kids.push(h("p", { class: "why", "data-testid": "madoguchi-reason" }, [h("span", { class: "lbl", text: whyLabel(p, lang) }), t.colon,
          h("span", { lang: lang, text: p.reason })]));
        if (because) {
          kids.push(h("ul", { class: "terms", "data-testid": "madoguchi-reason-quote" }, [
            h("li", null, [h("span", { class: "lbl", text: t.because(because.label_text || because.label) }), t.colon,
              h("q", { lang: "ja", text: because.text }), " ", cite(because)])
          ]));
        }
      }
      if (p.applicant && p.applicant.how) {
        kids.push(h("p", { class: "applicant", "data-testid": "madoguchi-applicant",
          text: t.applicant + p.applicant.how }));
      }
      if (key.length) kids.push(h("ul", { class: "terms" }, key.map(quoteItem)));
      var e = p.estimate;
      if (e && typeof e === "object") {
        kids.push(h("div", { class: "estimate" }, [
          h("div", null, [h("span", { class: "lbl", text: t.estimate + t.colon }), h("span", { class: "amt", text: y(e.amount_yen) })]),
          h("div", { class: "calc", text: t.calc(e, y) }),
          h("ul", { class: "terms" }, (e.quotes || []).map(quoteItem))
        ]));
      }
      if (rest.length || contacts.length) {
        var more = [];
        if (rest.length) more.push(h("ul", { class: "terms" }, rest.map(quoteItem)));
        if (contacts.length) {
          more.push(h("div", { class: "contact" }, [
            h("div", { class: "lbl", text: t.contact }),
            h("ul", { class: "terms" }, contacts.map(function (q) {
              return h("li", null, [h("q", { lang: "ja", text: q.text }), " ", cite(q)]);
            }))
          ]));
        }
        var what = rest.length && contacts.length ? t.moreBoth : rest.length ? t.moreTerms : t.moreContact;
        kids.push(h("details", { class: "more", "data-testid": "madoguchi-more" }, [
          h("summary", { text: what + t.quotes(rest.length + contacts.length) })
        ].concat(more)));
      }
      return h("article", { class: "card", "data-testid": "madoguchi-card", "data-program": p.id || "" }, kids);
    }
    // The reply's text as the widget shows it. Its numbered list of programs is what the cards
    // say (each card once), so those lines are left out; its ※ notes, the period note among
    // them, are shown once at the end of the answer, each once, however often the text has them.
    function replyParts(text, programs, lang) {
      var body = [], notes = [];
      String(text || "").split("\n").forEach(function (line) {
        var t = line.replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
        if (!t) return;
        if (t.charAt(0) === "※" || t.indexOf("Note: ") === 0) { if (notes.indexOf(t) < 0) notes.push(t); return; }
        var listed = programs.some(function (p, i) {
          return typeof p.name === "string" && (t.indexOf((i + 1) + ". " + p.name) === 0 || t.indexOf((i + 1) + ". 「" + p.name + "」") === 0);
        });
        if (!listed) body.push(line);
      });
      var after = programs.some(function (p) { return p.period && p.period.status === "after"; });
      if (after && !notes.some(function (n) { return /事業期間|program period/.test(n); })) {
        notes.push(ui(lang).ended);
      }
      return { body: body.join("\n"), notes: notes };
    }
    function answerHead(r, programs, lang) {
      var t = ui(lang);
      if (r.no_match) return t.headNoMatch;
      if (programs.length) return t.headPrograms(programs.length);
      if (r.follow_up && Array.isArray(r.follow_up.options) && r.follow_up.options.length) return t.headQuestion;
      return t.headAnswer;
    }
    function sentence(s, lang) {
      s = String(s || "").replace(/\s+/g, " ").trim();
      if (!s || /[。.!?！？]$/.test(s)) return s;
      return s + (lang && lang !== "ja" && !/^(zh|ko)/.test(lang) ? ". " : "。");
    }
    // What the live region says about an answer: how many programs, the best fit and why, and
    // the question when there is one. Not the cards: they are there to move through. The
    // server's words are marked with the reply's language (see announce).
    function summary(r, programs, parts, lang) {
      var said = [], t = ui(lang);
      var f = r.follow_up && Array.isArray(r.follow_up.options) && r.follow_up.options.length ? r.follow_up : null;
      if (r.no_match || !programs.length) {
        said.push([sentence(parts.body, lang), lang]);
      } else {
        var best = programs[0];
        said.push(t.bestIs(programs.length > 1, best.name, best.kind_label));
        if (typeof best.reason === "string" && best.reason) said.push(whyLabel(best, lang) + t.colon, [sentence(best.reason, lang), lang]);
        if (f) said.push([sentence(f.question, lang), lang]);
      }
      if (f) said.push(t.options, [f.options.map(String).join(t.optionsSep), lang], t.stop);
      return said;
    }
    var answers = 0;
    // One answer. `focus`: the person chose an option and waits on this answer, so the focus
    // goes to its heading (which names it) and the live region says the rest.
    function renderAssistant(r, fresh, entry, focus) {
      var programs = Array.isArray(r.programs) ? r.programs.filter(function (p) { return p && typeof p === "object"; }) : [];
      var lang = replyLang(r);
      var t = ui(lang);
      var parts = replyParts(r.reply, programs, lang);
      var headText = answerHead(r, programs, lang);
      var head = h("h3", { class: "ahead", id: "mdg-answer-" + (++answers), tabindex: "-1", "data-testid": "madoguchi-answer-head" }, [
        h("span", { class: "sr", text: t.assistant }), headText
      ]);
      var kids = [head];
      if (r.session && r.session.started_over) {
        kids.push(h("p", { class: "note", "data-testid": "madoguchi-started-over", text: t.startedOver }));
      }
      if (r.no_match) {
        kids.push(h("div", { class: "nomatch", lang: lang, "data-testid": "madoguchi-nomatch", text: parts.body }));
      } else if (parts.body) {
        kids.push(h("div", { class: "text", lang: lang, "data-testid": "madoguchi-reply", text: parts.body }));
      }
      // An answer or a no match can be handed to a person and rated; a clarifying question
      // alone is not an answer yet. 窓口に相談する comes right after the summary.
      var acts = (programs.length || r.no_match) && HANDOFF.available ? actions(entry || { role: "assistant", response: r }) : null;
      if (acts) kids.push(acts.top);
      var f = r.follow_up;
      if (f && Array.isArray(f.options) && f.options.length) {
        var qid = head.id + "-q";
        kids.push(h("div", { class: "follow", role: "group", "aria-labelledby": qid }, [
          h("p", { id: qid, lang: lang, text: f.question }),
          h("div", { class: "opts" }, f.options.map(function (o) {
            return h("button", { type: "button", class: "opt", lang: lang, "data-testid": "madoguchi-option", onclick: function () {
              if (!busy) submit(String(o), true);
            } }, [String(o)]);
          }))
        ]));
      }
      if (programs.length) {
        kids.push(h("ul", { class: "cards", "aria-label": t.cards, "data-testid": "madoguchi-cards" }, programs.map(function (p, i) {
          return h("li", null, [card(p, i === 0 && programs.length > 1, lang)]);
        })));
      }
      if (parts.notes.length) {
        kids.push(h("ul", { class: "notes", lang: lang, "data-testid": "madoguchi-notes" }, parts.notes.map(function (n) {
          return h("li", { text: n });
        })));
      }
      if (programs.length) {
        var srcs = Array.isArray(r.sources) && r.sources.length ? r.sources : (r.source ? [r.source] : []);
        srcs.forEach(function (s) {
          kids.push(h("p", { class: "src", text: t.source(s) }));
        });
        if (r.as_of) kids.push(h("p", { class: "src", text: t.asOf(r.as_of) }));
      }
      if (acts) kids.push(acts.bottom);
      var node = h("div", { class: "msg bot", lang: lang, role: "article", "aria-labelledby": head.id,
        "data-testid": "madoguchi-message", "data-role": "assistant" }, kids);
      addNode(node);
      if (fresh) {
        scrollToLast();
        var said = summary(r, programs, parts, lang);
        said = said.map(function (x) { return Array.isArray(x) ? x : [x, lang]; });
        if (focus) head.focus({ preventScroll: true });
        else said.unshift([headText + t.stop, lang]);
        announce(said);
      }
      return node;
    }
    function disableOldOptions() {
      var opts = log.querySelectorAll(".opt");
      for (var i = 0; i < opts.length; i++) opts[i].disabled = true;
    }
    /* ----- feedback and the handoff, under the latest answer ----- */
    // A POST whose outcome is always a value: { status (0 = no answer), data, error, retry }.
    function postJson(path, body) {
      var ctrl = typeof AbortController === "function" ? new AbortController() : null;
      var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
      var status = 0, retry = 0;
      return fetch(endpoint + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body),
        signal: ctrl ? ctrl.signal : undefined,
        credentials: "omit"
      }).then(function (res) {
        status = res.status;
        retry = parseInt(res.headers.get("Retry-After") || "", 10) || 0;
        return status === 204 ? null : res.json().catch(function () { return null; });
      }).then(function (data) {
        clearTimeout(timer);
        return { status: status, data: data, error: data && data.error || null, retry: retry };
      }, function () {
        clearTimeout(timer);
        return { status: 0, data: null, error: null, retry: 0 };
      });
    }
    function waitText(sec) {
      var t = ui(uiLang);
      if (sec < 60) return t.seconds(sec);
      if (sec < 3600) return t.minutes(Math.ceil(sec / 60));
      return t.hours(Math.ceil(sec / 3600));
    }
    // The server's message in the conversation's language when it has one (Japanese or
    // English), else ours.
    function serverMessage(error) {
      if (!error) return "";
      var l = norm(uiLang);
      return l === "ja" ? error.message_ja : l === "en" ? error.message_en : "";
    }
    // What to tell the person when a write failed: the server's words, and how long to wait
    // when it said (429 and 503 carry Retry-After).
    function failure(res) {
      var t = ui(uiLang);
      if (res.status === 0) return t.offline;
      var msg = serverMessage(res.error);
      if (res.status === 429 || res.status === 503) {
        msg = msg || t.busy;
        return msg + (res.retry ? t.retryIn(waitText(res.retry)) : "");
      }
      return msg || t.sendFailed(res.status);
    }

    var pending = null; // the question on its way: its node and entry get the answer's language
    var seq = 0;
    var rating = null; // the feedback being sent: the next question waits for it
    function actions(entry) {
      var id = "mdg-fb-" + (++seq);
      var t = ui(entry && entry.response ? replyLang(entry.response) : uiLang);
      // The buttons are named by their words (はい／いいえ) in the group 「この回答は役に立ちま
      // したか？」; the thumbs are decoration.
      var up = h("button", { type: "button", class: "fb", "data-testid": "madoguchi-feedback-up",
        "aria-pressed": "false" }, [h("span", { "aria-hidden": "true", text: "👍 " }), t.yes]);
      var down = h("button", { type: "button", class: "fb", "data-testid": "madoguchi-feedback-down",
        "aria-pressed": "false", "aria-expanded": "false", "aria-controls": id + "-box" }, [h("span", { "aria-hidden": "true", text: "👎 " }), t.no]);
      var handoff = h("button", { type: "button", class: "handoff", "data-testid": "madoguchi-handoff" }, [t.handoff]);
      var top = h("div", { class: "acts-top", "data-testid": "madoguchi-handoff-row" }, [handoff]);
      var comment = h("textarea", { id: id, rows: "3", maxlength: "1000", "data-testid": "madoguchi-feedback-comment" });
      var send = h("button", { type: "button", class: "btn", "data-testid": "madoguchi-feedback-send" }, [t.send]);
      var cancel = h("button", { type: "button", class: "btn2" }, [t.cancel]);
      var box = h("div", { class: "fb-box", id: id + "-box", hidden: true }, [
        h("label", { for: id, text: t.commentLabel }), comment,
        h("div", { class: "row" }, [cancel, send])
      ]);
      // Focusable, so a button that goes away or is disabled hands the focus to what replaced it.
      var done = h("p", { class: "fb-done", role: "status", tabindex: "-1", "data-testid": "madoguchi-feedback-done", hidden: true });
      var err = h("p", { class: "fb-err", role: "alert", tabindex: "-1", "data-testid": "madoguchi-feedback-error", hidden: true });
      var row = h("div", { class: "acts", role: "group", "aria-labelledby": id + "-ask" }, [
        h("span", { class: "ask-fb", id: id + "-ask", text: t.helpful }), up, down
      ]);
      var wrap = h("div", { class: "acts-wrap", "data-testid": "madoguchi-actions" }, [row, box, done, err]);

      // Whether the focus is on one of these controls (it must not fall to the page when they go).
      function focusHere() { return wrap.contains(shadow.activeElement); }
      var sending = false;
      function busyButtons(on) {
        [up, down, send].forEach(function (b) { if (on) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled"); });
      }
      function finish(helpful, text) {
        var had = focusHere();
        up.disabled = down.disabled = true;
        up.setAttribute("aria-pressed", String(helpful === true));
        down.setAttribute("aria-pressed", String(helpful === false));
        down.setAttribute("aria-expanded", "false");
        box.hidden = true;
        err.hidden = true;
        done.textContent = text;
        done.hidden = false;
        if (had) done.focus({ preventScroll: true });
      }
      function rate(helpful) {
        if (sending) return;
        var sid = load(KEY_SESSION);
        err.hidden = true;
        if (!sid) {
          var had = focusHere();
          up.disabled = down.disabled = true;
          box.hidden = true;
          err.textContent = t.noSession;
          err.hidden = false;
          if (had) err.focus({ preventScroll: true });
          return;
        }
        var body = { session_id: sid, helpful: helpful };
        var text = comment.value.trim();
        if (!helpful && text) body.comment = text;
        // While it is sent the buttons stay focusable (aria-disabled): the focus stays put.
        sending = true;
        busyButtons(true);
        rating = postJson("/api/v1/feedback", body).then(function (res) {
          rating = null;
          sending = false;
          busyButtons(false);
          var given = res.error && res.error.code === "feedback_given";
          if (res.status === 204 || given) {
            // One feedback per answer: a 409 means it is already recorded (from another tab).
            entry.feedback = { helpful: given ? null : helpful };
            persist();
            finish(entry.feedback.helpful, given ? t.alreadyRated : t.thanks);
            return;
          }
          // 404: nothing to rate any more (the conversation expired, or no database).
          var again = res.status !== 404 && !wrap.hasAttribute("data-retired");
          var had = focusHere();
          up.disabled = down.disabled = !again;
          if (!again) box.hidden = true;
          err.textContent = failure(res);
          err.hidden = false;
          if (had && !again) err.focus({ preventScroll: true });
        });
      }
      up.addEventListener("click", function () { rate(true); });
      down.addEventListener("click", function () {
        if (sending) return;
        var opening = box.hidden;
        box.hidden = !opening;
        down.setAttribute("aria-expanded", String(opening));
        if (opening) comment.focus();
      });
      // やめる, and Escape inside the box: the box closes, the panel stays, 👎 has the focus.
      box.mdgCancel = function () {
        box.hidden = true;
        down.setAttribute("aria-expanded", "false");
        down.focus();
      };
      cancel.addEventListener("click", box.mdgCancel);
      send.addEventListener("click", function () { rate(false); });
      handoff.addEventListener("click", function () { openSheet(handoff); });
      if (entry.feedback) finish(entry.feedback.helpful, t.thanks);
      return { top: top, bottom: wrap };
    }
    // Feedback applies to the latest answer only: older answers lose their buttons (a feedback
    // already given stays visible).
    function retireActions() {
      var tops = log.querySelectorAll("[data-testid=madoguchi-handoff-row]");
      for (var t = 0; t < tops.length; t++) {
        tops[t].hidden = true;
        tops[t].querySelector("button").disabled = true;
      }
      var wraps = log.querySelectorAll("[data-testid=madoguchi-actions]");
      for (var i = 0; i < wraps.length; i++) {
        var w = wraps[i];
        w.setAttribute("data-retired", "");
        var controls = w.querySelectorAll("button, textarea");
        for (var j = 0; j < controls.length; j++) controls[j].disabled = true;
        w.querySelector(".fb-box").hidden = true;
        w.querySelector(".fb-err").hidden = true;
        if (w.querySelector(".fb-done").hidden) w.hidden = true;
        else w.querySelector(".acts").hidden = true;
      }
    }

    /* ----- the handoff form (窓口に相談する) ----- */
    // The form's fields; their label, hint and "missing" message come from the language's table.
    var FIELDS = [
      { name: "name", required: true, max: 50, autocomplete: "name" },
      { name: "organization", max: 100, autocomplete: "organization" },
      { name: "contact", required: true, max: 254, autocomplete: "tel" },
      { name: "preferred_time", max: 100 },
      { name: "message", required: true, max: 2000, multiline: true }
    ];
    function fieldText(f, i) { return ui(uiLang).fields[f.name][i] || null; }
    var sheetOpener = null;
    var sheetFresh = true; // build the form anew on the next opening
    var controls = {};     // field name → its input, for the server's `error.field`
    var fieldErrors = {};
    var prefilled = "";    // what ご相談内容 was filled with: it follows the conversation until edited
    // The person's own words for ご相談内容: their latest typed question, never the label of an
    // option they chose. (Older histories have no `option` flag: a message equal to one of the
    // options of the answer before it counts as chosen.)
    function ownQuestion() {
      for (var i = history.length - 1; i >= 0; i--) {
        var e = history[i];
        if (e.role !== "user" || e.option) continue;
        var before = history[i - 1];
        var f = before && before.role === "assistant" && before.response.follow_up;
        if (f && Array.isArray(f.options) && f.options.indexOf(e.message) >= 0) continue;
        return e.message;
      }
      return "";
    }
    function buildForm() {
      var t = ui(uiLang);
      sheet.setAttribute("lang", uiLang);
      sheet.textContent = "";
      controls = {};
      fieldErrors = {};
      var general = h("p", { class: "error", role: "alert", "data-testid": "madoguchi-handoff-error", hidden: true });
      var hform = h("form", { class: "hform", novalidate: true, "data-testid": "madoguchi-handoff-form" });
      var kids = [
        h("h3", { id: "mdg-sheet-title", tabindex: "-1", text: t.handoff }),
        h("p", { class: "lead", text: t.lead }),
        general
      ];
      FIELDS.forEach(function (f) {
        var id = "mdg-f-" + f.name;
        var fhint = fieldText(f, 1);
        var describedBy = (fhint ? id + "-hint " : "") + id + "-err";
        var control = h(f.multiline ? "textarea" : "input", {
          id: id, name: f.name, maxlength: String(f.max), autocomplete: f.autocomplete || "off",
          "aria-describedby": describedBy, "aria-required": f.required ? "true" : null,
          "data-testid": "madoguchi-field-" + f.name, type: f.multiline ? null : "text", rows: f.multiline ? "5" : null
        });
        control.addEventListener("input", function () { clearError(f.name); });
        controls[f.name] = control;
        fieldErrors[f.name] = h("p", { class: "ferr", id: id + "-err", "data-testid": "madoguchi-field-error", "data-field": f.name });
        kids.push(h("div", { class: "field" }, [
          h("label", { for: id }, [fieldText(f, 0), h("span", { class: f.required ? "req-tag" : "opt-tag", text: f.required ? t.required : t.optional })]),
          fhint ? h("small", { id: id + "-hint", text: fhint }) : null,
          control, fieldErrors[f.name]
        ]));
      });
      controls.message.value = prefilled = ownQuestion();
      var consent = h("input", { type: "checkbox", id: "mdg-f-consent", name: "consent",
        "aria-describedby": "mdg-consent-text mdg-f-consent-err", "data-testid": "madoguchi-field-consent" });
      consent.addEventListener("change", function () { clearError("consent"); });
      controls.consent = consent;
      fieldErrors.consent = h("p", { class: "ferr", id: "mdg-f-consent-err", "data-testid": "madoguchi-field-error", "data-field": "consent" });
      kids.push(h("div", { class: "consent" }, [
        h("p", { id: "mdg-consent-text", "data-testid": "madoguchi-consent-text",
          text: t.consent(HANDOFF.retentionDays) }),
        h("div", { class: "check" }, [consent,
          h("label", { for: "mdg-f-consent", text: t.agree })]),
        fieldErrors.consent
      ]));
      var submitBtn = h("button", { type: "submit", class: "btn", "data-testid": "madoguchi-handoff-send" }, [t.submit]);
      var back = h("button", { type: "button", class: "btn2", "data-testid": "madoguchi-handoff-back" }, [t.back]);
      back.addEventListener("click", function () { closeSheet(true); });
      kids.push(h("div", { class: "sheet-actions" }, [back, submitBtn]));
      kids.forEach(function (k) { if (k) hform.appendChild(k); });
      sheet.appendChild(hform);

      var sending = false;
      hform.addEventListener("submit", function (e) {
        e.preventDefault();
        if (sending) return;
        general.hidden = true;
        Object.keys(fieldErrors).forEach(clearError);
        var body = {}, missing = [];
        FIELDS.forEach(function (f) {
          var v = controls[f.name].value.trim();
          if (f.required && !v) missing.push([f.name, fieldText(f, 2)]);
          if (v) body[f.name] = v;
        });
        if (!consent.checked) missing.push(["consent", t.needConsent]);
        if (missing.length) {
          // Every missing field is marked; the focus goes to the first.
          for (var i = missing.length - 1; i >= 0; i--) showFieldError(missing[i][0], missing[i][1]);
          return;
        }
        // The phone number or address is checked by the server (its rule is the one that
        // counts, full-width digits included); its 422 names the field.
        body.consent = true;
        var sid = load(KEY_SESSION);
        if (sid) body.session_id = sid;
        sending = true;
        // aria-disabled, not disabled: the button keeps the focus while the request is sent.
        submitBtn.setAttribute("aria-disabled", "true");
        submitBtn.textContent = t.sending;
        hform.setAttribute("aria-busy", "true");
        postJson("/api/v1/consultations", body).then(function (res) {
          sending = false;
          submitBtn.removeAttribute("aria-disabled");
          submitBtn.textContent = t.submit;
          hform.setAttribute("aria-busy", "false");
          if (res.status === 201 && res.data && typeof res.data.id === "string") { showReceived(res.data.id); return; }
          var field = res.error && res.error.field;
          if (res.status === 422 && field && controls[field]) {
            showFieldError(field, serverMessage(res.error) || t.checkInput);
            return;
          }
          general.textContent = failure(res);
          general.hidden = false;
          sheet.scrollTop = 0;
        });
      });
      sheetFresh = false;
    }
    function showFieldError(name, message) {
      fieldErrors[name].textContent = message;
      controls[name].setAttribute("aria-invalid", "true");
      controls[name].focus();
      announce(message);
    }
    function clearError(name) {
      if (!fieldErrors[name]) return;
      fieldErrors[name].textContent = "";
      controls[name].removeAttribute("aria-invalid");
    }
    // 受付番号: the first eight characters of the request's id, as the desk shows it too.
    function ticket(id) { return id.slice(0, 8).toUpperCase(); }
    function showReceived(id) {
      var t = ui(uiLang);
      sheet.textContent = "";
      var back = h("button", { type: "button", class: "btn2", "data-testid": "madoguchi-handoff-back" }, [t.back]);
      back.addEventListener("click", function () { closeSheet(true); });
      // The sheet stays labelled by its heading: the new one takes the title's id.
      var title = h("h3", { id: "mdg-sheet-title", tabindex: "-1", text: t.received });
      sheet.appendChild(h("div", { class: "done", "data-testid": "madoguchi-handoff-done" }, [
        title,
        h("p", null, [t.ticket, h("span", { class: "ticket", "data-testid": "madoguchi-ticket", text: ticket(id) })]),
        h("p", { text: t.receivedText })
      ]));
      sheet.appendChild(h("div", { class: "sheet-actions" }, [back]));
      sheetFresh = true;
      title.focus();
      announce(t.receivedSay(ticket(id)));
    }
    function openSheet(opener) {
      sheetOpener = opener || null;
      if (sheetFresh || !sheet.firstChild) buildForm();
      else if (controls.message.value === prefilled) controls.message.value = prefilled = ownQuestion();
      log.hidden = true;
      form.hidden = true;
      hint.hidden = true;
      sheet.hidden = false;
      sheet.scrollTop = 0;
      if (controls.name && controls.name.isConnected) controls.name.focus();
      else { var t = sheet.querySelector("h3"); if (t) t.focus(); }
    }
    function sheetOpen() { return !sheet.hidden; }
    function closeSheet(refocus) {
      sheet.hidden = true;
      log.hidden = false;
      form.hidden = false;
      hint.hidden = false;
      if (!refocus) return;
      scrollToLast();
      var o = sheetOpener;
      if (o && o.isConnected && !o.disabled && o.offsetParent !== null) o.focus(); else input.focus();
    }

    function welcomeNode() {
      return h("div", { class: "msg bot", lang: uiLang, "data-role": "welcome", "data-testid": "madoguchi-welcome" }, [
        h("div", { class: "text", text: ui(uiLang).welcome })
      ]);
    }
    function welcome() {
      addNode(welcomeNode());
    }
    function renderAll() {
      log.textContent = "";
      welcome();
      history.forEach(function (e, i) {
        try {
          if (e.role === "user") renderUser(e.message, e.lang);
          else renderAssistant(e.response, false, e);
        } catch (err) { /* a damaged entry is skipped, the rest still shows */ }
        if (i < history.length - 1) { disableOldOptions(); retireActions(); }
      });
      if (history.length && history[history.length - 1].role === "user") { disableOldOptions(); retireActions(); }
      scrollToLast();
    }
    // Shows the last question and the start of its answer rather than the very bottom.
    function scrollToLast() {
      var users = log.querySelectorAll("[data-role=user]");
      var last = users[users.length - 1];
      log.scrollTop = last ? Math.max(0, last.offsetTop - 8) : 0;
    }

    /* ----- sending ----- */
    function setBusy(on) {
      busy = on;
      send.disabled = on;
      form.setAttribute("aria-busy", on ? "true" : "false");
      var t = log.querySelector(".typing");
      if (on && !t) {
        // Focusable: after choosing an option the person waits here (see `waiting`).
        log.appendChild(h("div", { class: "typing", role: "status", tabindex: "-1", "aria-label": ui(uiLang).typing, "data-testid": "madoguchi-typing" },
          [h("span"), h("span"), h("span")]));
        log.scrollTop = log.scrollHeight;
      } else if (!on && t) {
        t.parentNode.removeChild(t);
      }
    }
    // Whether the person waits on the typing indicator (they chose an option, so the option
    // they were on is gone): then the answer, or the error, takes the focus when it comes, before
    // the indicator goes — the focus never falls back to the page.
    function waiting() {
      var t = log.querySelector(".typing");
      return !!t && shadow.activeElement === t;
    }
    function showError(text, message, focus) {
      var box = h("div", { class: "msg error", role: "alert", "data-testid": "madoguchi-error" }, [
        h("div", { text: text })
      ]);
      box.appendChild(h("button", { type: "button", "data-testid": "madoguchi-retry", onclick: function () {
        if (busy) return;
        box.parentNode && box.parentNode.removeChild(box);
        input.focus();
        request(message);
      } }, [ui(uiLang).retry]));
      addNode(box);
      if (focus) box.querySelector("button").focus();
    }
    // `chosen`: the text is a follow-up option's label, not the person's own words.
    function submit(text, chosen) {
      text = String(text || "").trim();
      if (!text || busy) return;
      if (chosen) {
        // The option that had the focus is about to be disabled: the focus waits on the
        // indicator instead, then moves to the answer.
        setBusy(true);
        log.querySelector(".typing").focus({ preventScroll: true });
      }
      disableOldOptions();
      retireActions();
      var errs = log.querySelectorAll(".error");
      for (var i = 0; i < errs.length; i++) errs[i].parentNode.removeChild(errs[i]);
      var userNode = renderUser(text, chosenLang || uiLang);
      var userEntry = chosen ? { role: "user", message: text, option: true } : { role: "user", message: text };
      pushHistory(userEntry);
      pending = { node: userNode, entry: userEntry };
      // A feedback still on its way applies to the answer it was given on, not to this one.
      if (rating) {
        setBusy(true);
        var go = function () { request(text); };
        rating.then(go, go);
      } else {
        request(text);
      }
    }
    function request(text) {
      setBusy(true);
      var body = { message: text };
      var sid = load(KEY_SESSION);
      if (sid) body.session_id = sid;
      // A language chosen in the switch goes with the next message; after it, the answers say.
      if (chosenLang) body.lang = chosenLang;
      var ctrl = typeof AbortController === "function" ? new AbortController() : null;
      var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
      var status = 0;
      fetch(endpoint + "/api/v1/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body),
        signal: ctrl ? ctrl.signal : undefined,
        credentials: "omit"
      }).then(function (res) {
        status = res.status;
        return res.json().catch(function () { return null; });
      }).then(function (data) {
        clearTimeout(timer);
        var focus = waiting();
        if (status >= 200 && status < 300 && data && typeof data.reply === "string") {
          if (data.session_id) save(KEY_SESSION, data.session_id);
          chosenLang = null;
          // The conversation's language is the answer's: the chrome follows it, and the question
          // it answers is marked as written in it.
          var answered = replyLang(data);
          setLang(answered);
          if (pending) {
            pending.node.setAttribute("lang", norm(answered));
            pending.entry.lang = norm(answered);
            persist();
            pending = null;
          }
          var entry = { role: "assistant", response: data };
          try {
            renderAssistant(data, true, entry, focus);
          } catch (err) {
            showError(ui(uiLang).cannotShow, text, focus);
            setBusy(false);
            return;
          }
          setBusy(false);
          pushHistory(entry);
          return;
        }
        var msg = serverMessage(data && data.error);
        if (!msg) {
          msg = status === 429 || status === 503 ? ui(uiLang).busyRetry : ui(uiLang).noAnswer(status);
        }
        showError(msg, text, focus); // role=alert: announced by itself
        setBusy(false);
      }).catch(function () {
        clearTimeout(timer);
        var focus = waiting();
        showError(ui(uiLang).offlineRetry, text, focus);
        setBusy(false);
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (busy) return;
      var text = input.value;
      if (!text.trim()) { input.focus(); return; }
      input.value = "";
      grow();
      submit(text);
      input.focus();
    });
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function () { setTimeout(function () { composing = false; }, 0); });
    input.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.shiftKey) return;
      if (e.isComposing || e.keyCode === 229 || composing) return;
      e.preventDefault();
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
    function grow() {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight + 3, 120) + "px";
    }
    input.addEventListener("input", grow);
    restart.addEventListener("click", function () {
      if (busy) return;
      drop(KEY_SESSION);
      drop(KEY_HISTORY);
      history = [];
      closeSheet(false);
      sheetFresh = true;
      renderAll();
      announce(ui(uiLang).restarted);
      input.value = "";
      input.focus();
    });

    renderAll();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
