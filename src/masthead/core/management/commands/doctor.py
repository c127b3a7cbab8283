from django.core.management.base import BaseCommand, CommandError

from masthead.core.health import forget_dead_workers, run_checks


class Command(BaseCommand):
    help = (
        "Check the newsroom: database, free disk space, workers (heartbeats), the task queue "
        "(oldest waiting task, tasks running too long). Exits 1 when something is wrong."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--forget-dead-workers",
            action="store_true",
            help="after reading the report, drop the heartbeats of workers that stopped reporting",
        )

    def handle(self, *args, **options) -> None:
        checks = run_checks()
        for check in checks:
            mark = self.style.SUCCESS("ok  ") if check.ok else self.style.ERROR("FAIL")
            self.stdout.write(f"{mark} {check.name}: {check.summary}")
            for line in check.detail.splitlines():
                if line and line != check.summary:
                    self.stdout.write(f"       {line}")
        if options["forget_dead_workers"]:
            gone = forget_dead_workers()
            self.stdout.write(f"Forgot {gone} dead worker(s).")
        failing = [c.name for c in checks if not c.ok]
        if failing:
            raise CommandError(f"{len(failing)} check(s) failing: {', '.join(failing)}")
        self.stdout.write(self.style.SUCCESS("All checks pass."))
