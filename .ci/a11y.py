"""Accessibility helpers for .ci/browser-test.py: axe-core on the page in the browser, and where
the keyboard focus is.

axe-core is pinned in .ci/package.json (+ package-lock.json) and installed by
`npm ci --prefix .ci`; $AXE_JS overrides the path of axe.min.js. It is put into the page with
WebDriver (which a page's Content-Security-Policy does not stop) and scans the document and the
widget's open Shadow DOM alike.
"""

import os

# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices: what the issue asks for.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

_RUN = """
var tags = arguments[0], done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(function (r) {
  done({version: axe.version, violations: r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 6).map(function (n) {
      return {target: JSON.stringify(n.target), summary: n.failureSummary || ''};
    }), count: v.nodes.length};
  })});
}, function (e) { done({error: String(e && e.stack || e)}); });
"""

# The element that has the focus, looked for through open shadow roots: a short description
# ('body' when the focus fell back to the page), and the element itself.
_ACTIVE = """
var a = document.activeElement, path = [];
while (a && a.shadowRoot && a.shadowRoot.activeElement) { path.push(a); a = a.shadowRoot.activeElement; }
function say(e) {
  if (!e) return 'nothing';
  var s = e.tagName.toLowerCase();
  if (e.id) s += '#' + e.id;
  var t = e.getAttribute('data-testid');
  if (t) s += '[data-testid=' + t + ']';
  var text = (e.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 30);
  return text && e.tagName !== 'BODY' && e.tagName !== 'MAIN' ? s + ' 「' + text + '」' : s;
}
return [say(a), a];
"""


def axe_source():
    path = os.environ.get("AXE_JS") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "node_modules", "axe-core", "axe.min.js")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} is missing: run `npm ci --prefix .ci` (axe-core is pinned in .ci/package.json)")
    with open(path, encoding="utf-8") as f:
        return f.read()


def axe_run(driver, source):
    """Runs axe-core on the current page; returns (version, violations)."""
    if not driver.execute_script("return typeof window.axe === 'object';"):
        driver.execute_script(source)
    result = driver.execute_async_script(_RUN, AXE_TAGS)
    if not result or result.get("error"):
        raise RuntimeError(f"axe-core did not run: {result and result.get('error')}")
    return result["version"], result["violations"]


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['count']} element(s))")
        for n in v["nodes"]:
            summary = " ".join(n["summary"].split())
            lines.append(f"      {n['target']}: {summary[:300]}")
    return "\n".join(lines)


def active(driver):
    """(description, element) of the focused element, inside the widget's shadow root too."""
    said, element = driver.execute_script(_ACTIVE)
    return said, element
