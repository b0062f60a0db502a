"""``python -m creditfile`` runs the command line."""

from creditfile.cli import main

raise SystemExit(main())
