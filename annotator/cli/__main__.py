"""`python -m annotator.cli` runs the command line."""

from . import main

main()
