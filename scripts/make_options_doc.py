"""Write docs/options.md from RunConfig's declared options (a test keeps the two equal)."""

from __future__ import annotations

from pathlib import Path

from benchmark.pipeline.config import RunConfig
from benchmark.pipeline.options import option_table

HEAD = """# Run options

Every option of `sumbench run` (and, where marked, `sumbench score`), as declared once in
`benchmark/pipeline/config.py`: the flag, the key a `sumbench.toml` run file uses for it (the
field name works too: `summarizers`, `use_cache`), its default and what it does. This page is
generated from that declaration by `python scripts/make_options_doc.py`.

"""


def render() -> str:
    run = option_table(RunConfig, "run")
    score = option_table(RunConfig, "score")
    note = (
        "The same options, less those a prediction file replaces (the dataset and the summarizers\n"
        "are its arguments) and those that place batches on a cluster:\n\n"
    )
    return f"{HEAD}## sumbench run\n\n{run}\n## sumbench score\n\n{note}{score}"


if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "options.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
