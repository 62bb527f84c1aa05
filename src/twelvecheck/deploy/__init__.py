"""The deployment side: Procfiles, app.json, the commands they run, formations, the process model."""
