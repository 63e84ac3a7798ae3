"""``python -m analytics``: the same engine as the app, from the command line (see cli.py)."""
import sys

from analytics.cli import main

sys.exit(main())
