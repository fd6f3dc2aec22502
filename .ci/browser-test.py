#!/usr/bin/env python3
"""A real-browser test of the widget (/demo) and the help-desk console (/desk).

Usage: .ci/browser-test.py BASE_URL DESK_TOKEN OUT_DIR

Drives Debian's /usr/bin/chromium through /usr/bin/chromedriver with Python selenium
(pip install selenium); $CHROMIUM and $CHROMEDRIVER override the paths. The server must be
running with --desk-token DESK_TOKEN. Stops at the first broken step with a clear message
(and OUT_DIR/failure.png), exit 1; otherwise prints `browser test: N passed, 0 failed`, exit 0.
Screenshots: OUT_DIR/widget-desktop.png, widget-phone.png, widget-form.png, desk-compare.png,
widget-en.png and widget-zh.png (a conversation in English and one in Chinese, the language
chosen in the widget's switch),
desk-inbox.png; a real answer at 390×844: answer-phone.png (as it arrives), answer-phone-cards.png
(scrolled to the cards), answer-phone-details.png (the best fit's disclosure open); and one per
state and size that axe-core scans: axe-STATE-desktop.png (1280×900), axe-STATE-phone.png
(390×844). The server needs a database (--database) for the feedback, the handoff form and the
desk's inbox and conversations; the CSV export is downloaded into OUT_DIR.

Accessibility (issue 25): axe-core, pinned in .ci/package.json and installed with
`npm ci --prefix .ci`, scans six states (the widget open, after an answer, the consultation form
with an error, the desk's login, inbox and conversations) at both sizes and fails on any violation
of WCAG 2.0/2.1 A and AA or axe's best practices; the keyboard paths are checked as a person
takes them (an option chosen with Enter, Tab and Shift+Tab in the phone panel, Escape in the 👎
comment box, the focus after the desk's login and view changes). The test prints what the live
region announced after the question.
"""

import glob
import os
import re
import shutil
import sys
import tempfile
import time

