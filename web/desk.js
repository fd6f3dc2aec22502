/* madoguchi（窓口）: the help-desk staff console. Plain JS, no dependencies. */
(function () {
  "use strict";

  var TOKEN_KEY = "madoguchi.desk.token";
  var SESSION_KEY = "madoguchi.desk.session";
  var THEME_ORDER = ["被災・復旧", "事業承継", "台湾・輸出", "DX", "資金繰り・融資", "販路開拓", "商店街",
    "事業再生", "生産性・賃上げ", "人材", "脱炭素", "創業", "経営改善", "子育て"];
  var COMPARE_ROWS = [
    { title: "補助率", labels: ["補助率", "負担割合"] },
    { title: "上限", labels: ["上限額", "融資枠"] },
    { title: "対象", labels: ["対象者", "補助対象者", "対象経費"] },
    { title: "期間", labels: ["事業期間", "受付期間"] },
    { title: "窓口", labels: ["窓口"], contacts: true }
  ];
  var REASONS = { no_match: "該当なし", abandoned: "途中終了" };

  var $ = function (id) { return document.getElementById(id); };
  var programs = null;          // the list from GET /api/v1/programs
  var selected = [];            // ids checked for comparison, in order
  var asking = false;

  /* ---------- helpers ---------- */
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
  function store() { try { return window.sessionStorage; } catch (e) { return null; } }
  function getItem(k) { var s = store(); try { return s ? s.getItem(k) : null; } catch (e) { return null; } }
  function setItem(k, v) { var s = store(); try { if (s) s.setItem(k, v); } catch (e) { /* ignore */ } }
  function removeItem(k) { var s = store(); try { if (s) s.removeItem(k); } catch (e) { /* ignore */ } }
  function citeText(q) { return "「p." + q.page + " l." + q.line + "」"; }
  function yen(n) {
    n = Math.round(Number(n) || 0);
    var oku = Math.floor(n / 1e8), man = Math.floor((n % 1e8) / 1e4), rest = n % 1e4, s = "";
    if (oku) s += oku.toLocaleString("ja-JP") + "億";
    if (man) s += man.toLocaleString("ja-JP") + "万";
    if (rest || !s) s += rest.toLocaleString("ja-JP");
    return s + "円";
  }
  // The period as the server read it against today: 「事業期間：令和6〜7年度（終了の可能性）」.
  function periodRow(period) {
    if (!period || period.status === "unknown" || !period.first_year) return null;
    var r = function (y) { return y - 2018; };
    var unit = period.unit === "calendar_year" ? "年" : "年度";
    var span = "令和" + r(period.first_year) +
      (period.last_year == null ? unit + "〜" :
        period.last_year === period.first_year ? unit : "〜" + r(period.last_year) + unit);
    var state = { within: "（実施期間内）", after: "（終了の可能性）", before: "（開始前）" }[period.status] || "";
    return h("div", { class: "tagrow", "data-testid": "desk-period", "data-status": period.status }, [
      h("dt", { text: "事業期間" }), h("dd", { text: span + state })]);
  }

  // The label comes from the server (kind_label), one Japanese label per kind.
  function kindBadge(kind, label) {
    return h("span", { class: "badge kind-" + (kind || "other"), text: label || "支援制度" });
  }
  function quoteLine(q, withLabel) {
    return h("li", { class: "quote" }, [
      withLabel === false ? null : h("span", { class: "lbl", text: q.label }),
      withLabel === false ? null : "：",
      h("q", { text: q.text }), " ",
      h("cite", { "data-testid": "desk-cite", text: citeText(q) })
    ]);
  }
  function sourceLine(s) { return s ? "出典：" + s.title + "（" + s.year + "）" : ""; }
  var statusTimer = null;
  function status(text) {
    var el = $("status");
    el.textContent = "";
    clearTimeout(statusTimer);
    setTimeout(function () { el.textContent = text; }, 30);
    statusTimer = setTimeout(function () { el.textContent = ""; }, 5000);
  }
  function contactsOf(p) {
    if (Array.isArray(p.contacts) && p.contacts.length) return p.contacts;
    return (p.quotes || []).filter(function (q) { return q.label === "窓口"; });
  }

  /* ---------- API ---------- */
  function AuthError() { this.name = "AuthError"; }
  function ApiError(message, code) { this.name = "ApiError"; this.message = message; this.code = code || null; }
  // Without a database the records' APIs answer 404 storage_disabled — after the token check,
  // so the token is good and the console's other views work.
  function noDatabase(err) { return err && err.code === "storage_disabled"; }
  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json" };
    var token = options.token || getItem(TOKEN_KEY);
    if (token) headers.Authorization = "Bearer " + token;
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: options.method || "GET",
      headers: headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin"
    }).catch(function () {
      throw new ApiError("サーバーに接続できませんでした。ネットワークの状態をご確認ください。");
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (data) {
        if (res.status === 401) throw new AuthError();
        if (!res.ok) {
          var m = data && data.error && data.error.message_ja;
          throw new ApiError(m || "エラーが発生しました（" + res.status + "）。", data && data.error && data.error.code);
        }
        if (data == null) throw new ApiError("サーバーの応答を読み取れませんでした。");
        return data;
      });
    });
  }
  function failed(err, where) {
    if (err instanceof AuthError || (err && err.name === "AuthError")) {
      showLogin("トークンが正しくありません。もう一度入力してください。");
      return;
    }
    var msg = err && err.message ? err.message : "エラーが発生しました。";
    if (where && noDatabase(err)) {
      where.textContent = "";
      where.appendChild(h("p", { class: "note", text: "このサーバーにはデータベースが設定されていないため、この画面は使えません（serve の --database）。" }));
      return;
    }
    if (where) {
      where.textContent = "";
      where.appendChild(h("p", { class: "alert", role: "alert", text: msg }));
    } else {
      status(msg);
    }
  }

  /* ---------- login ---------- */
  function showLogin(error) {
    removeItem(TOKEN_KEY);
    hideViews();
    $("nav").hidden = true;
    $("login").hidden = false;
    var e = $("login-error");
    if (error) { e.textContent = error; e.hidden = false; } else { e.textContent = ""; e.hidden = true; }
    var t = $("token");
    t.value = "";
    // A refused token marks the field invalid; its message (#login-error) describes it.
    if (error) t.setAttribute("aria-invalid", "true"); else t.removeAttribute("aria-invalid");
    t.focus();
  }
  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var token = $("token").value.trim();
    var e = $("login-error");
    if (!token) {
      e.textContent = "トークンを入力してください。";
      e.hidden = false;
      $("token").setAttribute("aria-invalid", "true");
      $("token").focus();
      return;
    }
    var btn = $("login-form").querySelector("button");
    btn.disabled = true;
    api("/api/v1/desk/unanswered", { token: token }).catch(function (err) {
      if (noDatabase(err)) return null;
      throw err;
    }).then(function (data) {
      btn.disabled = false;
      setItem(TOKEN_KEY, token);
      e.hidden = true;
      $("token").removeAttribute("aria-invalid");
      $("login").hidden = true;
      $("nav").hidden = false;
      if (data) renderUnanswered(data);
      route();
      focusView();
      if (!programs) loadPrograms();
      refreshNewCount();
    }).catch(function (err) {
      btn.disabled = false;
      if (err && err.name === "AuthError") showLogin("トークンが正しくありません");
      else { e.textContent = err.message || "ログインできませんでした。"; e.hidden = false; $("token").focus(); }
    });
  });
  $("logout").addEventListener("click", function () {
    removeItem(SESSION_KEY);
    showLogin("");
    location.hash = "";
  });

  /* ---------- views & routing ---------- */
  function hideViews() {
    var views = document.querySelectorAll(".view");
    for (var i = 0; i < views.length; i++) views[i].hidden = true;
  }
  function show(id) {
    hideViews();
    $(id).hidden = false;
    var links = document.querySelectorAll("#nav a");
    for (var i = 0; i < links.length; i++) {
      var on = "view-" + links[i].getAttribute("data-view") === id ||
        (id === "view-program" || id === "view-compare") && links[i].getAttribute("data-view") === "programs";
      if (on) links[i].setAttribute("aria-current", "page"); else links[i].removeAttribute("aria-current");
    }
  }
  function route() {
    if (!getItem(TOKEN_KEY)) { showLogin(""); return; }
    var hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    var parts = hash.split("/");
    if (parts[0] === "program" && parts[1]) { show("view-program"); openProgram(parts.slice(1).join("/")); }
    else if (parts[0] === "compare" && parts[1]) { show("view-compare"); openCompare(parts[1].split(",")); }
    else if (parts[0] === "programs") { show("view-programs"); loadPrograms(); }
    else if (parts[0] === "unanswered") { show("view-unanswered"); loadUnanswered(); }
    else if (parts[0] === "inbox") { show("view-inbox"); loadInbox(); }
    else if (parts[0] === "conversations") { show("view-conversations"); loadConversations(); }
    else if (parts[0] === "tallies") { show("view-tallies"); loadTallies(); }
    else { show("view-ask"); }
  }
  // The focus goes to the shown view's heading, so a screen reader says where one is and Tab
  // goes on from there; a view still loading (a program, a comparison) holds it until its
  // heading is drawn (openProgram, openCompare).
  function focusView() {
    var view = document.querySelector(".view:not([hidden])");
    if (!view) return;
    var head = view.querySelector("h2");
    if (head && !head.hasAttribute("tabindex")) head.setAttribute("tabindex", "-1");
    (head || view).focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", function () {
    route();
    focusView();
    window.scrollTo(0, 0);
  });

  /* ---------- copy as text ---------- */
  function copyText(text, button) {
    function done(ok) {
      var old = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", old);
      button.textContent = ok ? "コピーしました" : "コピーできませんでした";
      status(ok ? "テキストをクリップボードにコピーしました。" : "コピーできませんでした。");
      setTimeout(function () { button.textContent = old; }, 2000);
    }
    function fallback() {
      var ta = $("copy-buffer");
      ta.value = text;
      ta.removeAttribute("aria-hidden");
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      ta.setAttribute("aria-hidden", "true");
      ta.value = "";
      button.focus();
      done(ok);
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }
  function termsText(quotes) {
    return quotes.map(function (q) { return "・" + q.label + "：" + q.text + " " + citeText(q); });
  }
  function answerText(r) {
    var lines = [];
    if (r.question) lines.push("【ご相談】" + r.question);
    lines.push("【回答】" + String(r.reply || "").trim());
    (r.programs || []).forEach(function (p) {
      lines.push("", "■" + p.name + "（" + (p.kind_label || p.kind) + "／" + p.division + "）");
      lines = lines.concat(termsText(p.quotes || []));
      if (p.estimate) {
        var e = p.estimate;
        lines.push("・" + (e.label || "目安") + "：" + yen(e.amount_yen) + "（経費 " + yen(e.expense_yen) + " × " + e.rate + "、上限 " + yen(e.cap_yen) + "）");
        lines = lines.concat(termsText(e.quotes || []).map(function (l) { return "　" + l; }));
      }
    });
    if (r.follow_up) lines.push("", "【確認】" + r.follow_up.question + "（" + r.follow_up.options.join("／") + "）");
    lines.push("");
    var srcs = Array.isArray(r.sources) && r.sources.length ? r.sources : [r.source];
    srcs.forEach(function (s) { if (s) lines.push(sourceLine(s)); });
    if (r.as_of) lines.push(r.as_of + "の内容です。受付状況などは窓口でご確認ください。");
    return lines.join("\n");
  }
  function programText(p) {
    var lines = [p.name, "種類：" + (p.kind_label || p.kind) + "　担当課：" + p.division +
      (p.pages && p.pages.length ? "　掲載：p." + p.pages.join(", p.") : "")];
    if (p.purpose) lines.push("概要（要約）：" + p.purpose);
    lines.push("");
    lines = lines.concat(termsText((p.quotes || []).filter(function (q) { return q.label !== "窓口"; })));
    contactsOf(p).forEach(function (q) { lines.push("・窓口：" + q.text + " " + citeText(q)); });
    if (p.menus && p.menus.length) lines.push("メニュー：" + p.menus.map(function (m) { return m.name; }).join("、"));
    lines.push("", sourceLine(p.source));
    return lines.join("\n");
  }
  function compareText(list) {
    var lines = ["制度の比較：" + list.map(function (p) { return p.name; }).join(" ／ "), ""];
    list.forEach(function (p) {
      lines.push("■" + p.name);
      COMPARE_ROWS.forEach(function (row) {
        var qs = cellQuotes(p, row);
        if (!qs.length) lines.push("・" + row.title + "：記載なし");
        else qs.forEach(function (q) { lines.push("・" + row.title + "（" + q.label + "）：" + q.text + " " + citeText(q)); });
      });
      lines.push("");
    });
    var seen = {};
    list.forEach(function (p) {
      var s = sourceLine(p.source);
      if (s && !seen[s]) { seen[s] = true; lines.push(s); }
    });
    return lines.join("\n");
  }

  /* ---------- ask ---------- */
  function answerCard(p) {
    var quotes = p.quotes || [];
    var terms = quotes.filter(function (q) { return q.label !== "窓口"; });
    var contacts = quotes.filter(function (q) { return q.label === "窓口"; });
    var kids = [
      h("h4", null, [h("a", { href: "#program/" + encodeURIComponent(p.id), text: p.name })]),
      h("p", { class: "meta" }, [kindBadge(p.kind, p.kind_label), " 担当：" + p.division])
    ];
    if (terms.length) kids.push(h("ul", { class: "quotes" }, terms.map(function (q) { return quoteLine(q); })));
    if (p.estimate) {
      var e = p.estimate;
      kids.push(h("div", { class: "estimate" }, [
        h("p", null, [h("strong", { text: (e.label || "目安") + "：" + yen(e.amount_yen) }),
          "（経費 " + yen(e.expense_yen) + " × " + e.rate + "、上限 " + yen(e.cap_yen) + "）"]),
        h("ul", { class: "quotes" }, (e.quotes || []).map(function (q) { return quoteLine(q); }))
      ]));
    }
    if (contacts.length) {
      kids.push(h("div", { class: "contact" }, [h("strong", { text: "窓口" }),
        h("ul", { class: "quotes" }, contacts.map(function (q) { return quoteLine(q, false); }))]));
    }
    return h("article", { class: "card", "data-testid": "desk-card" }, kids);
  }
  function renderAnswer(question, r) {
    var kids = [h("h3", { class: "asked" }, [h("span", { class: "who", text: "ご相談" }), question])];
    if (r.session && r.session.started_over) kids.push(h("p", { class: "note", text: "以前の相談の期限が切れたため、新しい相談として扱っています。" }));
    // The reply's own words in the turn's language when the API gives one (the quotes stay ja).
    var lang = typeof r.lang === "string" && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(r.lang) ? r.lang : null;
    kids.push(h("div", { class: r.no_match ? "reply nomatch" : "reply", lang: lang, text: r.reply }));
    var list = r.programs || [];
    if (list.length) {
      kids.push(h("ul", { class: "cards", "aria-label": "該当する制度（" + list.length + "件）" }, list.map(function (p) {
        return h("li", null, [answerCard(p)]);
      })));
    }
    if (r.follow_up && r.follow_up.options) {
      kids.push(h("div", { class: "follow" }, [
        h("p", { text: r.follow_up.question }),
        h("div", { class: "options" }, r.follow_up.options.map(function (o) {
          return h("button", { type: "button", class: "option", "data-testid": "desk-option", onclick: function () { ask(o); } }, [o]);
        }))
      ]));
    }
    var srcs = Array.isArray(r.sources) && r.sources.length ? r.sources : [r.source];
    srcs.forEach(function (s) { if (s) kids.push(h("p", { class: "source", text: sourceLine(s) })); });
    var copy = h("button", { type: "button", class: "secondary copy", "data-testid": "desk-copy" }, ["テキストでコピー"]);
    copy.addEventListener("click", function () {
      copyText(answerText({ question: question, reply: r.reply, programs: r.programs, follow_up: r.follow_up,
        sources: r.sources, source: r.source, as_of: r.as_of }), copy);
    });
    kids.push(h("p", { class: "actions" }, [copy]));
    return h("section", { class: "answer", "data-testid": "desk-answer" }, kids);
  }
  function ask(text) {
    text = String(text || "").trim();
    if (!text || asking) return;
    asking = true;
    var btn = $("ask-send");
    btn.disabled = true;
    var logEl = $("ask-log");
    var wait = h("p", { class: "waiting", text: "回答を作成しています…" });
    logEl.insertBefore(wait, logEl.firstChild);
    var body = { message: text };
    var sid = getItem(SESSION_KEY);
    if (sid) body.session_id = sid;
    var opts = logEl.querySelectorAll(".option");
    for (var i = 0; i < opts.length; i++) opts[i].disabled = true;
    api("/api/v1/chat", { method: "POST", body: body }).then(function (r) {
      if (r.session_id) setItem(SESSION_KEY, r.session_id);
      var node = renderAnswer(text, r);
      logEl.replaceChild(node, wait);
      status("回答を表示しました：" + (r.programs || []).length + "件の制度");
    }).catch(function (err) {
      logEl.removeChild(wait);
      var box = h("div", { class: "alert", role: "alert" }, [err && err.message ? err.message : "エラーが発生しました。", " ",
        h("button", { type: "button", class: "secondary", onclick: function () { box.remove(); ask(text); } }, ["再送信"])]);
      logEl.insertBefore(box, logEl.firstChild);
      if (err && err.name === "AuthError") failed(err);
    }).then(function () {
      asking = false;
      btn.disabled = false;
    });
  }
  $("ask-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = $("ask-input");
    if (!input.value.trim()) { input.focus(); return; }
    var text = input.value;
    input.value = "";
    ask(text);
  });
  $("ask-input").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      $("ask-form").requestSubmit ? $("ask-form").requestSubmit() : $("ask-send").click();
    }
  });
  $("ask-reset").addEventListener("click", function () {
    removeItem(SESSION_KEY);
    $("ask-log").textContent = "";
    $("ask-input").focus();
    status("新しい相談を始めます。");
  });

  /* ---------- program list ---------- */
  var programsLoading = null;
  function loadPrograms() {
    if (programs) {
      // Already drawn: keep the DOM (and the focus in it), only refresh the check marks.
      if ($("program-groups").querySelector(".theme")) syncChecks(); else renderPrograms();
      return Promise.resolve(programs);
    }
    if (programsLoading) return programsLoading;
    var box = $("program-groups");
    box.textContent = "読み込んでいます…";
    programsLoading = api("/api/v1/programs").then(function (list) {
      programs = Array.isArray(list) ? list : [];
      programsLoading = null;
      renderPrograms();
      return programs;
    }).catch(function (err) { programsLoading = null; failed(err, box); });
    return programsLoading;
  }
  function nameOf(id) {
    var p = (programs || []).filter(function (x) { return x.id === id; })[0];
    return p ? p.name : id;
  }
  function renderPrograms() {
    var box = $("program-groups");
    var filter = $("filter").value.trim().toLowerCase();
    var groups = {};
    programs.forEach(function (p) {
      if (filter && (p.name + " " + p.division + " " + (p.themes || []).join(" ")).toLowerCase().indexOf(filter) < 0) return;
      var themes = p.themes && p.themes.length ? p.themes : ["その他"];
      themes.forEach(function (t) { (groups[t] = groups[t] || []).push(p); });
    });
    var names = Object.keys(groups).sort(function (a, b) {
      var ia = THEME_ORDER.indexOf(a), ib = THEME_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    box.textContent = "";
    if (!names.length) { box.appendChild(h("p", { text: "該当する制度がありません。" })); return; }
    var toc = h("p", { class: "toc" }, ["テーマ："]);
    names.forEach(function (t, i) {
      toc.appendChild(h("a", { href: "#", "data-target": "theme-" + i, text: t + "（" + groups[t].length + "）", onclick: function (e) {
        e.preventDefault();
        var g = $("theme-" + i);
        g.scrollIntoView();
        g.querySelector("h3").focus();
      } }));
      toc.appendChild(document.createTextNode(" "));
    });
    box.appendChild(toc);
    names.forEach(function (t, i) {
      var ids = groups[t].map(function (p) { return p.id; });
      var ul = h("ul", { class: "program-list" }, groups[t].map(function (p) {
        var cbId = "cmp-" + i + "-" + p.id.replace(/[^a-z0-9-]/gi, "_");
        var cb = h("input", { type: "checkbox", id: cbId, value: p.id, class: "cmp", "data-testid": "desk-compare-check",
          "aria-label": p.name + "を比較に加える" });
        cb.checked = selected.indexOf(p.id) >= 0;
        cb.addEventListener("change", function () { toggleSelect(p.id, cb.checked); });
        var isMenu = p.parent && ids.indexOf(p.parent) >= 0;
        return h("li", { class: isMenu ? "menu" : "" }, [
          cb, " ",
          h("a", { href: "#program/" + encodeURIComponent(p.id), text: p.name }), " ",
          kindBadge(p.kind, p.kind_label), " ",
          h("span", { class: "division", text: p.division }),
          p.parent && !isMenu ? h("span", { class: "division", text: "（" + nameOf(p.parent) + "のメニュー）" }) : null
        ]);
      }));
      box.appendChild(h("section", { class: "theme", id: "theme-" + i, "aria-labelledby": "theme-h-" + i }, [
        h("h3", { id: "theme-h-" + i, tabindex: "-1", text: t }), ul
      ]));
    });
    syncChecks();
  }
  function toggleSelect(id, on) {
    var at = selected.indexOf(id);
    if (on && at < 0) {
      if (selected.length >= 3) { status("比較できるのは3件までです。"); syncChecks(); return; }
      selected.push(id);
    } else if (!on && at >= 0) {
      selected.splice(at, 1);
    }
    syncChecks();
  }
  function syncChecks() {
    var boxes = document.querySelectorAll("input.cmp");
    for (var i = 0; i < boxes.length; i++) {
      var on = selected.indexOf(boxes[i].value) >= 0;
      boxes[i].checked = on;
      boxes[i].disabled = !on && selected.length >= 3;
    }
    var n = selected.length;
    $("compare").disabled = n < 2;
    $("compare").textContent = n >= 2 ? "選んだ制度を比較（" + n + "件）" : "選んだ制度を比較";
    $("compare-count").textContent = n === 0 ? "比較する制度を2〜3件選んでください"
      : n + "件選択中：" + selected.map(nameOf).join("、");
  }
  $("filter").addEventListener("input", function () { if (programs) renderPrograms(); });
  $("compare").addEventListener("click", function () {
    if (selected.length >= 2) location.hash = "#compare/" + selected.map(encodeURIComponent).join(",");
  });
  $("compare-clear").addEventListener("click", function () { selected = []; syncChecks(); });

  /* ---------- one program ---------- */
  function tags(title, list) {
    if (!list || !list.length) return null;
    return h("div", { class: "tagrow" }, [h("dt", { text: title }), h("dd", null, list.map(function (t) { return h("span", { class: "tag", text: t }); }))]);
  }
  function openProgram(id) {
    var view = $("view-program");
    view.textContent = "";
    view.appendChild(h("p", { text: "読み込んでいます…" }));
    api("/api/v1/programs/" + encodeURIComponent(id)).then(function (p) {
      document.title = p.name + " ｜ 窓口担当者コンソール";
      view.textContent = "";
      var copy = h("button", { type: "button", class: "secondary", "data-testid": "desk-copy" }, ["テキストでコピー"]);
      copy.addEventListener("click", function () { copyText(programText(p), copy); });
      var inCompare = selected.indexOf(p.id) >= 0;
      var add = h("button", { type: "button", class: "secondary" }, [inCompare ? "比較から外す" : "比較に加える"]);
      add.addEventListener("click", function () {
        toggleSelect(p.id, selected.indexOf(p.id) < 0);
        add.textContent = selected.indexOf(p.id) >= 0 ? "比較から外す" : "比較に加える";
      });
      var terms = (p.quotes || []).filter(function (q) { return q.label !== "窓口"; });
      var contacts = contactsOf(p);
      view.appendChild(h("p", { class: "crumbs" }, [h("a", { href: "#programs", text: "制度一覧" }),
        p.parent ? " › " : null, p.parent ? h("a", { href: "#program/" + encodeURIComponent(p.parent), text: nameOf(p.parent) }) : null]));
      view.appendChild(h("div", { class: "view-head" }, [
        h("h2", { tabindex: "-1", "data-testid": "desk-program-name" }, [p.name, " ", kindBadge(p.kind, p.kind_label)]),
        h("div", { class: "actions" }, [copy, add, h("button", { type: "button", class: "secondary", onclick: function () { window.print(); } }, ["印刷"])])
      ]));
      view.appendChild(h("dl", { class: "facts" }, [
        h("div", { class: "tagrow" }, [h("dt", { text: "担当課" }), h("dd", { text: p.division })]),
        p.pages && p.pages.length ? h("div", { class: "tagrow" }, [h("dt", { text: "掲載ページ" }), h("dd", { text: "p." + p.pages.join(", p.") + "（名称 p." + p.pages[0] + " l." + p.name_line + "）" })]) : null,
        tags("テーマ", p.themes), tags("対象の災害", p.disasters), tags("事業者の規模", p.sizes),
        tags("業種", p.industries), tags("承継の段階", p.succession_stages),
        periodRow(p.period), p.applicant ? h("div", { class: "tagrow" }, [h("dt", { text: "申し込む方" }),
          h("dd", { text: p.applicant.kind + "：" + p.applicant.how })]) : null
      ]));
      if (p.purpose) view.appendChild(h("p", { class: "purpose" }, [h("strong", { text: "概要（要約・原文ではありません）：" }), p.purpose]));
      view.appendChild(h("h3", { text: "条件（原文の引用）" }));
      if (terms.length) {
        view.appendChild(h("table", { class: "terms", "data-testid": "desk-program-terms" }, [
          h("thead", null, [h("tr", null, [h("th", { scope: "col", text: "項目" }), h("th", { scope: "col", text: "原文" }), h("th", { scope: "col", text: "出典" })])]),
          h("tbody", null, terms.map(function (q) {
            return h("tr", null, [h("th", { scope: "row", text: q.label }), h("td", null, [h("q", { text: q.text })]),
              h("td", { class: "nowrap" }, [h("cite", { "data-testid": "desk-cite", text: citeText(q) })])]);
          }))
        ]));
      } else {
        view.appendChild(h("p", { text: "引用できる条件の記載はありません。" }));
      }
      view.appendChild(h("h3", { text: "窓口" }));
      view.appendChild(contacts.length ? h("ul", { class: "quotes contact" }, contacts.map(function (q) { return quoteLine(q, false); }))
        : h("p", { text: "記載なし" }));
      if (p.menus && p.menus.length) {
        view.appendChild(h("h3", { text: "メニュー" }));
        view.appendChild(h("ul", { class: "menus" }, p.menus.map(function (m) {
          return h("li", null, [h("a", { href: "#program/" + encodeURIComponent(m.id), text: m.name }), " ", kindBadge(m.kind, m.kind_label)]);
        })));
      }
      view.appendChild(h("p", { class: "source", text: sourceLine(p.source) + (p.source && p.source.issuer ? "　発行：" + p.source.issuer : "") }));
      var head = view.querySelector("h2");
      if (head) head.focus({ preventScroll: true });
    }).catch(function (err) { failed(err, view); });
  }

  /* ---------- comparison ---------- */
  function cellQuotes(p, row) {
    if (row.contacts) return contactsOf(p);
    return (p.quotes || []).filter(function (q) { return row.labels.indexOf(q.label) >= 0; });
  }
  function openCompare(ids) {
    ids = ids.filter(function (x, i) { return x && ids.indexOf(x) === i; }).slice(0, 3);
    var view = $("view-compare");
    view.textContent = "";
    view.appendChild(h("p", { text: "読み込んでいます…" }));
    selected = ids.slice();
    Promise.all(ids.map(function (id) { return api("/api/v1/programs/" + encodeURIComponent(id)); })).then(function (list) {
      document.title = "制度の比較 ｜ 窓口担当者コンソール";
      view.textContent = "";
      var copy = h("button", { type: "button", class: "secondary", "data-testid": "desk-copy" }, ["テキストでコピー"]);
      copy.addEventListener("click", function () { copyText(compareText(list), copy); });
      view.appendChild(h("p", { class: "crumbs" }, [h("a", { href: "#programs", text: "制度一覧に戻る" })]));
      view.appendChild(h("div", { class: "view-head" }, [
        h("h2", { tabindex: "-1", text: "制度の比較（" + list.length + "件）" }),
        h("div", { class: "actions" }, [copy, h("button", { type: "button", class: "secondary", onclick: function () { window.print(); } }, ["印刷"])])
      ]));
      var headRow = h("tr", null, [h("th", { scope: "col", class: "rowhead", text: "項目" })].concat(list.map(function (p) {
        return h("th", { scope: "col", "data-testid": "desk-compare-program" }, [
          h("a", { href: "#program/" + encodeURIComponent(p.id), text: p.name }), h("br"), kindBadge(p.kind, p.kind_label),
          h("span", { class: "division", text: " " + p.division })
        ]);
      })));
      var rows = COMPARE_ROWS.map(function (row) {
        return h("tr", null, [h("th", { scope: "row", class: "rowhead" }, [row.title, h("small", { text: row.labels.join("・") })])].concat(list.map(function (p) {
          var qs = cellQuotes(p, row);
          return h("td", null, [qs.length
            ? h("ul", { class: "quotes" }, qs.map(function (q) { return quoteLine(q, !row.contacts); }))
            : h("span", { class: "none", text: "記載なし" })]);
        })));
      });
      view.appendChild(h("div", { class: "table-wrap" }, [h("table", { class: "compare", "data-testid": "desk-compare-table" }, [
        h("caption", { class: "sr", text: "制度の比較表" }), h("thead", null, [headRow]), h("tbody", null, rows)
      ])]));
      var seen = {};
      list.forEach(function (p) {
        var s = sourceLine(p.source);
        if (s && !seen[s]) { seen[s] = true; view.appendChild(h("p", { class: "source", text: s })); }
      });
      view.querySelector("h2").focus({ preventScroll: true });
    }).catch(function (err) { failed(err, view); });
  }

  /* ---------- unanswered ---------- */
  function when(sec) {
    if (!sec) return "";
    var d = new Date(sec * 1000);
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "/" + p(d.getMonth() + 1) + "/" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  function renderUnanswered(data) {
    var box = $("unanswered-body");
    box.textContent = "";
    var items = data && Array.isArray(data.items) ? data.items : [];
    if (!items.length) {
      box.appendChild(h("p", { "data-testid": "desk-unanswered", text: "未回答の質問はまだありません。" }));
      return;
    }
    box.appendChild(h("div", { class: "table-wrap" }, [h("table", { class: "unanswered", "data-testid": "desk-unanswered" }, [
      h("thead", null, [h("tr", null, ["質問", "理由", "回数", "最初に受けた日時", "最後に受けた日時"].map(function (t) { return h("th", { scope: "col", text: t }); }))]),
      h("tbody", null, items.map(function (it) {
        return h("tr", null, [
          h("td", { text: it.question }),
          h("td", null, [h("span", { class: "reason " + it.reason, text: REASONS[it.reason] || it.reason })]),
          h("td", { class: "num", text: String(it.count) }),
          h("td", { class: "nowrap" }, [it.first_seen ? stamp(it.first_seen) : null]),
          h("td", { class: "nowrap" }, [stamp(it.last_seen)])
        ]);
      }))
    ])]));
  }
  function loadUnanswered() {
    var box = $("unanswered-body");
    if (!box.firstChild) box.textContent = "読み込んでいます…";
    return api("/api/v1/desk/unanswered").then(renderUnanswered).catch(function (err) { failed(err, box); });
  }
  $("unanswered-refresh").addEventListener("click", loadUnanswered);

  /* ---------- records (need the database) ---------- */
  var STATUSES = [["new", "新規"], ["in_progress", "対応中"], ["done", "完了"]];
  var OUTCOMES = { answer: "回答", clarify: "確認の質問", no_match: "該当なし" };
  var TALLY_KINDS = [["conversations", "会話"], ["answer", "回答"], ["clarify", "確認の質問"], ["no_match", "該当なし"],
    ["unanswered", "未回答の質問"], ["consultations", "相談の受付"], ["helpful", "👍 役に立った"], ["not_helpful", "👎 役に立たなかった"]];
  function statusLabel(s) {
    var m = STATUSES.filter(function (x) { return x[0] === s; })[0];
    return m ? m[1] : s;
  }
  function stamp(sec) {
    return h("time", { datetime: new Date(sec * 1000).toISOString(), text: when(sec) });
  }
  // 受付番号: the first eight characters of the id, as the widget tells the person.
  function ticket(id) { return String(id || "").slice(0, 8).toUpperCase(); }
  // The program list, for names; a failure leaves ids shown as they are.
  function programList() {
    if (programs) return Promise.resolve(programs);
    return (programsLoading || loadPrograms() || Promise.resolve(null)).then(function () { return programs || []; },
      function () { return []; });
  }
  function programLinks(ids) {
    if (!ids || !ids.length) return [h("span", { class: "none", text: "なし" })];
    var out = [];
    ids.forEach(function (id, i) {
      if (i) out.push("、");
      out.push(h("a", { href: "#program/" + encodeURIComponent(id), text: nameOf(id) }));
    });
    return out;
  }
  function field(term, value, attrs) {
    var dd = h("dd", attrs || null, [value == null || value === "" ? h("span", { class: "none", text: "（記入なし）" }) : String(value)]);
    return [h("dt", { text: term }), dd];
  }

  /* inbox of consultation requests */
  function requestCard(c) {
    var id = "req-" + c.id;
    var badge = h("span", { class: "state state-" + c.status, "data-testid": "desk-request-state", text: statusLabel(c.status) });
    var updated = h("span", { class: "stamp" }, ["最終更新 ", stamp(c.updated_at)]);
    var card = h("article", { class: "request status-" + c.status, "data-testid": "desk-request", "data-id": c.id,
      "aria-labelledby": id + "-h" });
    card.appendChild(h("h3", { id: id + "-h" }, [
      h("span", null, ["受付番号 ", h("span", { class: "ticket", title: c.id, text: ticket(c.id) })]),
      badge, h("span", { class: "stamp" }, ["受付 ", stamp(c.created_at)])
    ]));
    if (c.purged) {
      card.appendChild(h("p", { class: "note", text: "保存期間を過ぎたため、お名前・連絡先・ご相談内容・会話・メモは削除されています。" }));
    } else {
      card.appendChild(h("dl", { class: "fields" }, [].concat(
        field("お名前", c.name, { "data-testid": "desk-request-name" }),
        field("事業所名", c.organization),
        field("連絡先", c.contact, { "data-testid": "desk-request-contact" }),
        field("連絡希望時間", c.preferred_time),
        field("ご相談内容", c.message, { class: "message" })
      )));
      var turns = Array.isArray(c.conversation) ? c.conversation : [];
      card.appendChild(h("p", { class: "lbl", text: turns.length ? "ウィジェットでの会話（" + turns.length + "件の質問）" : "ウィジェットでの会話：なし" }));
      if (turns.length) {
        card.appendChild(h("ol", { class: "turns", "data-testid": "desk-request-conversation" }, turns.map(function (t) {
          return h("li", null, [h("q", { text: t.question }), " ",
            h("span", { class: "outcome " + t.outcome, text: OUTCOMES[t.outcome] || t.outcome }),
            t.programs && t.programs.length ? " → " : null].concat(t.programs && t.programs.length ? programLinks(t.programs) : []));
        })));
      }
    }
    // Status and note: each change is saved at once (PATCH), for every desk to see.
    var select = h("select", { id: id + "-status", "data-testid": "desk-request-status" }, STATUSES.map(function (s) {
      return h("option", { value: s[0], text: s[1] });
    }));
    select.value = c.status;
    var note = h("textarea", { id: id + "-note", rows: "3", maxlength: "2000", "data-testid": "desk-request-note" });
    note.value = c.note || "";
    var save = h("button", { type: "button", class: "secondary", "data-testid": "desk-request-save" }, ["メモを保存"]);
    card.appendChild(h("div", { class: "edit" }, [
      h("label", { for: select.id, text: "状態" }), h("div", null, [select]),
      h("label", { for: note.id, text: "担当者メモ" }), note,
      h("div", { class: "row-end" }, [save, updated])
    ]));
    function apply(next) {
      c = next;
      card.className = "request status-" + c.status;
      badge.className = "state state-" + c.status;
      badge.textContent = statusLabel(c.status);
      select.value = c.status;
      updated.replaceChild(stamp(c.updated_at), updated.lastChild);
    }
    function patch(body, done) {
      select.disabled = save.disabled = true;
      return api("/api/v1/desk/consultations/" + encodeURIComponent(c.id), { method: "PATCH", body: body }).then(function (next) {
        apply(next);
        done(next);
        refreshNewCount();
      }).catch(function (err) {
        select.value = c.status;
        failed(err);
      }).then(function () { select.disabled = save.disabled = false; });
    }
    select.addEventListener("change", function () {
      var to = select.value;
      patch({ status: to }, function () { status("受付番号 " + ticket(c.id) + " を「" + statusLabel(to) + "」にしました。"); select.focus(); });
    });
    save.addEventListener("click", function () {
      patch({ note: note.value }, function (next) {
        note.value = next.note || "";
        status("受付番号 " + ticket(c.id) + " のメモを保存しました。");
        save.focus();
      });
    });
    return card;
  }
  function renderInbox(data) {
    var box = $("inbox-body");
    box.textContent = "";
    var items = data && Array.isArray(data.items) ? data.items : [];
    if (!items.length) {
      var f = $("inbox-status").value;
      box.appendChild(h("p", { "data-testid": "desk-inbox-empty", text: f ? "「" + statusLabel(f) + "」のご相談はありません。" : "ご相談はまだありません。" }));
      return;
    }
    box.appendChild(h("p", { class: "help", text: items.length + "件" }));
    box.appendChild(h("div", { class: "list" }, items.map(requestCard)));
  }
  function loadInbox() {
    var box = $("inbox-body");
    if (!box.firstChild) box.textContent = "読み込んでいます…";
    var s = $("inbox-status").value;
    refreshNewCount();
    return Promise.all([programList(), api("/api/v1/desk/consultations" + (s ? "?status=" + encodeURIComponent(s) : ""))])
      .then(function (r) { renderInbox(r[1]); })
      .catch(function (err) { failed(err, box); });
  }
  // The number of new requests, beside the menu item.
  function refreshNewCount() {
    api("/api/v1/desk/consultations?status=new&limit=1000").then(function (data) {
      var n = data && Array.isArray(data.items) ? data.items.length : 0;
      var el = $("inbox-count");
      // The number in view, said as 「新規 N件」 (a label on a plain span is not read reliably).
      el.textContent = "";
      el.appendChild(h("span", { class: "sr", text: "新規 " }));
      el.appendChild(document.createTextNode(n >= 1000 ? "999+" : String(n)));
      el.appendChild(h("span", { class: "sr", text: "件" }));
      el.hidden = n === 0;
    }).catch(function () { $("inbox-count").hidden = true; });
  }
  $("inbox-status").addEventListener("change", loadInbox);
  $("inbox-refresh").addEventListener("click", loadInbox);

  /* recent conversations */
  function feedbackCell(t) {
    if (t.helpful == null) return h("td", { class: "feedback-cell", "data-testid": "desk-turn-feedback" }, [h("span", { class: "none", text: "—" })]);
    return h("td", { "data-testid": "desk-turn-feedback", "data-helpful": String(t.helpful) }, [
      h("span", { class: "feedback-cell", text: t.helpful ? "👍 役に立った" : "👎 役に立たなかった" }),
      t.comment ? h("span", { class: "comment", text: t.comment }) : null
    ]);
  }
  function renderConversations(data) {
    var box = $("conversations-body");
    box.textContent = "";
    var items = data && Array.isArray(data.items) ? data.items : [];
    if (!items.length) {
      box.appendChild(h("p", { "data-testid": "desk-conversations", text: "記録された会話はまだありません。" }));
      return;
    }
    box.appendChild(h("div", { class: "list", "data-testid": "desk-conversations" }, items.map(function (c) {
      var turns = Array.isArray(c.turns) ? c.turns : [];
      // A conversation held in English or Chinese is shown as it was held, with a note of which.
      var held = LANG_BADGES[c.lang] || null;
      return h("article", { class: "conversation", "data-testid": "desk-conversation", "data-lang": c.lang || "ja" }, [
        h("h3", null, [h("span", null, ["会話 ", stamp(c.started_at)]),
          held ? h("span", { class: "badge lang", lang: c.lang, "data-testid": "desk-conversation-lang", title: held[1], text: held[0] }) : null,
          h("span", { class: "stamp", text: turns.length + "件の質問" + (c.last_at > c.started_at ? "・最後 " + when(c.last_at) : "") })]),
        h("div", { class: "table-wrap" }, [h("table", { class: "turns-table" }, [
          h("thead", null, [h("tr", null, ["順", "日時", "質問", "結果", "表示した制度", "評価"].map(function (t) { return h("th", { scope: "col", text: t }); }))]),
          h("tbody", null, turns.map(function (t) {
            return h("tr", { "data-testid": "desk-turn" }, [
              h("td", { class: "num", text: String(t.n) }),
              h("td", { class: "nowrap" }, [stamp(t.at)]),
              h("td", { lang: t.lang || "ja", text: t.question }),
              h("td", null, [h("span", { class: "outcome " + t.outcome, text: OUTCOMES[t.outcome] || t.outcome })]),
              h("td", null, programLinks(t.programs)),
              feedbackCell(t)
            ]);
          }))
        ])])
      ]);
    })));
  }
  // The languages a conversation may be held in besides Japanese: the badge and its title.
  var LANG_BADGES = { en: ["English", "英語で行われた会話"], "zh-Hant": ["中文", "中国語（繁体字）で行われた会話"] };
  function loadConversations() {
    var box = $("conversations-body");
    if (!box.firstChild) box.textContent = "読み込んでいます…";
    return Promise.all([programList(), api("/api/v1/desk/conversations?limit=100")])
      .then(function (r) { renderConversations(r[1]); })
      .catch(function (err) { failed(err, box); });
  }
  $("conversations-refresh").addEventListener("click", loadConversations);

  /* monthly tallies */
  function renderTallies(data) {
    var box = $("tallies-body");
    box.textContent = "";
    var items = data && Array.isArray(data.items) ? data.items : [];
    if (data && data.retention_days) {
      box.appendChild(h("p", { "data-testid": "desk-retention", text: "個人情報の保存期間：" + data.retention_days + "日" }));
    }
    if (!items.length) {
      box.appendChild(h("p", { "data-testid": "desk-tallies", text: "集計はまだありません。" }));
      return;
    }
    var months = [], by = {};
    items.forEach(function (t) {
      if (!by[t.month]) { by[t.month] = {}; months.push(t.month); }
      by[t.month][t.kind] = t.n;
    });
    box.appendChild(h("div", { class: "table-wrap" }, [h("table", { class: "tallies", "data-testid": "desk-tallies" }, [
      h("thead", null, [h("tr", null, [h("th", { scope: "col", text: "月" })].concat(TALLY_KINDS.map(function (k) {
        return h("th", { scope: "col", text: k[1] });
      })))]),
      h("tbody", null, months.map(function (m) {
        var parts = m.split("-");
        return h("tr", null, [h("th", { scope: "row", text: parts.length === 2 ? parts[0] + "年" + Number(parts[1]) + "月" : m })].concat(
          TALLY_KINDS.map(function (k) { return h("td", { class: "num", text: String(by[m][k[0]] || 0) }); })));
      }))
    ])]));
  }
  function loadTallies() {
    var box = $("tallies-body");
    if (!box.firstChild) box.textContent = "読み込んでいます…";
    return api("/api/v1/desk/tallies").then(renderTallies).catch(function (err) { failed(err, box); });
  }
  $("tallies-refresh").addEventListener("click", loadTallies);

  /* CSV export: the files need the token, so they are fetched and handed over as a Blob. */
  function fileName(disposition, fallback) {
    var m = /filename="?([^";]+)"?/i.exec(disposition || "");
    return m ? m[1] : fallback;
  }
  function exportCsv(kind, button) {
    var token = getItem(TOKEN_KEY);
    button.disabled = true;
    button.removeAttribute("data-exported");
    fetch("/api/v1/desk/" + kind + ".csv?limit=5000", {
      headers: { "Accept": "text/csv", "Authorization": "Bearer " + token },
      credentials: "same-origin"
    }).catch(function () {
      throw new ApiError("サーバーに接続できませんでした。ネットワークの状態をご確認ください。");
    }).then(function (res) {
      if (res.status === 401) throw new AuthError();
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (data) {
          throw new ApiError(data && data.error && data.error.message_ja || "書き出せませんでした（" + res.status + "）。");
        });
      }
      var name = fileName(res.headers.get("Content-Disposition"), kind + ".csv");
      return res.blob().then(function (blob) { return { name: name, blob: blob }; });
    }).then(function (file) {
      var url = URL.createObjectURL(file.blob);
      var a = h("a", { href: url, download: file.name, hidden: true });
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 30000);
      button.setAttribute("data-exported", file.name);
      status("「" + file.name + "」を書き出しました。");
    }).catch(function (err) { failed(err); }).then(function () { button.disabled = false; });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-export]"), function (b) {
    b.addEventListener("click", function () { exportCsv(b.getAttribute("data-export"), b); });
  });

  /* ---------- start ---------- */
  if (getItem(TOKEN_KEY)) {
    $("login").hidden = true;
    $("nav").hidden = false;
    route();
    if (!programs) loadPrograms();
    // Checks the kept token at once (a restarted server may have another one).
    api("/api/v1/desk/unanswered").then(renderUnanswered).catch(function (err) { if (!noDatabase(err)) failed(err); });
    refreshNewCount();
  } else {
    showLogin("");
  }
})();
