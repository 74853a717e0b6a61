"""`python -m portcheck`."""
import signal

if __name__ == "__main__":
    def _interrupted(_signum, _frame):  # Ctrl-C while the CLI is still being imported: one line, exit 130
        import os

        os.write(2, b"portcheck: interrupted\n")
        os._exit(130)

    signal.signal(signal.SIGINT, _interrupted)

from .cli import main  # noqa: E402

main()
