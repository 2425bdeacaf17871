"""Stand-ins for outside services, for running the app locally and in the demo."""
