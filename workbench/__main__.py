import sys

from workbench.cli.main import main

if __name__ == "__main__":  # also imported, not run, by a reading process (multiprocessing "spawn")
    sys.exit(main())