try:
    from selenium import webdriver
    from selenium.common.exceptions import (JavascriptException, NoAlertPresentException,
                                            StaleElementReferenceException, TimeoutException,
                                            WebDriverException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:
    sys.exit("browser test: selenium is not installed (pip install selenium)")

QUESTION = "災害で店の建物が壊れました。再建の支援はありますか"
# A question whose best program states 令和6～7年度 as its period (taiwan-yushutsu).
PERIOD_QUESTION = "台湾の百貨店で県産の菓子を売り込みたい"
# Asked before 👍 and the handoff form; the desk finds the conversation by it.
HANDOFF_QUESTION = "跡継ぎに店を譲りたいが、何から始めればよいか"
# Citizen input the desk must show as text: an executed script would be an alert.
HOSTILE_NAME = "<script>alert(1)</script>テスト"
STAFF_NOTE = "折り返し電話済み <b>次回</b> 12/3"
CITE = re.compile(r"p\.\d+ l\.\d+")
# The two conversations in another language (issue 23): typed in English and in Chinese, each
# naming the disaster as the document does, so that the answer has cards to show.
EN_QUESTION = "Our factory in Kumamoto was damaged in the 熊本地震 earthquake. Is there a subsidy for repairs?"
ZH_QUESTION = "我們在熊本的工廠因熊本地震受損，有修復工廠的補助金嗎？"


def reply_in(lang, text):
    """The eval's rule (shared/eval/run_eval.py): outside 「…」 at most 5 % of the letters are
    kana, and English is at least half Latin letters (Chinese, fewer)."""
    out, depth = [], 0
    for ch in text:
        if ch == "「":
            depth += 1
        elif ch == "」":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    letters = [ch for ch in out if ch.isalpha()]
    if not letters:
        return False
    kana = sum(1 for ch in letters if "\u3040" <= ch <= "\u30ff")
    latin = sum(1 for ch in letters if ch.isascii())
    if kana > 0.05 * len(letters):
        return False
    return latin >= 0.5 * len(letters) if lang == "en" else latin < 0.5 * len(letters)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import a11y  # noqa: E402 - beside this script
WAIT = 10  # seconds, every wait


class StepFailed(Exception):
    pass


def css(root, selector):
    return root.find_elements(By.CSS_SELECTOR, selector)


def wait_for(driver, what, condition, timeout=WAIT):
    """Polls `condition()` until it returns something truthy; fails the step with `what`."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(JavascriptException, StaleElementReferenceException)
                             ).until(lambda _d: condition())
    except TimeoutException:
        raise StepFailed(f"timed out after {timeout} s waiting for {what}") from None


def shadow(driver):
    return wait_for(driver, "the widget's shadow root (#madoguchi-widget)", lambda: driver.execute_script(
        "var h = document.querySelector('#madoguchi-widget'); return h && h.shadowRoot;"))


def visible(elements):
    return [e for e in elements if e.is_displayed()]


def make_driver(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--lang=ja-JP", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    return driver


class Run:
    def __init__(self, driver, base, token, out):
        self.d = driver
        self.base = base.rstrip("/")
        self.token = token
        self.out = out
        self.severe = []
        self.passed = 0
        self.ticket = None
        self.axe_js = a11y.axe_source()
        self.scans = 0
        self.announced = None
        self.languages = []

    def logs(self, expected=None):
        """Collects SEVERE console entries (`expected` ones ignored; a favicon 404 counts too)."""
        for entry in self.d.get_log("browser"):
            if entry.get("level") != "SEVERE":
                continue
            msg = entry.get("message", "")
            if expected and expected.search(msg):
                continue
            self.severe.append(msg)

    def shot(self, name):
        path = os.path.join(self.out, name)
        if not self.d.get_screenshot_as_file(path):
            raise StepFailed(f"could not write {path}")

    def keys(self, *keys):
        """Presses keys where the focus is, as a person at the keyboard would."""
        ActionChains(self.d).send_keys(*keys).perform()

    def focused(self):
        return a11y.active(self.d)

    def scan(self, state):
        """axe-core on the current state at 1280×900 and 390×844, a screenshot of each; any
        violation fails the step with the rule, the elements and axe's summary."""
        for size in ("desktop", "phone"):
            if size == "phone":
                self.phone()
            else:
                self.desktop()
            time.sleep(0.3)
            version, violations = a11y.axe_run(self.d, self.axe_js)
            self.shot(f"axe-{state}-{size}.png")
            self.scans += 1
            if violations:
                raise StepFailed(f"axe-core {version} on {state} at {size}: {len(violations)} rule(s) violated\n"
                                 + a11y.describe(violations))
        self.desktop()

    # ---------- the widget ----------
    def widget_open(self):
        d = self.d
        self.desktop()
        d.get(self.base + "/demo")
        root = shadow(d)
        launcher = wait_for(d, "the launcher [data-testid=madoguchi-open]", lambda: visible(css(root, "[data-testid=madoguchi-open]")))[0]
        if not launcher.get_attribute("aria-label"):
            raise StepFailed("the launcher button has no aria-label")
        launcher.click()
        dialog = wait_for(d, "the panel (role=dialog) to open", lambda: visible(css(root, "[role=dialog]")))[0]
        if not dialog.get_attribute("aria-label"):
            raise StepFailed("the panel (role=dialog) has no aria-label")
        if not css(root, "[aria-live=polite]"):
            raise StepFailed("no aria-live=polite region in the widget")

    def widget_isolated(self):
        # demo.html styles `button` (orange, square, double border): the launcher must not be.
        d = self.d
        style = d.execute_script("""
            var b = document.querySelector('#madoguchi-widget').shadowRoot.querySelector('[data-testid=madoguchi-open]');
            var s = getComputedStyle(b);
            return [s.borderTopLeftRadius, s.backgroundColor, s.borderTopStyle, s.cursor];""")
        radius, bg, border, cursor = style
        page_bg = d.execute_script("return getComputedStyle(document.querySelector('main button')).backgroundColor;")
        if bg == page_bg or border == "double" or cursor == "crosshair" or radius in ("0px", ""):
            raise StepFailed(f"the host page's styles reach the widget (launcher style {style})")

    def widget_ime(self):
        # Enter while an IME is composing must not send.
        d = self.d
        root = shadow(d)
        box = css(root, "[data-testid=madoguchi-input]")[0]
        before = len(css(root, "[data-testid=madoguchi-message][data-role=user]"))
        d.execute_script("""
            var i = arguments[0]; i.value = 'にゅうりょくちゅう';
            i.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, composed: true, cancelable: true}));
            i.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', keyCode: 13, isComposing: true, bubbles: true, composed: true, cancelable: true}));""", box)
        time.sleep(0.3)
        if len(css(root, "[data-testid=madoguchi-message][data-role=user]")) != before or not box.get_attribute("value"):
            raise StepFailed("Enter during IME composition sent the message")
        d.execute_script("arguments[0].value = '';", box)

    def widget_ask(self):
        d = self.d
        root = shadow(d)
        box = css(root, "[data-testid=madoguchi-input]")[0]
        box.send_keys(QUESTION)
        box.send_keys(Keys.ENTER)

        def cited_card():
            for card in css(root, "[data-role=assistant] [data-testid=madoguchi-card]"):
                if any(CITE.search(c.text) for c in css(card, "[data-testid=madoguchi-cite]")):
                    return card
            return None
        wait_for(d, "a program card with a citation 「p.N l.M」 after pressing Enter", cited_card)
        users = css(root, "[data-testid=madoguchi-message][data-role=user]")
        if not users or QUESTION not in users[-1].text:
            raise StepFailed("the question is not shown as a user message")
        if box.get_attribute("value"):
            raise StepFailed("the input was not cleared after sending")
        said, _ = self.focused()
        if "madoguchi-input" not in said:
            raise StepFailed(f"after a typed question the focus left the input: it is on {said}")
        self.answer_structure(QUESTION)

    def answer_structure(self, question):
        """The answer as a screen-reader user meets it: a heading, the cards as a list of items
        each headed by its program's name, 窓口に相談する before the cards, and a short
        announcement (how many programs, the best fit) rather than the whole text."""
        d = self.d
        root = shadow(d)
        live = css(root, "[aria-live=polite]")[0]
        said = wait_for(d, "the live region's announcement of the answer", lambda: live.get_attribute("textContent"))
        facts = d.execute_script("""
            var root = arguments[0], replies = root.querySelectorAll('[data-role=assistant]'), reply = replies[replies.length - 1];
            var cards = reply.querySelectorAll('[data-testid=madoguchi-card]'), bad = [], names = [], quotes = [];
            cards.forEach(function (c) {
              var li = c.parentElement, h = c.querySelector('h4');
              if (!li || li.tagName !== 'LI' || li.parentElement.tagName !== 'UL') bad.push('a card is not a list item');
              if (!h) bad.push('a card has no heading'); else names.push(h.textContent);
              c.querySelectorAll('q').forEach(function (q) { quotes.push(q.textContent); });
            });
            var head = reply.querySelector('h3[tabindex="-1"]'), handoff = reply.querySelector('[data-testid=madoguchi-handoff]');
            if (!head) bad.push('the answer has no focusable heading');
            if (handoff && cards.length && !(handoff.compareDocumentPosition(cards[0]) & Node.DOCUMENT_POSITION_FOLLOWING))
              bad.push('窓口に相談する comes after the cards');
            if (root.querySelector('.root').getAttribute('lang') !== 'ja') bad.push('the widget has no lang="ja"');
            return {n: cards.length, bad: bad, names: names, quotes: quotes};""", root)
        if facts["bad"]:
            raise StepFailed("; ".join(facts["bad"]))
        if f"{facts['n']}件" not in said or facts["names"][0] not in said:
            raise StepFailed(f"the announcement does not give the number of programs and the best fit: {said!r}")
        walled = [q for q in facts["quotes"] if len(q) > 8 and q in said]
        if walled or len(said) > 300:
            raise StepFailed(f"the announcement reads out the cards ({len(said)} characters): {said!r}")
        # When the API says why the best fit fits, the announcement says it too.
        best = d.execute_script("""
            var h = JSON.parse(localStorage.getItem('madoguchi.history') || '[]'), r = h[h.length - 1];
            return r && r.response && r.response.programs && r.response.programs[0] || null;""")
        if best and best.get("reason") and best["reason"].rstrip("。") not in said:
            raise StepFailed(f"the API gives the best fit's reason, the announcement does not: {said!r}")
        self.announced = (question, said)
        print(f"     announced after 「{question}」: {said}")

    def answer_phone(self):
        """A real answer at 390×844: as it arrives, scrolled to its cards, the best fit's
        disclosure open."""
        d = self.d
        self.phone()
        root = shadow(d)
        log = css(root, "[data-testid=madoguchi-log]")[0]
        reply = css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        d.execute_script("arguments[0].dispatchEvent(new Event('scroll'));", log)
        time.sleep(0.2)
        self.shot("answer-phone.png")
        handoff = css(reply, "[data-testid=madoguchi-handoff]")
        if handoff and not d.execute_script("""
                var b = arguments[0].getBoundingClientRect(), l = arguments[1].getBoundingClientRect();
                return b.top >= l.top && b.bottom <= l.bottom;""", handoff[0], log):
            raise StepFailed("at 390×844 窓口に相談する is not in view when the answer arrives")
        cards = css(reply, "[data-testid=madoguchi-cards]")[0]
        d.execute_script("arguments[1].scrollTop = arguments[0].offsetTop - 8;", cards, log)
        time.sleep(0.2)
        self.shot("answer-phone-cards.png")
        more = css(reply, "[data-testid=madoguchi-more] summary")
        if more:
            more[0].click()
            time.sleep(0.2)
            if not any(CITE.search(c.text) for c in css(reply, "[data-testid=madoguchi-more] [data-testid=madoguchi-cite]")):
                raise StepFailed("the card's disclosure opens on no quote with a 「p.N l.M」 citation")
            self.shot("answer-phone-details.png")
            more[0].click()
        self.desktop()

    def widget_phone_modal(self):
        """At 390×844 the panel is a modal dialog: aria-modal, the page behind inert, Tab from
        送信 and Shift+Tab from 最初から stay inside it. Wider, it is not modal."""
        d = self.d
        self.phone()
        root = shadow(d)
        panel = css(root, "[data-testid=madoguchi-panel]")[0]
        if panel.get_attribute("aria-modal") != "true":
            raise StepFailed("at 390×844 the panel is not aria-modal=true")
        inert = d.execute_script("return ['header', 'main', 'footer'].filter(function (s) { return !document.querySelector(s).inert; });")
        if inert:
            raise StepFailed(f"at 390×844 the page behind the panel is not inert: {inert}")
        stops = d.execute_script("""
            return Array.prototype.filter.call(arguments[0].querySelectorAll('button, textarea, input, a[href], summary, [tabindex]'),
              function (e) { return !e.disabled && e.getAttribute('tabindex') !== '-1' && e.getClientRects().length; }).length;""", panel)
        for start, key, name in (("madoguchi-send", Keys.TAB, "Tab from 送信"),
                                 ("madoguchi-restart", (Keys.SHIFT, Keys.TAB), "Shift+Tab from 最初から")):
            d.execute_script("arguments[0].focus();", css(root, f"[data-testid={start}]")[0])
            seen = set()
            for i in range(stops + 2):
                if isinstance(key, tuple):
                    ActionChains(d).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
                else:
                    self.keys(key)
                said, element = self.focused()
                inside = element is not None and d.execute_script(
                    "return arguments[0].contains(arguments[1]) && arguments[1].getClientRects().length > 0;", panel, element)
                if not inside:
                    raise StepFailed(f"{name}, press {i + 1}: the focus left the phone panel for {said}")
                seen.add(said)
            if len(seen) < 3:
                raise StepFailed(f"{name}: the focus did not move through the panel ({sorted(seen)})")
        self.desktop()
        time.sleep(0.2)
        if panel.get_attribute("aria-modal") or d.execute_script("return document.querySelector('main').inert;"):
            raise StepFailed("at 1280×900 the panel is still modal (aria-modal or the page inert)")

    def widget_follow_up(self):
        d = self.d
        root = shadow(d)
        options = wait_for(d, "follow-up option buttons [data-testid=madoguchi-option]",
                           lambda: [o for o in css(root, "[data-testid=madoguchi-option]") if o.is_enabled()])
        before = len(css(root, "[data-testid=madoguchi-message][data-role=assistant]"))
        label = options[0].text
        # By keyboard: the option has the focus and Enter chooses it.
        d.execute_script("arguments[0].focus();", options[0])
        self.keys(Keys.ENTER)
        said, _ = self.focused()
        if said.startswith("body"):
            raise StepFailed("after Enter on an option the focus fell to the page's <body>")

        def next_reply():
            replies = css(root, "[data-testid=madoguchi-message][data-role=assistant]")
            if len(replies) <= before:
                return None
            cites = css(replies[-1], "[data-testid=madoguchi-card] [data-testid=madoguchi-cite]")
            return cites if any(CITE.search(c.text) for c in cites) else None
        wait_for(d, f"the reply with cards after choosing the option 「{label}」", next_reply)
        users = css(root, "[data-testid=madoguchi-message][data-role=user]")
        if label not in users[-1].text:
            raise StepFailed(f"the option 「{label}」 was not sent as the next message")
        reply = css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        head = css(reply, "[data-testid=madoguchi-answer-head]")[0]
        wait_for(d, "the focus on the new answer's heading after choosing an option",
                 lambda: self.focused()[1] == head)
        # The next Tab goes on into that answer, not past it.
        self.keys(Keys.TAB)
        said, element = self.focused()
        if not d.execute_script("return arguments[0].contains(arguments[1]);", reply, element):
            raise StepFailed(f"Tab from the answer's heading left the answer: the focus is on {said}")
        # 窓口に相談する under this answer: ご相談内容 holds the person's own question, not the
        # option's label.
        css(reply, "[data-testid=madoguchi-handoff]")[0].click()
        message = wait_for(d, "the handoff form's ご相談内容", lambda: visible(css(root, "[data-testid=madoguchi-field-message]")))[0]
        if message.get_attribute("value") != QUESTION:
            raise StepFailed(f"ご相談内容 is pre-filled with {message.get_attribute('value')!r}, not the question typed ({QUESTION!r})")
        visible(css(root, "[data-testid=madoguchi-handoff-back]"))[0].click()
        wait_for(d, "the conversation after 「会話に戻る」", lambda: visible(css(root, "[data-testid=madoguchi-log]")))

    def widget_restore(self):
        d = self.d
        d.refresh()
        root = shadow(d)
        if not visible(css(root, "[role=dialog]")):
            wait_for(d, "the launcher after reload", lambda: visible(css(root, "[data-testid=madoguchi-open]")))[0].click()
            wait_for(d, "the panel to reopen after reload", lambda: visible(css(root, "[role=dialog]")))
        users = wait_for(d, "the restored conversation (two user messages) after reload",
                         lambda: (lambda u: u if len(u) >= 2 else None)(
                             visible(css(root, "[data-testid=madoguchi-message][data-role=user]"))))
        if QUESTION not in users[0].text:
            raise StepFailed("the restored history does not start with the question")
        if not css(root, "[data-testid=madoguchi-card]"):
            raise StepFailed("the restored history shows no program cards")
        stored = d.execute_script("return [localStorage.getItem('madoguchi.session'), localStorage.getItem('madoguchi.history')];")
        if not stored[0] or not stored[1]:
            raise StepFailed("madoguchi.session / madoguchi.history are not in localStorage")

    def widget_period_badge(self):
        """A program whose quoted 事業期間 has passed (the server runs with --today 2026-11-29)
        carries the badge 「事業期間：令和6〜7年度（終了の可能性）」."""
        d = self.d
        root = shadow(d)
        box = css(root, "[data-testid=madoguchi-input]")[0]
        box.send_keys(PERIOD_QUESTION)
        box.send_keys(Keys.ENTER)

        def badge():
            for b in css(root, "[data-role=assistant] [data-testid=madoguchi-period]"):
                if b.get_attribute("data-status") == "after" and "終了の可能性" in b.text:
                    return b
            return None
        b = wait_for(d, "a card with the badge 事業期間：…（終了の可能性）", badge)
        if "令和6〜7年度" not in b.text:
            raise StepFailed(f"the badge does not name the quoted years: {b.text!r}")
        # One period note per answer, not one per card.
        reply = css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        notes = d.execute_script("return arguments[0].textContent.split('事業期間が終わ').length - 1;", reply)
        if notes > 1:
            raise StepFailed(f"the answer says {notes} times that a 事業期間 has ended (one note per answer)")

    def phone(self):
        d = self.d
        d.set_window_size(390, 844)
        # The window's size includes the browser's own frame (and some builds keep a minimum
        # width): the page's viewport is set to the phone's 390×844 exactly.
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        time.sleep(0.3)

    def desktop(self):
        self.d.set_window_size(1280, 900)
        # As for the phone: the page's viewport is 1280×900 exactly, whatever the frame takes.
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def widget_screenshots(self):
        d = self.d
        self.shot("widget-desktop.png")
        self.phone()
        root = shadow(d)
        panel = visible(css(root, "[role=dialog]"))
        if not panel:
            raise StepFailed("the panel is not visible at phone width")
        width = panel[0].rect["width"]
        inner = d.execute_script("return document.documentElement.clientWidth;")  # without the scrollbar
        if width < inner - 2:
            raise StepFailed(f"at phone width the panel is {width}px wide, not the full {inner}px")
        self.shot("widget-phone.png")
        self.desktop()

    def widget_escape(self):
        d = self.d
        root = shadow(d)
        box = css(root, "[data-testid=madoguchi-input]")[0]
        box.send_keys(Keys.ESCAPE)
        wait_for(d, "Escape to close the panel", lambda: not visible(css(root, "[role=dialog]")))
        active = d.execute_script("return document.querySelector('#madoguchi-widget').shadowRoot.activeElement;")
        if active is None or active.get_attribute("data-testid") != "madoguchi-open":
            raise StepFailed("after Escape the focus did not return to the launcher")

    def widget_feedback(self):
        """Only the latest answer can be rated; 👍 is sent and thanked for."""
        d = self.d
        root = shadow(d)
        if not visible(css(root, "[role=dialog]")):
            css(root, "[data-testid=madoguchi-open]")[0].click()
            wait_for(d, "the panel to reopen", lambda: visible(css(root, "[role=dialog]")))
        box = css(root, "[data-testid=madoguchi-input]")[0]
        before = len(css(root, "[data-testid=madoguchi-message][data-role=assistant]"))
        box.send_keys(HANDOFF_QUESTION)
        box.send_keys(Keys.ENTER)

        def rated_reply():
            replies = css(root, "[data-testid=madoguchi-message][data-role=assistant]")
            if len(replies) <= before:
                return None
            ups = [b for b in css(replies[-1], "[data-testid=madoguchi-feedback-up]") if b.is_displayed() and b.is_enabled()]
            return ups[0] if ups else None
        up = wait_for(d, f"👍 under the answer to 「{HANDOFF_QUESTION}」", rated_reply)
        # 👎 opens the comment box; Escape there closes the box only, the focus back on 👎.
        reply = css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        down = css(reply, "[data-testid=madoguchi-feedback-down]")[0]
        down.click()
        comment = css(reply, "[data-testid=madoguchi-feedback-comment]")[0]
        wait_for(d, "the focus in the 👎 comment box", lambda: self.focused()[1] == comment)
        self.keys(Keys.ESCAPE)
        if not visible(css(root, "[role=dialog]")):
            raise StepFailed("Escape in the 👎 comment box closed the whole panel")
        if comment.is_displayed():
            raise StepFailed("Escape in the 👎 comment box left the box open")
        if self.focused()[1] != down:
            raise StepFailed(f"after Escape in the comment box the focus is on {self.focused()[0]}, not 👎")
        active = [b for b in css(root, "[data-testid=madoguchi-feedback-up], [data-testid=madoguchi-feedback-down]")
                  if b.is_displayed() and b.is_enabled()]
        if len(active) != 2:
            raise StepFailed(f"{len(active)} active 👍/👎 buttons in the log; only the latest answer's two should be")
        up.click()
        last = lambda: css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        wait_for(d, "「ありがとうございました」 after 👍",
                 lambda: any("ありがとうございました" in e.text for e in visible(css(last(), "[data-testid=madoguchi-feedback-done]"))))
        if up.is_enabled() or up.get_attribute("aria-pressed") != "true":
            raise StepFailed("after 👍 the button is still enabled or not shown as pressed")
        said, _ = self.focused()
        if "madoguchi-feedback-done" not in said:
            raise StepFailed(f"after 👍 the focus is on {said}, not the thanks that replaced the buttons")
        errors = [e.text for e in visible(css(root, "[data-testid=madoguchi-feedback-error]"))]
        if errors:
            raise StepFailed(f"the feedback shows an error: {errors[0]}")

    def widget_handoff_error(self):
        """The handoff form at phone width: labelled fields, the consent text, and the server's
        422 about the contact shown next to that field."""
        d = self.d
        self.phone()
        root = shadow(d)
        last = css(root, "[data-testid=madoguchi-message][data-role=assistant]")[-1]
        visible(css(last, "[data-testid=madoguchi-handoff]"))[0].click()
        form = wait_for(d, "the handoff form [data-testid=madoguchi-handoff-form]",
                        lambda: visible(css(root, "[data-testid=madoguchi-handoff-form]")))[0]
        active = d.execute_script("return document.querySelector('#madoguchi-widget').shadowRoot.activeElement;")
        if active is None or active.get_attribute("data-testid") != "madoguchi-field-name":
            raise StepFailed("opening the form did not put the focus on お名前")
        for control in css(form, "input, textarea"):
            cid = control.get_attribute("id")
            if not cid or not css(form, f"label[for='{cid}']"):
                raise StepFailed(f"the form control {control.get_attribute('name')!r} has no bound <label>")
        message = css(form, "[data-testid=madoguchi-field-message]")[0]
        if HANDOFF_QUESTION not in (message.get_attribute("value") or ""):
            raise StepFailed("ご相談内容 is not pre-filled with the last question")
        consent_text = css(form, "[data-testid=madoguchi-consent-text]")[0].text
        for need in ("ご質問", "表示された支援制度", "保存期間（90日）"):
            if need not in consent_text:
                raise StepFailed(f"the consent text does not say 「{need}」: {consent_text!r}")
        overflow = d.execute_script("var s = arguments[0]; return s.scrollWidth - s.clientWidth;",
                                    css(root, "[data-testid=madoguchi-handoff-sheet]")[0])
        if overflow > 1:
            raise StepFailed(f"at phone width the form is {overflow}px wider than the panel")
        css(form, "[data-testid=madoguchi-field-name]")[0].send_keys(HOSTILE_NAME)
        css(form, "[data-testid=madoguchi-field-contact]")[0].send_keys("096-333")
        css(form, "[data-testid=madoguchi-field-consent]")[0].click()
        css(form, "[data-testid=madoguchi-handoff-send]")[0].click()
        error = wait_for(d, "the server's error next to 電話番号またはメールアドレス",
                         lambda: [e for e in visible(css(form, "[data-testid=madoguchi-field-error][data-field=contact]")) if e.text])[0]
        if "電話番号" not in error.text:
            raise StepFailed(f"the contact error does not read as the server's message: {error.text!r}")
        contact = css(form, "[data-testid=madoguchi-field-contact]")[0]
        if contact.get_attribute("aria-invalid") != "true" or error.get_attribute("id") not in (contact.get_attribute("aria-describedby") or ""):
            raise StepFailed("the contact field is not marked aria-invalid and described by its error")
        if visible(css(root, "[data-testid=madoguchi-handoff-done]")):
            raise StepFailed("an invalid contact was accepted")
        self.shot("widget-form.png")
        # The 422 the browser logs for this deliberate bad contact is expected.
        self.logs(expected=re.compile(r"/api/v1/consultations.*422"))

    def widget_handoff(self):
        d = self.d
        root = shadow(d)
        form = css(root, "[data-testid=madoguchi-handoff-form]")[0]
        contact = css(form, "[data-testid=madoguchi-field-contact]")[0]
        contact.clear()
        contact.send_keys("096-333-2323")
        if css(form, "[data-testid=madoguchi-field-error][data-field=contact]")[0].text:
            raise StepFailed("the contact error stays after the field was changed")
        css(form, "[data-testid=madoguchi-field-preferred_time]")[0].send_keys("平日の午前中")
        css(form, "[data-testid=madoguchi-handoff-send]")[0].click()
        number = wait_for(d, "「ご相談を受け付けました」 with a 受付番号",
                          lambda: [t for t in visible(css(root, "[data-testid=madoguchi-handoff-done] [data-testid=madoguchi-ticket]"))
                                   if re.fullmatch(r"[0-9A-F]{8}", t.text)])[0]
        self.ticket = number.text
        dangling = d.execute_script("""
            var root = arguments[0], sheet = root.querySelector('[data-testid=madoguchi-handoff-sheet]');
            return (sheet.getAttribute('aria-labelledby') || '').split(' ').filter(function (id) {
              return id && !root.getElementById(id); });""", root)
        if dangling:
            raise StepFailed(f"after the handoff the sheet's aria-labelledby points at nothing: {dangling}")
        visible(css(root, "[data-testid=madoguchi-handoff-back]"))[0].click()
        wait_for(d, "the conversation after 「会話に戻る」", lambda: visible(css(root, "[data-testid=madoguchi-log]")))
        self.desktop()

    def widget_language(self, lang, question, shot):
        """A conversation in another language: chosen in the widget's switch (a native select
        with an accessible name), a question typed, the answer marked with its `lang` and in
        that language outside 「…」, the widget's own labels changed, a screenshot."""
        d = self.d
        self.desktop()
        d.get(self.base + "/demo")
        d.execute_script("localStorage.clear();")
        d.get(self.base + "/demo")
        root = shadow(d)
        wait_for(d, "the launcher", lambda: visible(css(root, "[data-testid=madoguchi-open]")))[0].click()
        wait_for(d, "the panel to open", lambda: visible(css(root, "[role=dialog]")))
        switch = wait_for(d, "the language switch [data-testid=madoguchi-lang]", lambda: visible(css(root, "[data-testid=madoguchi-lang]")))[0]
        if switch.tag_name != "select" or not switch.get_attribute("aria-label"):
            raise StepFailed("the language switch is not a labelled <select>")
        before = css(root, "[data-testid=madoguchi-send]")[0].text
        Select(switch).select_by_value(lang)
        wait_for(d, f"the widget's root to say lang={lang}",
                 lambda: css(root, "[data-testid=madoguchi-root]")[0].get_attribute("lang") == lang)
        after = css(root, "[data-testid=madoguchi-send]")[0].text
        if after == before:
            raise StepFailed(f"the send button still says {before!r} after choosing {lang}")
        welcome = css(root, "[data-testid=madoguchi-welcome]")[0]
        if welcome.get_attribute("lang") != lang or not reply_in(lang, welcome.text):
            raise StepFailed(f"the welcome is not in {lang}: {welcome.text!r}")
        box = css(root, "[data-testid=madoguchi-input]")[0]
        box.send_keys(question)
        box.send_keys(Keys.ENTER)
        answer = wait_for(d, f"the answer to 「{question}」",
                          lambda: css(root, "[data-testid=madoguchi-message][data-role=assistant]"))[-1]
        if answer.get_attribute("lang") != lang:
            raise StepFailed(f"the answer's lang is {answer.get_attribute('lang')!r}, not {lang}")
        texts = css(answer, "[data-testid=madoguchi-reply], [data-testid=madoguchi-nomatch]")
        text = "\n".join(t.get_attribute("textContent") for t in texts)
        if not text or not reply_in(lang, text):
            raise StepFailed(f"the answer is not in {lang} outside 「…」:\n{text}")
        user = css(root, "[data-testid=madoguchi-message][data-role=user]")[-1]
        if user.get_attribute("lang") != lang:
            raise StepFailed(f"the question's lang is {user.get_attribute('lang')!r}, not {lang}")
        quotes = css(answer, "q")
        if any(q.get_attribute("lang") != "ja" for q in quotes):
            raise StepFailed("a quote in the answer is not marked lang=ja")
        labels = [css(root, "[data-testid=madoguchi-answer-head]")[-1].text, css(root, "[data-testid=madoguchi-title]")[0].text]
        if not all(reply_in(lang, label) for label in labels):
            raise StepFailed(f"the widget's labels are not in {lang}: {labels}")
        self.shot(shot)
        self.languages.append((lang, len(css(answer, "[data-testid=madoguchi-card]")), text.splitlines()[0]))

    # ---------- the console ----------
    def desk_wrong_token(self):
        d = self.d
        d.get(self.base + "/desk")
        d.execute_script("sessionStorage.clear();")
        d.refresh()
        field = wait_for(d, "the token field [data-testid=desk-token]", lambda: visible(css(d, "[data-testid=desk-token]")))[0]
        field.send_keys("wrong-token-for-the-test")
        css(d, "[data-testid=desk-login]")[0].click()
        wait_for(d, "「トークンが正しくありません」 after a wrong token",
                 lambda: any("トークンが正しくありません" in e.text for e in visible(css(d, "[data-testid=desk-login-error]"))))
        token = css(d, "[data-testid=desk-token]")[0]
        if token.get_attribute("aria-invalid") != "true":
            raise StepFailed("after a wrong token the token field is not aria-invalid=true")
        # The 401 the browser logs for this deliberate wrong token is expected.
        self.logs(expected=re.compile(r"/api/v1/desk/unanswered.*401"))

    def desk_login(self):
        d = self.d
        field = visible(css(d, "[data-testid=desk-token]"))[0]
        field.clear()
        field.send_keys(self.token)
        css(d, "[data-testid=desk-login]")[0].click()

        def logged_in():
            errors = [e.text for e in visible(css(d, "[data-testid=desk-login-error]")) if e.text]
            if errors and "トークンが正しくありません" in errors[0] and not visible(css(d, "#nav")):
                raise StepFailed(f"DESK_TOKEN was refused: {errors[0]} (is the server started with --desk-token DESK_TOKEN?)")
            return visible(css(d, "#nav"))
        wait_for(d, "the console after logging in with DESK_TOKEN", logged_in)
        if visible(css(d, "[data-testid=desk-token]")):
            raise StepFailed("the token field is still shown after logging in")
        self.desk_focus_on_heading("logging in")

    def desk_focus_on_heading(self, after):
        """The focus is on the shown view's heading, with a visible outline."""
        d = self.d

        def on_heading():
            said, element = self.focused()
            return element if element is not None and element.tag_name == "h2" and element.is_displayed() else None
        try:
            head = wait_for(d, "", on_heading, timeout=3)
        except StepFailed:
            raise StepFailed(f"after {after} the focus is on {self.focused()[0]}, not the view's heading") from None
        style, width = d.execute_script("var s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];", head)
        if style == "none" or width in ("0px", ""):
            raise StepFailed(f"after {after} the focused heading 「{head.text}」 shows no outline ({style} {width})")

    def desk_unanswered(self):
        d = self.d
        css(d, "#nav a[data-view=unanswered]")[0].click()
        wait_for(d, "the unanswered-questions log [data-testid=desk-unanswered]",
                 lambda: visible(css(d, "[data-testid=desk-unanswered]")))
        self.desk_focus_on_heading("choosing 未回答の質問")

    def desk_program(self):
        d = self.d
        css(d, "#nav a[data-view=programs]")[0].click()
        wait_for(d, "the program list view", lambda: "#programs" in d.current_url and visible(css(d, "#view-programs")))
        picked = {}

        def open_first():
            links = visible(css(d, "#program-groups .theme a[href^='#program/']"))
            if not links:
                return None
            link = links[0]
            picked["name"] = link.text
            link.click()
            return True
        wait_for(d, "the program list grouped by theme", open_first)
        name = picked["name"]
        wait_for(d, f"the program page of 「{name}」 with citations",
                 lambda: any(CITE.search(c.text) for c in visible(css(d, "#view-program [data-testid=desk-cite]"))))
        d.back()

    def desk_compare(self):
        d = self.d
        wait_for(d, "the comparison checkboxes [data-testid=desk-compare-check]",
                 lambda: len(visible(css(d, "[data-testid=desk-compare-check]"))) >= 2)

        def check_two():
            # One click per poll, so a list redrawn meanwhile is simply looked at again.
            boxes = visible(css(d, "[data-testid=desk-compare-check]"))
            checked = {b.get_attribute("value") for b in boxes if b.is_selected()}
            if len(checked) >= 2:
                return checked
            for box in boxes:
                if box.is_enabled() and not box.is_selected() and box.get_attribute("value") not in checked:
                    box.click()
                    break
            return None
        wait_for(d, "two programs checked for comparison", check_two)
        button = css(d, "[data-testid=desk-compare]")[0]
        wait_for(d, "the compare button to be enabled", button.is_enabled)
        button.click()
        table = wait_for(d, "the comparison table [data-testid=desk-compare-table]",
                         lambda: visible(css(d, "[data-testid=desk-compare-table]")))[0]
        columns = len(css(table, "thead th")) - 1
        if columns < 2:
            raise StepFailed(f"the comparison table has {columns} program column(s), expected 2 or more")
        rows = css(table, "tbody tr")
        titles = [r.find_element(By.CSS_SELECTOR, "th").text.split("\n")[0] for r in rows]
        for need in ("補助率", "上限", "対象", "期間", "窓口"):
            if need not in titles:
                raise StepFailed(f"the comparison table has no row 「{need}」 (rows: {titles})")
        if not any("p." in r.text and CITE.search(r.text) for r in rows):
            raise StepFailed("no row of the comparison table carries a 「p.N l.M」 citation")
        self.shot("desk-compare.png")

    def desk_inbox(self):
        """The request is in the inbox, its name as literal text; status and note are saved."""
        d = self.d
        css(d, "#nav a[data-view=inbox]")[0].click()

        def request():
            for card in visible(css(d, "[data-testid=desk-inbox] [data-testid=desk-request]")):
                if self.ticket in card.text:
                    return card
            return None
        card = wait_for(d, f"the request 受付番号 {self.ticket} in the inbox", request)
        try:
            alert = d.switch_to.alert
            text = alert.text
            alert.accept()
            raise StepFailed(f"an alert ({text!r}) opened: the name ran as a script")
        except NoAlertPresentException:
            pass
        name = css(card, "[data-testid=desk-request-name]")[0]
        if name.text != HOSTILE_NAME:
            raise StepFailed(f"the name is not shown as literal text: {name.text!r}")
        if css(card, "script") or d.execute_script("return document.querySelectorAll('script').length;") != 1:
            raise StepFailed("a <script> element was created from the name")
        if HANDOFF_QUESTION not in card.text or "096-333-2323" not in card.text:
            raise StepFailed("the request does not show the conversation's question and the phone number")
        Select(css(card, "[data-testid=desk-request-status]")[0]).select_by_visible_text("対応中")
        wait_for(d, "the state badge 「対応中」 after changing the status",
                 lambda: css(request(), "[data-testid=desk-request-state]")[0].text == "対応中")
        note = css(request(), "[data-testid=desk-request-note]")[0]
        wait_for(d, "the note field to be enabled again", note.is_enabled)
        note.send_keys(STAFF_NOTE)
        css(request(), "[data-testid=desk-request-save]")[0].click()
        wait_for(d, "「メモを保存しました」", lambda: "メモを保存しました" in css(d, "#status")[0].text)
        # From the server again: the change was stored, not only drawn.
        css(d, "#inbox-refresh")[0].click()
        time.sleep(0.3)

        def stored():
            c = request()
            if not c or css(c, "[data-testid=desk-request-state]")[0].text != "対応中":
                return None
            return c if css(c, "[data-testid=desk-request-note]")[0].get_attribute("value") == STAFF_NOTE else None
        card = wait_for(d, "the status 対応中 and the note after reloading the inbox", stored)
        d.execute_script("arguments[0].scrollIntoView({block: 'start'});", card)
        self.shot("desk-inbox.png")

    def desk_conversations(self):
        d = self.d
        css(d, "#nav a[data-view=conversations]")[0].click()

        def turn():
            for row in visible(css(d, "[data-testid=desk-conversation] [data-testid=desk-turn]")):
                if HANDOFF_QUESTION in row.text:
                    return row
            return None
        row = wait_for(d, f"the turn 「{HANDOFF_QUESTION}」 in the conversations view", turn)
        cell = css(row, "[data-testid=desk-turn-feedback]")[0]
        if cell.get_attribute("data-helpful") != "true" or "👍" not in cell.text:
            raise StepFailed(f"the turn does not show the 👍 given in the widget: {cell.text!r}")
        for link in css(row, "a[href^='#program/']"):
            if re.fullmatch(r"[a-z0-9-]+", link.text):
                raise StepFailed(f"a program is shown by its id, not its name: {link.text!r}")

    def desk_export(self):
        """The CSV needs the token: fetched, then handed over as a Blob and downloaded."""
        d = self.d
        out = os.path.abspath(self.out)
        for old in glob.glob(os.path.join(out, "conversations-*.csv")):
            os.remove(old)
        d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": out})
        button = visible(css(d, "[data-testid=desk-export-conversations]"))[0]
        button.click()
        wait_for(d, "the export button to report its file (data-exported)", lambda: button.get_attribute("data-exported"))
        alerts = [e.text for e in visible(css(d, "#view-conversations .alert"))]
        if alerts:
            raise StepFailed(f"the export shows an error: {alerts[0]}")
        files = wait_for(d, f"conversations-*.csv in {out}",
                         lambda: [f for f in glob.glob(os.path.join(out, "conversations-*.csv")) if os.path.getsize(f) > 0])
        with open(files[0], "rb") as f:
            data = f.read()
        if not data.startswith(b"\xef\xbb\xbf") or HANDOFF_QUESTION.encode() not in data:
            raise StepFailed(f"{files[0]} has no BOM or does not hold the question")

    def console_clean(self):
        self.logs()
        if self.severe:
            raise StepFailed("the browser console has SEVERE entries:\n  " + "\n  ".join(self.severe))


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: .ci/browser-test.py BASE_URL DESK_TOKEN OUT_DIR")
    base, token, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="madoguchi-browser-")
    try:
        driver = make_driver(profile)
    except WebDriverException as e:
        shutil.rmtree(profile, ignore_errors=True)
        print(f"browser test: could not start chromium/chromedriver: {e.msg or e}")
        print("browser test: 0 passed, 1 failed")
        sys.exit(1)
    run = Run(driver, base, token, out)
    steps = [
        ("open the widget on /demo", run.widget_open),
        ("axe: the widget open, 1280×900 and 390×844", lambda: run.scan("widget-open")),
        ("the widget is isolated from the page's styles", run.widget_isolated),
        ("Enter during IME composition does not send", run.widget_ime),
        ("ask a question, a card with 「p.N l.M」 appears, a short announcement", run.widget_ask),
        ("axe: after an answer, 1280×900 and 390×844", lambda: run.scan("widget-answer")),
        ("the answer at 390×844: 窓口に相談する in view, screenshots", run.answer_phone),
        ("the phone panel is modal: Tab and Shift+Tab stay inside", run.widget_phone_modal),
        ("Enter on a follow-up option: the next reply has cards, the focus on it", run.widget_follow_up),
        ("reload: the conversation is restored", run.widget_restore),
        ("a card shows its 事業期間 badge (終了の可能性)", run.widget_period_badge),
        ("screenshots at desktop and phone width", run.widget_screenshots),
        ("Escape closes the panel, focus returns to the launcher", run.widget_escape),
        ("Escape in the 👎 box closes the box only; 👍 is sent and thanked for", run.widget_feedback),
        ("窓口に相談する: the server's 422 shown at the contact field (phone width)", run.widget_handoff_error),
        ("axe: the consultation form with an error, 1280×900 and 390×844", lambda: run.scan("widget-form-error")),
        ("窓口に相談する: a valid request gets a 受付番号", run.widget_handoff),
        ("widget page: no SEVERE console entries", run.console_clean),
        ("desk: a wrong token shows the error, the field aria-invalid", run.desk_wrong_token),
        ("axe: the desk's login (with the error), 1280×900 and 390×844", lambda: run.scan("desk-login")),
        ("desk: log in with DESK_TOKEN, the focus on the view's heading", run.desk_login),
        ("desk: the unanswered-questions log", run.desk_unanswered),
        ("desk: a program page with citations", run.desk_program),
        ("desk: compare two programs", run.desk_compare),
        ("desk: the request in the inbox (name as text), status 対応中 and a note", run.desk_inbox),
        ("axe: the desk's inbox, 1280×900 and 390×844", lambda: run.scan("desk-inbox")),
        ("desk: the conversation with its 👍", run.desk_conversations),
        ("axe: the desk's conversations, 1280×900 and 390×844", lambda: run.scan("desk-conversations")),
        ("desk: CSV export of the conversations", run.desk_export),
        ("desk: no SEVERE console entries", run.console_clean),
        ("English: chosen in the switch, a question typed, the answer and the labels in English",
         lambda: run.widget_language("en", EN_QUESTION, "widget-en.png")),
        ("axe: the widget in English, 1280×900 and 390×844", lambda: run.scan("widget-en")),
        ("繁體中文: chosen in the switch, a question typed, the answer and the labels in Chinese",
         lambda: run.widget_language("zh-Hant", ZH_QUESTION, "widget-zh.png")),
        ("axe: the widget in Chinese, 1280×900 and 390×844", lambda: run.scan("widget-zh")),
        ("widget in English and Chinese: no SEVERE console entries", run.console_clean),
    ]
    failed = None
    try:
        for name, step in steps:
            started = time.monotonic()
            try:
                step()
            except StepFailed as e:
                failed = (name, str(e))
            except WebDriverException as e:
                failed = (name, f"{type(e).__name__}: {e.msg or e}")
            if failed:
                try:
                    run.shot("failure.png")
                except Exception:  # noqa: BLE001 - the report matters more than the picture
                    pass
                break
            run.passed += 1
            print(f"ok   {name} ({time.monotonic() - started:.1f} s)")
    finally:
        try:
            driver.quit()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
    if failed:
        print(f"FAIL {failed[0]}: {failed[1]}")
        print(f"     (screenshot of the moment: {os.path.join(out, 'failure.png')})")
        print(f"browser test: {run.passed} passed, 1 failed")
        sys.exit(1)
    print(f"axe-core: {run.scans} scans, 0 violations")
    if run.announced:
        print(f"announced after 「{run.announced[0]}」: {run.announced[1]}")
    for lang, cards, first in run.languages:
        print(f"{lang}: {cards} card(s); the answer begins {first!r}")
    print(f"browser test: {run.passed} passed, 0 failed")


if __name__ == "__main__":
    main()
