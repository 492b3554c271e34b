"""Column roles: which column is the date, the account, the amount... decided from evidence.

Two kinds of evidence: the header's words against a multilingual vocabulary (`vocabulary`,
data in `vocabulary.toml`), and what the column's cells hold over a sample (`content`). A
table without a header row gets its roles from content alone (`infer`).
"""
