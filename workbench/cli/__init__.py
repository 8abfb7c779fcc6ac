"""The ``workbench`` command line: the same core as the GUI, no Qt needed."""
