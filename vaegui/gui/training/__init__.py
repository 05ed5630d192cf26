"""The Training tab: settings, actions, loss curves, progress and the epoch-by-epoch views."""
