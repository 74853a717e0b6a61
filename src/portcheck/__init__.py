"""portcheck: what it takes to port a PyTorch + CUDA code base to CANN, MUSA and NeuWare."""
import sys as _sys

__version__ = "0.1.0"

if _sys.argv and _sys.argv[0].rpartition("/")[2] == "portcheck":  # run as the `portcheck` program, not imported
    import os as _os
    import signal as _signal

    def _interrupted(_signum, _frame):
        """Ctrl-C while the program starts (before cli.py takes over): one line, exit 130, no traceback."""
        _os.write(2, b"portcheck: interrupted\n")
        _os._exit(130)

    _signal.signal(_signal.SIGINT, _interrupted)
