"""People across platforms: normalization, merge suggestions, merges and unmerges, flags, the
member directory, profiles, and people.csv. No Qt here: the GUI and the command line share it."""
