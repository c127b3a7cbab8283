"""Parse-level checks of what the site emits: HTML, feeds, sitemaps and API JSON.

A finding names the document and the markup that would run a payload (or fetch from the
marker host): an executable <script> holding a payload, an on* attribute, a
javascript:/vbscript:/data: URL, a style carrying a payload, JSON-LD that no longer parses.
Payload text shown as text (escaped) is fine and is not a finding."""

import json
import re
from html.parser import HTMLParser

from lxml import etree

from .xss_payloads import MARKER_HOST

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "ping", "srcdoc", "codebase", "cite", "longdesc", "dynsrc", "lowsrc",
}  # fmt: skip
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
# What the URL parser throws away before it reads a scheme: C0 controls and spaces at the
# start, tabs and newlines anywhere.
_STRIPPED = re.compile(r"[\x00-\x20]")


def dangerous_url(value: str) -> bool:
    cleaned = _STRIPPED.sub("", value).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES) or MARKER_HOST in cleaned


class _Scanner(HTMLParser):
    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.findings: list[str] = []
        self._script: dict | None = None
        self._style = False
        self._text: list[str] = []

    def _found(self, what: str) -> None:
        self.findings.append(f"{self.where}: {what[:200]}")

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        for name, value in a.items():
            if name.startswith("on") and "xss" in value.lower():
                self._found(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and dangerous_url(value):
                self._found(f"<{tag} {name}={value!r}>")
            elif name == "style" and ("xss" in value.lower() or "expression" in value.lower()):
                self._found(f"<{tag} style={value!r}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self._found(f"<meta http-equiv=refresh content={a.get('content')!r}>")
        if tag == "base":
            self._found(f"<base {a}>")
        if tag == "script":
            self._script, self._text = a, []
            if dangerous_url(a.get("src", "")):
                self._found(f"<script src={a['src']!r}>")
        elif tag == "style":
            self._style, self._text = True, []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None or self._style:
            self._text.append(data)

    def handle_endtag(self, tag):
        text = "".join(self._text)
        if tag == "script" and self._script is not None:
            kind = self._script.get("type", "").lower().strip()
            if kind == "application/ld+json":
                try:
                    json.loads(text)
                except ValueError as error:
                    self._found(f"JSON-LD no longer parses ({error}): {text[:120]!r}")
            elif kind in EXECUTABLE_SCRIPT_TYPES and "xss" in text.lower():
                self._found(f"<script>{text!r}")
            self._script = None
        elif tag == "style" and self._style:
            if "xss" in text.lower() or "expression" in text.lower():
                self._found(f"<style>{text!r}")
            self._style = False


def scan_html(html: str, where: str) -> list[str]:
    scanner = _Scanner(where)
    scanner.feed(html)
    scanner.close()
    return scanner.findings


RAW_MARKUP = re.compile(r"<\s*(script|img|svg|iframe|object|embed|style|math)\b", re.I)
HTML_ELEMENTS = {"description", "encoded", "content", "summary"}
PLAIN_TEXT_NAMESPACES = ("{http://www.itunes.com/dtds/podcast-1.0.dtd}",)  # itunes:summary


def scan_feed(xml: bytes, where: str) -> list[str]:
    """A feed must parse; its markup must carry payloads only as text, and the HTML it
    carries for feed readers (descriptions, content) must itself be clean."""
    findings = []
    text = xml.decode()
    for match in RAW_MARKUP.finditer(text):
        findings.append(f"{where}: raw markup in the XML: {text[match.start() :][:80]!r}")
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [*findings, f"{where}: does not parse as XML: {error}"]
    for element in root.iter(etree.Element):
        local = element.tag.rsplit("}", 1)[-1]
        plain = element.tag.startswith(PLAIN_TEXT_NAMESPACES)
        if local in HTML_ELEMENTS and element.text and not plain:
            findings += scan_html(element.text, f"{where} <{local}>")
        if local == "link" and dangerous_url(element.get("href", "") or element.text or ""):
            findings.append(f"{where}: <link> {element.get('href') or element.text!r}")
        if local in ("enclosure", "content") and dangerous_url(element.get("url", "")):
            findings.append(f"{where}: <{local} url={element.get('url')!r}>")
    return findings


def scan_xml(xml: bytes, where: str) -> list[str]:
    text = xml.decode()
    findings = [
        f"{where}: raw markup in the XML: {text[m.start() :][:80]!r}"
        for m in RAW_MARKUP.finditer(text)
    ]
    try:
        etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        findings.append(f"{where}: does not parse as XML: {error}")
    return findings


HTML_JSON_KEYS = {"body_html"}
URL_JSON_KEYS = {"html_url", "url", "href", "detail_url", "rss", "atom", "feed"}


def scan_api(data, where: str) -> list[str]:
    """HTML fields must be clean HTML; URL fields must not be script URLs. Plain-text
    fields carry payloads as text (JSON consumers escape them), which is fine."""
    findings = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in HTML_JSON_KEYS and isinstance(value, str):
                findings += scan_html(value, f"{where} {key}")
            elif key in URL_JSON_KEYS and isinstance(value, str) and dangerous_url(value):
                findings.append(f"{where} {key}: {value!r}")
            else:
                findings += scan_api(value, where)
    elif isinstance(data, list):
        for item in data:
            findings += scan_api(item, where)
    return findings


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v or "" for k, v in attrs if k.lower() in URL_ATTRIBUTES]


def urls_in(html: str) -> list[str]:
    """Every URL-valued attribute of a document, entities decoded as a browser does."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.urls
