"""`make bench`: run every benchmark module in bench/ in turn (each prints its own table).

python -m bench                          # all of them (the soak alone takes ~8 minutes)
python -m bench soak scale               # only these
python -m bench soak -- --seconds 60     # options after -- go to each one run
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    argv = sys.argv[1:]
    names_given, options = (
        (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if ("--" in argv) else (argv, [])
    )
    names = sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))
    if names_given:
        names = [n for n in names if n in names_given]
    failed = []
    for name in names:
        print(f"\n=== bench.{name} ===", flush=True)
        if subprocess.call([sys.executable, "-m", f"bench.{name}", *options]) != 0:
            failed.append(name)
    if failed:
        print(f"\nBenchmarks that did not finish: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
