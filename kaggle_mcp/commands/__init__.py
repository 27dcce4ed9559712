"""The CLI's commands other than serving: the demo, the set-up check, the context on stdout."""
