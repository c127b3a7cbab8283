"""Headless Chromium that notices a payload running: `window.__xss` (exposed to every
frame) records calls, dialogs are recorded, every request to another host is recorded and
refused, and after each load the live DOM (after the page's own scripts ran, the admin's
included) is scanned for injected handlers and script URLs that nothing fired."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .xss_payloads import BY_NUMBER, MARKER_HOST

# Runs in the page: what the parser and the page's scripts built, not the HTML source.
DOM_SCAN = """() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                    "srcdoc", "background", "ping"];
  const bad = (v) => /^(javascript:|vbscript:|data:text\\/html|data:image\\/svg)/i
      .test(v.replace(/[\\x00-\\x20]/g, "")) || v.includes("xss.invalid");
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), v = a.value;
      if (name.startsWith("on") && /xss/i.test(v)) found.push(`<${el.localName} ${name}=${v}>`);
      else if (urlAttrs.includes(name) && bad(v)) found.push(`<${el.localName} ${name}=${v}>`);
      else if (name === "style" && /xss/i.test(v)) found.push(`<${el.localName} style=${v}>`);
    }
    if (el.localName === "script" && /__xss|xss\\.invalid/.test(el.textContent || "")) {
      const type = (el.getAttribute("type") || "").toLowerCase();
      if (["", "text/javascript", "module", "application/javascript"].includes(type))
        found.push(`<script>${el.textContent.slice(0, 120)}`);
    }
    if (el.localName === "base" || (el.localName === "meta" &&
        (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh"))
      found.push(el.outerHTML.slice(0, 160));
  }
  return found;
}"""


@dataclass
class Watch:
    origin: str
    hits: list[tuple[str, str]] = field(default_factory=list)  # (url, payload number)
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    marker_requests: list[tuple[str, str]] = field(default_factory=list)
    other_hosts: list[tuple[str, str]] = field(default_factory=list)
    dom: list[tuple[str, str]] = field(default_factory=list)
    current: str = ""

    def report(self) -> str:
        lines = []
        for url, n in self.hits:
            payload = BY_NUMBER.get(int(n)) if str(n).isdigit() else None
            lines.append(f"RAN {n} on {url}: {payload.text if payload else ''}")
        lines += [f"DIALOG on {url}: {m}" for url, m in self.dialogs]
        lines += [f"MARKER REQUEST from {url}: {r}" for url, r in self.marker_requests]
        lines += [f"DOM on {url}: {d}" for url, d in self.dom]
        return "\n".join(lines)


def watch_context(browser, origin: str, *, cookies: list | None = None):
    """A browser context that records every sign of a payload running."""
    # bypass_csp: the markup itself must be safe, whatever Content-Security-Policy the
    # deployment adds on top.
    context = browser.new_context(bypass_csp=True)
    watch = Watch(origin)
    context.expose_function("__xss", lambda n=None: watch.hits.append((watch.current, str(n))))
    if cookies:
        context.add_cookies(cookies)

    def route(route) -> None:
        url = route.request.url
        host = urlsplit(url).netloc
        if url.startswith(origin) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
            return
        if MARKER_HOST in host:
            watch.marker_requests.append((watch.current, url))
        else:
            watch.other_hosts.append((watch.current, url))
        route.abort()

    context.route("**/*", route)
    return context, watch


def visit(context, watch: Watch, urls: list[str], settle_ms: int = 100) -> None:
    from playwright.sync_api import Error as PlaywrightError

    page = context.new_page()

    def on_dialog(dialog) -> None:
        watch.dialogs.append((watch.current, dialog.message))
        dialog.dismiss()

    page.on("dialog", on_dialog)
    for path in urls:
        watch.current = path
        page.goto(watch.origin + path, wait_until="load")
        # Handlers that fire a moment after load: autofocus, ontoggle, animations.
        page.wait_for_timeout(settle_ms)
        for frame in page.frames:
            try:
                watch.dom += [(path, d) for d in frame.evaluate(DOM_SCAN)]
            except PlaywrightError:  # a frame that navigated away meanwhile
                continue
    page.close()
