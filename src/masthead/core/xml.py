"""XML that cannot be broken by the text it carries.

XML 1.0 forbids most C0 control characters (U+0000-U+0008, U+000B, U+000C,
U+000E-U+001F), lone surrogates and U+FFFE/U+FFFF. Django's feed writer raises on them,
so one stray character in a standfirst turned every feed into a 500; a template would
write them and make the document unparseable. The admin refuses them
(news/validators.py), but rows written some other way (an old import, a script) may
still hold them: everything written as XML passes through here and loses them.
"""

import re
from typing import Any

from django.utils.xmlutils import SimplerXMLGenerator

NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot carry."""
    return NOT_XML_CHARACTERS.sub("", value)


def xml_clean(value: Any) -> Any:
    """Strings, and strings inside lists, tuples and dicts, made XML-safe; any other
    value (dates, numbers, objects) is returned as it is."""
    if isinstance(value, str):
        return xml_text(value) if NOT_XML_CHARACTERS.search(value) else value
    if isinstance(value, list):
        return [xml_clean(v) for v in value]
    if type(value) is tuple:
        return tuple(xml_clean(v) for v in value)
    if isinstance(value, dict):
        return {k: xml_clean(v) for k, v in value.items()}
    return value


class XmlSafeFeed:
    """Mixin for a django.utils.feedgenerator class: the feed's and each item's text is
    cleaned as it is added, before the writer (which would raise) sees it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*xml_clean(args), **xml_clean(kwargs))

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*xml_clean(args), **xml_clean(kwargs))


class XmlSafeGenerator(SimplerXMLGenerator):
    """A SimplerXMLGenerator that drops forbidden characters instead of raising."""

    def characters(self, content) -> None:
        super().characters(xml_text(content) if content else content)

    def startElement(self, name, attrs) -> None:
        super().startElement(name, xml_clean(dict(attrs)) if attrs else attrs)
