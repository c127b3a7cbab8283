"""Which beacon requests are not a person reading: crawlers, headless browsers, scripts."""

import re

from django.http import HttpRequest

# Substrings of user agents that are never a reader. Matched case-insensitively.
BOT_USER_AGENT_PATTERNS = [
    # crawlers, link previews and monitors
    r"(?<!cu)bot\b", r"crawl", r"spider", r"slurp", r"archiver", r"facebookexternalhit",
    r"embedly", r"quora link preview", r"whatsapp", r"skypeuripreview", r"bingpreview",
    r"google-inspectiontool", r"googleother", r"mediapartners-google", r"adsbot",
    r"feedfetcher", r"feedly", r"pingdom", r"uptimerobot", r"statuscake", r"monitor",
    r"lighthouse", r"pagespeed", r"ptst/", r"gtmetrix",
    # headless and automated browsers
    r"headless", r"phantomjs", r"puppeteer", r"selenium", r"webdriver", r"electron/",
    # HTTP libraries and command-line clients
    r"^curl/", r"wget", r"python-requests", r"python-urllib", r"python-httpx", r"aiohttp",
    r"httpie", r"go-http-client", r"^java/", r"okhttp", r"libwww-perl", r"scrapy",
    r"node-fetch", r"axios/", r"undici", r"^ruby", r"^php", r"postmanruntime", r"insomnia",
]  # fmt: skip
BOT_USER_AGENT_RE = re.compile("|".join(BOT_USER_AGENT_PATTERNS), re.IGNORECASE)


def is_bot_user_agent(user_agent: str) -> bool:
    """An empty user agent counts as a bot: every browser sends one."""
    return not user_agent.strip() or bool(BOT_USER_AGENT_RE.search(user_agent))


def is_speculative(request: HttpRequest) -> bool:
    """Requests made by a prefetched or prerendered page, which nobody may ever see."""
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


def is_bot(request: HttpRequest) -> bool:
    return is_bot_user_agent(request.headers.get("User-Agent", "")) or is_speculative(request)
