"""The `masthead` command: demo, serve, worker, manage."""

import argparse
import os
import secrets
import subprocess
import sys

DEFAULT_SETTINGS = "masthead.settings.dev"
# Seconds a child gets to stop after SIGTERM before it is killed.
STOP_TIMEOUT = int(os.environ.get("MASTHEAD_STOP_TIMEOUT", "10"))


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    import django

    django.setup()


def manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead manage", *argv])
    return 0


def server_command(*, host: str, port: int, workers: int) -> list[str]:
    # One blocking thread per worker: granian's default of many threads tripled p99 here.
    # A worker that dies (killed, out of memory) is replaced; without the flag granian
    # stops altogether and takes the site down with it.
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", "1", "--no-ws",
        "--respawn-failed-workers", "--respawn-interval", "1",
        "--workers-kill-timeout", str(STOP_TIMEOUT),
        "masthead.wsgi:application",
    ]  # fmt: skip


def lane_command(lane: str) -> list[str]:
    return [sys.executable, "-m", "masthead.cli", "manage", "run_worker", "--lane", lane]


def lane_workers(env: dict[str, str]) -> list:
    """One task worker per lane (core/lanes.py), so fast work never waits behind a
    narration. Both are restarted whenever they exit: the slow lane's also exits on purpose
    after MASTHEAD_SLOW_WORKER_MAX_TASKS tasks, to give its memory back."""
    from masthead.core.processes import Child

    return [Child("fast-lane worker", lane_command("fast"), env),
            Child("slow-lane worker", lane_command("slow"), env)]  # fmt: skip


def serve(args: argparse.Namespace) -> int:
    """granian in a process group of its own: SIGINT or SIGTERM stops every worker with it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from masthead.core.processes import Child, Supervisor

    cmd = server_command(host=args.host, port=args.port, workers=args.workers)
    web = Child("web server", cmd, dict(os.environ), restart=False)
    return Supervisor([web], stop_timeout=STOP_TIMEOUT).run()


def worker(args: argparse.Namespace) -> int:
    """Both lanes, supervised; `--batch` runs every queued task in this process and exits."""
    if args.batch:
        return manage(["run_worker", "--batch"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from masthead.core.processes import Supervisor

    return Supervisor(lane_workers(dict(os.environ)), stop_timeout=STOP_TIMEOUT).run()


def demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from masthead.core.processes import Child, Supervisor

    password = os.environ.get("MASTHEAD_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    env = {**os.environ, "MASTHEAD_DEMO_PASSWORD": password}
    if not args.no_setup:
        print("Setting up the demo newsroom (database under var/) ...", flush=True)
        steps = [["migrate", "--noinput", "-v", "0"], ["load_demo"]]
        for step in steps:
            cmd = [sys.executable, "-m", "masthead.cli", "manage", *step]
            code = subprocess.call(cmd, env=env)
            if code:
                print(f"`masthead manage {' '.join(step)}` failed (exit {code}).", file=sys.stderr)
                return code
    base = f"http://{args.host}:{args.port}"

    def banner() -> None:
        shown = password if not args.no_setup else "(as set up before)"
        mail = os.path.join(os.environ.get("MASTHEAD_VAR_DIR", "var"), "mail")
        print(
            f"\nThe Calder Ledger (demo) is running at {base}/\n"
            f"  Admin:     {base}/admin/\n"
            "  User name  Role                                      Password\n"
            f"  editor     Editor: edits, approves and publishes     {shown}\n"
            f"  reporter   Reporter: writes, submits for review      {shown}\n"
            f"  admin      Admin: superuser, users and settings      {shown}\n"
            f"  Mail (review requests, notifications): files in {mail}/\n"
            "A background worker runs beside it (search index, images, narration, webhooks,\n"
            "scheduled publishing); it is restarted whenever it stops.\n"
            "Press Ctrl+C to stop.\n",
            flush=True,
        )

    # Every child is restarted when it exits (see lane_workers).
    children = [
        *lane_workers(env),
        Child("web server", server_command(host=args.host, port=args.port,
                                           workers=args.workers), env),
    ]  # fmt: skip
    return Supervisor(children, stop_timeout=STOP_TIMEOUT).run(on_started=banner)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="masthead", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    port = int(os.environ.get("MASTHEAD_PORT", "8000"))
    host = os.environ.get("MASTHEAD_HOST", "127.0.0.1")
    workers = int(os.environ.get("MASTHEAD_WEB_WORKERS", "2"))
    for name, helptext in (
        ("demo", "set up the demo newsroom and run it with a worker"),
        ("serve", "run the web server (granian)"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--host", default=host)
        p.add_argument("--port", type=int, default=port)
        p.add_argument("--workers", type=int, default=workers)
        if name == "demo":
            p.add_argument(
                "--no-setup",
                action="store_true",
                help="skip migrate and load_demo: run on the var dir as it is",
            )
    w = sub.add_parser("worker", help="run background tasks and scheduled publishing")
    w.add_argument("--batch", action="store_true", help="exit when the queue is empty")
    sub.add_parser("manage", help="run a Django management command", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    args = build_parser().parse_args(argv)
    return {"demo": demo, "serve": serve, "worker": worker}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
