"""Text editors type: no invisible control characters.

A C0 control character (U+0000-U+001F other than tab, line feed and carriage return,
and DEL) is invisible in the admin, means nothing to a reader, and cannot be written in
XML: one in a standfirst used to break every feed and the news sitemap. They usually
arrive by pasting from a PDF or a word processor. The admin refuses them, naming the
character and where it is, so the editor can find it.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def control_character_message(value: str) -> str | None:
    """Why `value` is refused, or None when it has no control character."""
    match = CONTROL_CHARACTERS.search(value)
    if match is None:
        return None
    code = f"U+{ord(match.group()):04X}"
    before = value[max(0, match.start() - 20) : match.start()].strip()
    where = f" after “{before}”" if before else " at the start"
    return (
        f"This text contains an invisible control character ({code}){where}. "
        "It was probably pasted in; delete it and type the text again."
    )


def validate_no_control_characters(value: Any) -> None:
    if isinstance(value, str) and (message := control_character_message(value)):
        raise ValidationError(message, code="control_character")


def block_control_character_error(block: Any, value: Any) -> ValidationError | None:
    """The error to show on a StreamField value, placed on the exact field (a struct's
    caption, a list's third item) that holds a control character; None if none does."""
    from wagtail import blocks

    if isinstance(block, blocks.StreamBlock):
        errors = {i: e for i, child in enumerate(value)
                  if (e := block_control_character_error(child.block, child.value))}  # fmt: skip
        return blocks.StreamBlockValidationError(block_errors=errors) if errors else None
    if isinstance(block, blocks.StructBlock):
        errors = {name: e for name, child in block.child_blocks.items()
                  if (e := block_control_character_error(child, value.get(name)))}  # fmt: skip
        return blocks.StructBlockValidationError(block_errors=errors) if errors else None
    if isinstance(block, blocks.ListBlock):
        errors = {i: e for i, item in enumerate(value or ())
                  if (e := block_control_character_error(block.child_block, item))}  # fmt: skip
        return blocks.ListBlockValidationError(block_errors=errors) if errors else None
    prepared = block.get_prep_value(value) if value is not None else None
    if isinstance(prepared, str) and (message := control_character_message(prepared)):
        return ValidationError(message, code="control_character")
    return None
