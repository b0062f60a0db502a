"""``creditfile`` ending with a normal interpreter exit, for profilers that report at exit.

    python -m cProfile -o regrade.prof scripts/creditfile_main.py --db FILE regrade

The installed ``creditfile`` leaves with ``os._exit`` once its output is flushed (see
``creditfile.cli.entry``), which would skip the profiler's report.
"""

import sys

from creditfile.cli.program import main

sys.exit(main())
