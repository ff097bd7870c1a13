"""``python -m certkit`` runs the ``certkit`` command."""

import sys

from certkit.cli import main

sys.exit(main())
