"""Settings for bench/narration_first_audio.py's processes: the demo settings, with live
parts and yielding to fresh work switched by the environment (to measure before/after)."""

import os

from masthead.settings.dev import *  # noqa: F403

MASTHEAD_NARRATION_LIVE_PARTS = os.environ.get("BENCH_LIVE_PARTS", "1") == "1"
MASTHEAD_NARRATION_YIELD_AFTER = float(os.environ.get("BENCH_YIELD_AFTER", "1"))
