"""``python -m benchmark`` is ``sumbench``."""

from benchmark.cli import main

main()
