/* madoguchi（窓口）chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-endpoint="https://HOST" defer></script>
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

  var KEY_SESSION = "madoguchi.session";
  var KEY_HISTORY = "madoguchi.history";
  var MAX_HISTORY = 30;
  var TIMEOUT_MS = 20000;

  var CSS = [
    ":host{all:initial !important;display:block !important}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".root{font-family:system-ui,-apple-system,'Hiragino Sans','Hiragino Kaku Gothic ProN','Noto Sans JP','Noto Sans CJK JP','Yu Gothic UI',Meiryo,sans-serif;font-size:15px;line-height:1.6;color:#1f2933;-webkit-text-size-adjust:100%}",
    "button,textarea{font:inherit;color:inherit;margin:0}",
    ".sr{position:absolute !important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border-radius:50%;border:0;padding:0;background:#0b5cad;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.28);display:flex;align-items:center;justify-content:center}",
    ".launcher:hover{background:#094c8f}",
    ".launcher svg{width:30px;height:30px;fill:currentColor}",
    ":focus-visible{outline:3px solid #f0a500;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:390px;max-width:calc(100vw - 40px);height:min(640px,calc(100vh - 112px));display:flex;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;border:1px solid #d5dde5}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;gap:8px;padding:10px 12px 10px 16px;background:#0b5cad;color:#fff}",
    ".head h2{flex:1;margin:0;font-size:16px;font-weight:700;line-height:1.3}",
    ".head small{display:block;font-size:11.5px;font-weight:400;opacity:.9}",
    ".head button{background:transparent;border:0;color:#fff;cursor:pointer;border-radius:6px}",
    ".restart{font-size:12.5px;text-decoration:underline;padding:4px 6px}",
    ".close{width:36px;height:36px;font-size:22px;line-height:1}",
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
    ".card h3{margin:0 0 4px;font-size:15px;line-height:1.4;word-break:break-word}",
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
    ".composer{display:flex;gap:8px;align-items:flex-end;padding:10px 12px 4px;border-top:1px solid #dde3ea;background:#fff}",
    ".composer textarea{flex:1;min-height:44px;max-height:120px;resize:none;border:1.5px solid #9aa5b1;border-radius:10px;padding:9px 10px;line-height:1.5;background:#fff}",
    ".composer textarea:focus{border-color:#0b5cad}",
    ".send{min-width:64px;height:44px;border:0;border-radius:10px;background:#0b5cad;color:#fff;font-weight:700;cursor:pointer;padding:0 12px}",
    ".send:disabled{background:#9aa5b1;cursor:not-allowed}",
    ".hint{margin:0;padding:2px 12px 8px;font-size:11.5px;color:#7b8794;background:#fff}",
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
  function yen(n) {
    n = Math.round(Number(n) || 0);
    var oku = Math.floor(n / 1e8), man = Math.floor((n % 1e8) / 1e4), rest = n % 1e4, s = "";
    if (oku) s += oku.toLocaleString("ja-JP") + "億";
    if (man) s += man.toLocaleString("ja-JP") + "万";
    if (rest || !s) s += rest.toLocaleString("ja-JP");
    return s + "円";
  }
  function cite(q) {
    return h("cite", { "data-testid": "madoguchi-cite" }, ["「p." + q.page + " l." + q.line + "」"]);
  }
  function quoteItem(q) {
    return h("li", null, [h("span", { class: "lbl", text: q.label }), "：", h("q", { text: q.text }), " ", cite(q)]);
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

  function pushHistory(entry) {
    history.push(entry);
    if (history.length > MAX_HISTORY) history = history.slice(-MAX_HISTORY);
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
      "aria-label": "支援制度の相談窓口を開く", "aria-expanded": "false", "aria-controls": "mdg-panel"
    });
    launcher.innerHTML = ICON_CHAT;

    var log = h("div", { class: "log", role: "region", "aria-label": "会話", tabindex: "0", "data-testid": "madoguchi-log" });
    var live = h("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true" });
    var input = h("textarea", {
      id: "mdg-input", "data-testid": "madoguchi-input", rows: "2", maxlength: "2000",
      placeholder: "例：災害で店の建物が壊れました。再建の支援はありますか", "aria-describedby": "mdg-hint"
    });
    var send = h("button", { type: "submit", class: "send", "data-testid": "madoguchi-send" }, ["送信"]);
    var form = h("form", { class: "composer", novalidate: true }, [
      h("label", { class: "sr", for: "mdg-input", text: "ご相談内容" }), input, send
    ]);
    var restart = h("button", { type: "button", class: "restart", "data-testid": "madoguchi-restart" }, ["最初から"]);
    var close = h("button", { type: "button", class: "close", "aria-label": "閉じる", "data-testid": "madoguchi-close" }, ["×"]);
    var panel = h("section", {
      id: "mdg-panel", class: "panel", role: "dialog", "aria-label": "熊本県の支援制度 相談窓口",
      "data-testid": "madoguchi-panel", hidden: true
    }, [
      h("div", { class: "head" }, [
        h("h2", null, ["支援制度の相談窓口", h("small", { text: "熊本県の中小企業・小規模事業者向け支援制度をご案内します" })]),
        restart, close
      ]),
      log, live, form,
      h("p", { class: "hint", id: "mdg-hint", text: "Enterで送信、Shift+Enterで改行できます。" })
    ]);
    var root = h("div", { class: "root" }, [launcher, panel]);
    shadow.appendChild(root);

    /* ----- open / close ----- */
    function isOpen() { return !panel.hidden; }
    function open() {
      panel.hidden = false;
      root.classList.add("open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", "相談窓口を閉じる");
      launcher.innerHTML = ICON_CLOSE;
      scrollToLast();
      input.focus();
    }
    function shut() {
      panel.hidden = true;
      root.classList.remove("open");
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", "支援制度の相談窓口を開く");
      launcher.innerHTML = ICON_CHAT;
      launcher.focus();
    }
    launcher.addEventListener("click", function () { if (isOpen()) shut(); else open(); });
    close.addEventListener("click", shut);
    root.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && isOpen() && !e.isComposing) { e.preventDefault(); shut(); }
    });

    /* ----- rendering ----- */
    function announce(text) {
      live.textContent = "";
      setTimeout(function () { live.textContent = text; }, 60);
    }
    function addNode(node) {
      var typing = log.querySelector(".typing");
      log.insertBefore(node, typing || null);
      log.scrollTop = log.scrollHeight;
      return node;
    }
    function renderUser(text) {
      return addNode(h("div", { class: "msg user", "data-testid": "madoguchi-message", "data-role": "user" }, [
        h("span", { class: "sr", text: "あなた：" }), text
      ]));
    }
    // 「事業期間：令和6〜7年度（終了の可能性）」: the period as the server read it, today.
    function periodBadge(period) {
      if (!period || period.status === "unknown" || !period.first_year) return null;
      var r = function (y) { return y - 2018; };
      var unit = period.unit === "calendar_year" ? "年" : "年度";
      var span = "令和" + r(period.first_year) +
        (period.last_year == null ? unit + "〜" :
          period.last_year === period.first_year ? unit : "〜" + r(period.last_year) + unit);
      var state = { within: "", after: "（終了の可能性）", before: "（開始前）" }[period.status] || "";
      return h("span", { class: "badge period " + period.status, "data-testid": "madoguchi-period",
        "data-status": period.status, text: "事業期間：" + span + state });
    }
    function card(p) {
      var quotes = Array.isArray(p.quotes) ? p.quotes : [];
      var terms = quotes.filter(function (q) { return q.label !== "窓口"; });
      var contacts = quotes.filter(function (q) { return q.label === "窓口"; });
      var kids = [
        h("h3", { text: p.name }),
        h("div", { class: "meta" }, [
          h("span", { class: "badge " + (p.kind || ""), text: p.kind_label || "支援制度" }),
          p.division ? h("span", { text: "担当：" + p.division }) : null,
          periodBadge(p.period)
        ])
      ];
      if (p.applicant && p.applicant.how) {
        kids.push(h("p", { class: "applicant", "data-testid": "madoguchi-applicant",
          text: "申し込み：" + p.applicant.how }));
      }
      if (terms.length) kids.push(h("ul", { class: "terms" }, terms.map(quoteItem)));
      var e = p.estimate;
      if (e && typeof e === "object") {
        kids.push(h("div", { class: "estimate" }, [
          h("div", null, [h("span", { class: "lbl", text: (e.label || "目安") + "：" }), h("span", { class: "amt", text: yen(e.amount_yen) })]),
          h("div", { class: "calc", text: "経費 " + yen(e.expense_yen) + " × 補助率 " + e.rate + "（上限 " + yen(e.cap_yen) + "）で計算した目安です。実際の額は審査等で決まります。" }),
          h("ul", { class: "terms" }, (e.quotes || []).map(quoteItem))
        ]));
      }
      if (contacts.length) {
        kids.push(h("div", { class: "contact" }, [
          h("div", { class: "lbl", text: "お問い合わせ先（窓口）" }),
          h("ul", { class: "terms" }, contacts.map(function (q) {
            return h("li", null, [h("q", { text: q.text }), " ", cite(q)]);
          }))
        ]));
      }
      return h("article", { class: "card", "data-testid": "madoguchi-card", "data-program": p.id || "" }, kids);
    }
    function renderAssistant(r, fresh) {
      var kids = [];
      if (r.session && r.session.started_over) {
        kids.push(h("p", { class: "note", role: "note", "data-testid": "madoguchi-started-over",
          text: "前回の会話の期限が切れたため、新しい会話として承りました。" }));
      }
      if (r.no_match) {
        kids.push(h("div", { class: "nomatch", role: "note", "data-testid": "madoguchi-nomatch" }, [
          h("strong", { text: "ほかの相談先のご案内" }), String(r.reply || "")
        ]));
      } else if (r.reply) {
        kids.push(h("div", { class: "text", text: String(r.reply) }));
      }
      var f = r.follow_up;
      if (f && Array.isArray(f.options) && f.options.length) {
        kids.push(h("div", { class: "follow", role: "group", "aria-label": f.question }, [
          h("p", { text: f.question }),
          h("div", { class: "opts" }, f.options.map(function (o) {
            return h("button", { type: "button", class: "opt", "data-testid": "madoguchi-option", onclick: function () {
              if (!busy) submit(String(o));
            } }, [String(o)]);
          }))
        ]));
      }
      var programs = Array.isArray(r.programs) ? r.programs : [];
      programs.forEach(function (p) { kids.push(card(p)); });
      if (programs.length) {
        var srcs = Array.isArray(r.sources) && r.sources.length ? r.sources : (r.source ? [r.source] : []);
        srcs.forEach(function (s) {
          kids.push(h("p", { class: "src", text: "出典：" + s.title + "（" + s.year + "）" }));
        });
        if (r.as_of) kids.push(h("p", { class: "src", text: r.as_of + "の内容です。受付状況などは窓口でご確認ください。" }));
      }
      var node = h("div", { class: "msg bot", "data-testid": "madoguchi-message", "data-role": "assistant" },
        [h("span", { class: "sr", text: "窓口：" })].concat(kids));
      addNode(node);
      if (fresh) {
        scrollToLast();
        var said = String(r.reply || "");
        if (programs.length) said += "（" + programs.length + "件の制度をご案内しています）";
        announce(said);
      }
      return node;
    }
    function disableOldOptions() {
      var opts = log.querySelectorAll(".opt");
      for (var i = 0; i < opts.length; i++) opts[i].disabled = true;
    }
    function welcome() {
      addNode(h("div", { class: "msg bot", "data-role": "welcome" }, [
        h("div", { class: "text", text: "こんにちは。熊本県の事業者向け支援制度をご案内します。\nお困りのことを、ふだんの言葉でお書きください。\n（例：跡継ぎに店を譲りたい、台湾に焼酎を輸出したい、資金繰りが苦しい）" })
      ]));
    }
    function renderAll() {
      log.textContent = "";
      welcome();
      history.forEach(function (e, i) {
        try {
          if (e.role === "user") renderUser(e.message);
          else renderAssistant(e.response, false);
        } catch (err) { /* a damaged entry is skipped, the rest still shows */ }
        if (i < history.length - 1) disableOldOptions();
      });
      if (history.length && history[history.length - 1].role === "user") disableOldOptions();
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
        log.appendChild(h("div", { class: "typing", role: "status", "aria-label": "回答を作成しています", "data-testid": "madoguchi-typing" },
          [h("span"), h("span"), h("span")]));
        log.scrollTop = log.scrollHeight;
      } else if (!on && t) {
        t.parentNode.removeChild(t);
      }
    }
    function showError(text, message) {
      var box = h("div", { class: "msg error", role: "alert", "data-testid": "madoguchi-error" }, [
        h("div", { text: text })
      ]);
      box.appendChild(h("button", { type: "button", "data-testid": "madoguchi-retry", onclick: function () {
        if (busy) return;
        box.parentNode && box.parentNode.removeChild(box);
        input.focus();
        request(message);
      } }, ["再送信"]));
      addNode(box);
    }
    function submit(text) {
      text = String(text || "").trim();
      if (!text || busy) return;
      disableOldOptions();
      var errs = log.querySelectorAll(".error");
      for (var i = 0; i < errs.length; i++) errs[i].parentNode.removeChild(errs[i]);
      renderUser(text);
      pushHistory({ role: "user", message: text });
      request(text);
    }
    function request(text) {
      setBusy(true);
      var body = { message: text };
      var sid = load(KEY_SESSION);
      if (sid) body.session_id = sid;
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
        setBusy(false);
        if (status >= 200 && status < 300 && data && typeof data.reply === "string") {
          if (data.session_id) save(KEY_SESSION, data.session_id);
          try {
            renderAssistant(data, true);
          } catch (err) {
            showError("回答を表示できませんでした。再送信してください。", text);
            return;
          }
          pushHistory({ role: "assistant", response: data });
          return;
        }
        var msg = data && data.error && data.error.message_ja;
        if (!msg) {
          msg = status === 429 || status === 503
            ? "ただいま混み合っています。少し時間をおいて再送信してください。"
            : "申し訳ありません。回答を受け取れませんでした（エラー " + (status || "不明") + "）。";
        }
        showError(msg, text); // role=alert: announced by itself
      }).catch(function () {
        clearTimeout(timer);
        setBusy(false);
        showError("通信できませんでした。ネットワークの状態をご確認のうえ、再送信してください。", text);
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
      renderAll();
      announce("会話を最初からやり直します。");
      input.value = "";
      input.focus();
    });

    renderAll();
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
