"""The Qt layer: windows and widgets that display the core's results and forward the user's clicks."""
