"""The normalizer's version: recorded with every artifact.

Bump it whenever a change could alter the records produced from the same bytes and profile;
`ledgerstore drift` shows what such a change would alter before it ships.
"""

NORMALIZER_VERSION = "1.0.0"
