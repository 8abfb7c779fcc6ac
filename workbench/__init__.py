"""Community Workbench: a local workbench for the people who run communities."""

__version__ = "0.1.0"
APP_NAME = "Community Workbench"
