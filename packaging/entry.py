"""The bundle's entry point: the ``nnbuilder`` command (``python -m nnbuilder`` in a checkout)."""

from nnbuilder.cli import main

raise SystemExit(main())
