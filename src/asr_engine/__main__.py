import sys

from .cli import main

# Guarded: a process started with ``spawn`` (Dask's LocalCluster workers, a
# ``spawn`` pool) imports the main module again as ``__mp_main__``, and must
# not run the command line a second time.
if __name__ == "__main__":
    sys.exit(main())
