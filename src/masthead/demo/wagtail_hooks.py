from wagtail import hooks

from .audience import report_note


@hooks.register("masthead_audience_report_notes")
def demo_audience_note(*, first_day, last_day) -> str:
    return report_note(first_day=first_day, last_day=last_day)
