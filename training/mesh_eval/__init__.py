"""`make eval`: the whole mesh asked as a user asks it, on held-out sets, with a Markdown report."""
