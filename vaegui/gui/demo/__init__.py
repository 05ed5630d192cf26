"""Showing the app to a room: the guided tour and presenter mode."""
