"""Shared browser helpers: axe-core, heading outline, accessible names, keyboard moves."""

import html
import re
from pathlib import Path

from playwright.sync_api import expect

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
INTERACTIVE_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "link",
    "listbox",
    "menuitem",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
}


def run_axe(page):
    """axe-core's violations on the page as it is now, serious and critical only."""
    if not AXE_JS.exists():
        raise AssertionError("axe-core is missing: run `make browser` (.ci/ensure-browser.sh).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'], "
        "runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
        "'wcag22aa', 'best-practice']}})"
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


HEADINGS_JS = """() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')]
  .filter(el => el.checkVisibility() && !el.closest('[aria-hidden=true]'))
  .map(el => ({
    level: Number(el.getAttribute('aria-level')) || Number(el.tagName.slice(1)),
    text: el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60),
  }))"""


def heading_problems(page):
    """Exactly one h1, first; no level skipped on the way down."""
    headings = page.evaluate(HEADINGS_JS)
    problems = []
    ones = [h for h in headings if h["level"] == 1]
    if len(ones) != 1:
        problems.append(f"{len(ones)} h1 elements: {[h['text'] for h in ones]}")
    if headings and headings[0]["level"] != 1:
        problems.append(f"first heading is h{headings[0]['level']}: {headings[0]['text']!r}")
    for before, after in zip(headings, headings[1:], strict=False):
        if after["level"] > before["level"] + 1:
            problems.append(
                f"h{before['level']} {before['text']!r} is followed by "
                f"h{after['level']} {after['text']!r}"
            )
    return problems


def unnamed_controls(page):
    """Interactive nodes in chromium's accessibility tree that have no accessible name."""
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    unnamed = []
    for node in nodes:
        role = (node.get("role") or {}).get("value")
        if node.get("ignored") or role not in INTERACTIVE_ROLES:
            continue
        name = ((node.get("name") or {}).get("value") or "").strip()
        if not name:
            unnamed.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return unnamed


def active_element_matches(page, selector, text=None):
    return page.evaluate(
        """([selector, text]) => {
            const el = document.activeElement;
            return !!el && el.matches(selector)
                && (text === null || el.textContent.trim().replace(/\\s+/g, ' ') === text);
        }""",
        [selector, text],
    )


def tab_to(page, selector, text=None, limit=80):
    """Press Tab, as a keyboard user does, until the focused element matches `selector` (and
    has exactly the visible text `text`, if given). No key is pressed if it already does."""
    if active_element_matches(page, selector, text):
        return
    for _ in range(limit):
        page.keyboard.press("Tab")
        if active_element_matches(page, selector, text):
            return
    focused = page.evaluate("document.activeElement && document.activeElement.outerHTML")
    raise AssertionError(f"{limit} presses of Tab never reached {selector}; at {focused}")


def plain(markup):
    """Text of a small HTML fragment, whitespace collapsed, for comparing labels with the DB."""
    text = html.unescape(re.sub(r"<[^>]+>", "", markup or ""))
    return re.sub(r"\s+", " ", text).strip()


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/progress/$"))
    expect(page.get_by_role("button", name=re.compile("^Log out"))).to_be_visible()


TEMPLATE_LEAKS = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def template_leaks(page):
    """Template syntax showing on the page (a multi-line {# #} comment, say)."""
    return TEMPLATE_LEAKS.findall(page.locator("body").inner_text())
