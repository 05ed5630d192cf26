"""The real-screen tests: the real app on an X screen with a window manager, read back from the X server."""
