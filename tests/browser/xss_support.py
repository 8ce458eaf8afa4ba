"""The XSS trap for the browser half of S13 (tests/browser/test_xss_browser.py).

Every payload in tests/security/xss_payloads.txt does `window.__xss=1` (or calls alert and
friends) when it runs. The trap, installed before any page script, makes each of those
leave a record: `window.__xss` is an accessor whose getter returns the list of records and
whose setter appends one, and alert/confirm/prompt/print append one instead of opening a
dialog. A dialog that opens anyway (another frame, a native path) is recorded and dismissed.

The contexts bypass the server's Content-Security-Policy (script-src 'self' forbids inline
scripts and handlers): CSP is the second layer, and with it on, an escaping bug would be
hidden from the trap. What the CSP would have refused is still recorded from the console,
as information only.

A second, structural check does not depend on anything running: no element may carry an
event-handler attribute or a javascript: URL, and there is no inline script other than
JSON data. Markup from a payload that was not escaped would show up there even if it never
fired (an onerror on an image that is never loaded, a link never clicked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page

PAYLOADS: list[str] = [
    line
    for line in (Path(__file__).parents[1] / "security" / "xss_payloads.txt")
    .read_text()
    .splitlines()
    if line
]

TRAP_SCRIPT = """
(() => {
  const records = [];
  Object.defineProperty(window, "__xss", {
    configurable: false,
    get: () => records,
    set: (value) => { records.push("window.__xss = " + String(value)); },
  });
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = function (...args) {
      records.push(name + "(" + args.map(String).join(", ") + ")");
    };
  }
})();
"""

# Run in the page: every element with an event-handler attribute or a javascript: URL, and
# every inline script that is not JSON data (the app has none: its CSP forbids them).
STRUCTURE_PROBE = """
() => {
  const found = [];
  const URL_ATTRIBUTES = new Set(
    ["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"]);
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
        if (name.startsWith("on")) found.push(el.tagName + "[" + name + "]");
        else if (URL_ATTRIBUTES.has(name) && value.startsWith("javascript:")) {
          found.push(el.tagName + "[" + name + "=javascript:]");
        }
      }
      if (el.tagName === "SCRIPT" && !el.src && !/json/.test(el.type || "")) {
        found.push("inline SCRIPT: " + el.textContent.slice(0, 60));
      }
      if (el.tagName === "TEMPLATE") walk(el.content);
    }
  };
  walk(document);
  return found;
}
"""


@dataclass
class Trap:
    """What fired in the pages of one browser context."""

    dialogs: list[str] = field(default_factory=list)
    csp_reports: list[str] = field(default_factory=list)

    def install(self, context: BrowserContext, *, init_script: bool = True) -> BrowserContext:
        """init_script=False only listens (the control test's check of the dialog listener)."""
        if init_script:
            context.add_init_script(TRAP_SCRIPT)
        context.on("dialog", self._on_dialog)
        context.on("console", self._on_console)
        return context

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_reports.append(message.text)


def fired(page: Page) -> list[str]:
    """The trap's records in the page's main frame and every child frame."""
    records: list[str] = []
    for frame in page.frames:
        try:
            records += frame.evaluate(
                "() => Array.isArray(window.__xss) "
                "? window.__xss.slice() : ['window.__xss replaced']"
            )
        except Exception:  # a detached or cross-origin frame: the structure probe covers it
            continue
    return records


def live_markup(page: Page) -> list[str]:
    return page.evaluate(STRUCTURE_PROBE)


def _squashed(text: str) -> str:
    return " ".join(text.split())


def visible_payloads(page: Page, candidates: list[str], selector: str = "body") -> list[str]:
    """The candidates shown as text (innerText: rendered, not hidden) inside `selector`."""
    text = _squashed(" ".join(page.locator(selector).all_inner_texts()))
    return [candidate for candidate in candidates if _squashed(candidate) in text]


def assert_inert(page: Page, trap: Trap, surface: str) -> None:
    """Nothing ran, nothing opened a dialog and no payload became markup on this page."""
    page.wait_for_timeout(150)  # onerror of a broken image fires after the load event
    assert fired(page) == [], (surface, fired(page)[:5])
    assert trap.dialogs == [], (surface, trap.dialogs[:5])
    assert live_markup(page) == [], (surface, live_markup(page)[:5])
