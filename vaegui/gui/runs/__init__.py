"""The Runs dialog: every run folder, summed up in a sortable table."""
