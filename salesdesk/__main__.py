"""``python -m salesdesk`` runs the command line."""

from salesdesk.cli import main

raise SystemExit(main())
