"""`python -m portcheck`."""
from .cli import main

main()
