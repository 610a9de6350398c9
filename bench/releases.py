"""Publishing a release at scale: `manage.py publish_release` timed, with the
peak memory of the process that runs it, on a PostgreSQL database of its own with the
fixtures and N sample documents; then N/100 documents edited and a second
release published (its changelog read from the history).

    .venv/bin/python bench/releases.py --documents 20000
"""

import argparse
import json
import subprocess
from pathlib import Path

from common import ROOT, bench_env, prepare_database, shell

EDIT = (
    "from agreements.models import Document;"
    "[d.save() for d in Document.objects.filter(slug__startswith='sample-')"
    ".order_by('pk')[:{n}] if not setattr(d, 'summary_en', 'Edited for the bench.')]"
)


PUBLISH = (
    "import resource, time;"
    "from django.core.management import call_command;"
    "t = time.perf_counter(); call_command('publish_release');"
    "print(time.perf_counter() - t, "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
)


def publish(env):
    """(seconds, peak RSS in MB) of the command, in a process of its own."""
    seconds, peak = shell(env, PUBLISH).split()
    return float(seconds), float(peak)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20000)
    args = parser.parse_args()
    env = bench_env("agreement_releases", 0)
    env["DJANGO_MEDIA_ROOT"] = str(
        ROOT / "bench" / "results" / "media"
    )  # ignored by git
    subprocess.run(["rm", "-rf", env["DJANGO_MEDIA_ROOT"]], check=True)
    prepare_database(env, "agreement_releases", args.documents)
    first = publish(env)
    shell(env, EDIT.format(n=max(1, args.documents // 100)) + ";print('ok')")
    second = publish(env)
    manifest = Path(env["DJANGO_MEDIA_ROOT"]) / "releases" / "2" / "manifest.json"
    files = json.loads(manifest.read_text())["files"]
    changelog = json.loads(
        (manifest.parent / "changelog.json").read_text(encoding="utf-8")
    )
    print(f"release 1: {first[0]:.1f} s, peak RSS {first[1]:.0f} MB")
    print(f"release 2: {second[0]:.1f} s, peak RSS {second[1]:.0f} MB")
    print(f"zip: {files[0]['size'] / 1e6:.1f} MB; changed: {len(changelog['changed'])}")


if __name__ == "__main__":
    main()
