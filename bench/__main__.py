"""`python -m bench ...` is `beleidsgraaf bench ...`."""

import sys

from .cli import main

sys.exit(main())
