import sys

from workbench.cli.main import main

if __name__ == "__main__":  # run as ``python -m workbench``; importing it starts nothing
    sys.exit(main())
