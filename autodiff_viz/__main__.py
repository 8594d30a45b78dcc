"""``python -m autodiff_viz`` is the ``autodiff-viz`` command."""

import sys

from .cli import main

sys.exit(main())
