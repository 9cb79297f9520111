"""The review page: one speech with its requirements, actors and deadlines marked (Jinja2)."""
