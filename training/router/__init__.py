"""The router's complexity classifier: a labelled routing set built from public data and the
reasoner's question generators, and its evaluation."""
