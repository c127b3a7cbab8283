"""Settings for the worker processes of the fault-injection tests: the demo settings with
leases, heartbeats and timeouts short enough to watch a recovery within seconds."""

import os

from masthead.settings.dev import *  # noqa: F403

MASTHEAD_HEARTBEAT_INTERVAL = 0.5
MASTHEAD_HEALTH_WORKER_STALE = 3
MASTHEAD_TASK_RECLAIM_GRACE = 1
MASTHEAD_NARRATION_LEASE = 4
MASTHEAD_WEBHOOK_LEASE = 3
MASTHEAD_WEBHOOK_TIMEOUT = 30
MASTHEAD_WEBHOOK_RETRY_DELAY = 1
MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
MASTHEAD_NARRATION_RETRY_DELAY = 1
# One patched voice for every test of a run (making it takes seconds).
if os.environ.get("MASTHEAD_FAULT_VOICES"):
    MASTHEAD_NARRATION_CACHE_DIR = os.environ["MASTHEAD_FAULT_VOICES"]
MASTHEAD_NEWSLETTER_LEASE = 3
