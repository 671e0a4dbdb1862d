"""report.html rendered in a real headless browser (Chromium), offline.

Skipped, saying why, where no Chromium is installed (``.ci/run`` installs Debian's
``chromium``). The browser runs with networking features off and its own throw-away profile;
the page must render to a screenshot that is not blank.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_export import tiny_plan  # noqa: F401  (the shared, solved-once fixture)

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


def chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name) if not name.startswith("/") else (
            name if Path(name).exists() else None)
        if found:
            return found
    return None


BROWSER = chromium()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium installed (apt-get install chromium) to render "
    "report.html in a real browser")


def render(page: Path, png: Path, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BROWSER), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--user-data-dir={profile}", "--window-size=1200,2400", f"--screenshot={png}",
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)


def test_the_report_renders_in_headless_chromium(tiny_plan, tmp_path):  # noqa: F811
    from PIL import Image

    png = tmp_path / "report.png"
    done = render(tiny_plan.out / "report.html", png, tmp_path / "profile")
    assert png.exists(), done.stderr[-2000:]
    image = Image.open(png).convert("L")
    assert image.size == (1200, 2400)
    # Not blank: the charts and tables put plenty of dark pixels on the white page.
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.size[0] * image.size[1]
