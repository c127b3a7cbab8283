"""The `masthead` command: demo, serve, worker, manage."""

import argparse
import os
import secrets
import signal
import subprocess
import sys

DEFAULT_SETTINGS = "masthead.settings.dev"


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
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", "1", "--no-ws", "masthead.wsgi:application",
    ]  # fmt: skip


def serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    cmd = server_command(host=args.host, port=args.port, workers=args.workers)
    return subprocess.call(cmd)


def worker(args: argparse.Namespace) -> int:
    return manage(["run_worker", *(["--batch"] if args.batch else [])])


def demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    password = os.environ.get("MASTHEAD_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    env = {**os.environ, "MASTHEAD_DEMO_PASSWORD": password}
    print("Setting up the demo newsroom (database under var/) ...", flush=True)
    steps = [["migrate", "--noinput", "-v", "0"], ["load_demo"]]
    for step in steps:
        code = subprocess.call([sys.executable, "-m", "masthead.cli", "manage", *step], env=env)
        if code:
            print(f"`masthead manage {' '.join(step)}` failed (exit {code}).", file=sys.stderr)
            return code
    base = f"http://{args.host}:{args.port}"
    print(
        f"\nThe Calder Ledger (demo) is running at {base}/\n"
        f"  Admin:     {base}/admin/\n"
        f"  User name: editor\n"
        f"  Password:  {password}\n"
        "A background worker runs beside it (search index, images, scheduled publishing).\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    worker_proc = subprocess.Popen([sys.executable, "-m", "masthead.cli", "worker"], env=env)
    cmd = server_command(host=args.host, port=args.port, workers=args.workers)
    server_proc = subprocess.Popen(cmd, env=env)
    try:
        return server_proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (server_proc, worker_proc):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (server_proc, worker_proc):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


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
