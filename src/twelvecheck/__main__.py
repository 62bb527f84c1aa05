"""``python -m twelvecheck`` and the console script (``[project.scripts]``).

The cyclic garbage collector is off while the command line loads, and stays off through a
run answered from its record: collecting while click and the command's modules load cost
such a run 4 ms (26 collections, 5% of it on Django), and the run itself leaves next to no
cyclic garbage. It is turned on, at cli/main.py's thresholds, where files are analysed
(run/runner.py) and fixes planned (cli/check.py).
"""

import gc

gc.disable()

from twelvecheck.cli.main import main  # noqa: E402  (after the collector is off)

if __name__ == "__main__":
    main()
