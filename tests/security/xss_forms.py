"""Admin forms as a browser without JavaScript posts them: GET the form, read every field
(CSRF token, formset management fields, hidden inputs) from the HTML, change what the
attacker wants, POST. StreamField and Draftail values are built in the shape Wagtail 7.4's
`value_from_datadict` reads (see wagtail/blocks/stream_block.py, list_block.py,
struct_block.py and admin/rich_text/editors/draftail/__init__.py)."""

import json
from html.parser import HTMLParser

SKIPPED_INPUT_TYPES = {"submit", "button", "file", "image", "reset"}


class _FormFields(HTMLParser):
    """Fields of every POST form in a page: a list of (name, value) pairs per form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_text: list[str] | None = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = [] if a.get("method", "get").lower() == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.append((a["name"], a.get("value", default)))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options, self._multiple = a["name"], [], "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value"), "selected" in a))
            self._option_text = [] if a.get("value") is None else None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)
        if self._option_text is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # The HTML parser keeps the newline browsers drop after <textarea>.
            self._form.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._option_text is not None:
            value, selected = self._options[-1]
            self._options[-1] = ("".join(self._option_text).strip(), selected)
            self._option_text = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]
            self._form.extend((self._select, v) for v in chosen)
            self._select = None


def form_fields(html: str) -> dict[str, list[str]]:
    """The fields of the page's main POST form (the one with the most fields)."""
    parser = _FormFields()
    parser.feed(html)
    if not parser.forms:
        raise AssertionError("no POST form on the page")
    best = max(parser.forms, key=len)
    fields: dict[str, list[str]] = {}
    for name, value in best:
        fields.setdefault(name, []).append(value)
    return fields


def drop(fields: dict, prefix: str) -> None:
    for name in [n for n in fields if n == prefix or n.startswith(prefix + "-")]:
        del fields[name]


# --- Draftail contentstate -------------------------------------------------------------


def contentstate(paragraphs: list[list[tuple[str, str | dict | None]]]) -> str:
    """Draftail's JSON: each paragraph a list of (text, link) runs, the link None, a URL
    or the LINK entity's whole data (e.g. {"id": ...} for a page link)."""
    blocks, entities = [], {}
    for i, runs in enumerate(paragraphs):
        text, ranges = "", []
        for run, url in runs:
            if url is not None:
                key = len(entities)
                data = url if isinstance(url, dict) else {"url": url}
                entities[str(key)] = {"type": "LINK", "mutability": "MUTABLE", "data": data}
                ranges.append({"offset": len(text), "length": len(run), "key": key})
            text += run
        blocks.append({
            "key": f"b{i:04d}", "text": text, "type": "unstyled", "depth": 0,
            "inlineStyleRanges": [], "entityRanges": ranges, "data": {},
        })  # fmt: skip
    return json.dumps({"blocks": blocks, "entityMap": entities})


# --- StreamField -----------------------------------------------------------------------


def _put(data: dict, prefix: str, value) -> None:
    """A block value at `prefix`: dicts are StructBlocks, lists ListBlocks, else scalars."""
    if isinstance(value, dict):
        for name, child in value.items():
            _put(data, f"{prefix}-{name}", child)
    elif isinstance(value, list):
        data[f"{prefix}-count"] = str(len(value))
        for i, child in enumerate(value):
            data[f"{prefix}-{i}-deleted"] = ""
            data[f"{prefix}-{i}-order"] = str(i)
            data[f"{prefix}-{i}-id"] = ""
            _put(data, f"{prefix}-{i}-value", child)
    elif value is True:
        data[prefix] = "on"
    elif value is False or value is None:
        pass
    else:
        data[prefix] = str(value)


def stream_fields(name: str, blocks: list[tuple[str, object]]) -> dict[str, str]:
    """`blocks` as the StreamField widget posts them: `body-count`, `body-0-type`, ..."""
    data = {f"{name}-count": str(len(blocks))}
    for i, (block_type, value) in enumerate(blocks):
        data[f"{name}-{i}-deleted"] = ""
        data[f"{name}-{i}-order"] = str(i)
        data[f"{name}-{i}-type"] = block_type
        data[f"{name}-{i}-id"] = ""
        _put(data, f"{name}-{i}-value", value)
    return data


def formset(prefix: str, rows: list[dict], existing: dict) -> dict[str, str]:
    """An inline panel's rows, with management fields taken from the GET form."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": existing.get(f"{prefix}-MIN_NUM_FORMS", ["0"])[0],
        f"{prefix}-MAX_NUM_FORMS": existing.get(f"{prefix}-MAX_NUM_FORMS", ["1000"])[0],
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        data[f"{prefix}-{i}-id"] = ""
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = str(value)
    return data
