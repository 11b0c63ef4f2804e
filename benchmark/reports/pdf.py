"""PDF reports: headless Chromium prints the HTML report (the same file, its print styles)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmark.core.errors import InputError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """``$SUMBENCH_CHROMIUM`` or the first Chromium on PATH."""
    if env := os.environ.get("SUMBENCH_CHROMIUM"):
        return env if shutil.which(env) else None
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def html_to_pdf(html_file: Path, pdf_file: Path, timeout: float = 120.0) -> Path:
    """Print ``html_file`` to ``pdf_file`` with headless Chromium (no network; the viewer's
    controls are hidden in print)."""
    browser = find_chromium()
    if browser is None:
        raise InputError(
            "--format pdf needs Chromium (chromium on PATH or $SUMBENCH_CHROMIUM); "
            "use --format html and print it from a browser"
        )
    with tempfile.TemporaryDirectory(prefix="sumbench-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_file.resolve()}",
            html_file.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium did not print {html_file} within {timeout:g} s") from None
    if done.returncode != 0 or not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise InputError(f"Chromium could not print {html_file} to PDF: {' '.join(tail) or done.returncode}")
    return pdf_file
