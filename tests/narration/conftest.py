import pytest


@pytest.fixture(autouse=True)
def narration_on(settings):
    settings.MASTHEAD_NARRATION_ENABLED = True
