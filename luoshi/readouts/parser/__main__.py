"""`python -m luoshi.readouts.parser parse FILE --format json` / `score DIR`."""

import sys

from .cli import main

sys.exit(main())
