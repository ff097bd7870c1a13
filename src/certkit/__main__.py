"""``python -m certkit`` runs the ``certkit`` command."""

import sys

from certkit.cli.app import main

sys.exit(main())
