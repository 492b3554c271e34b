"""Structure: sheet choice, header row, row kinds, blocks of lines, total rows, typed records."""
