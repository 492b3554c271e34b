"""The life of an upload: upload, process (normalize, freeze, switch), register, failure."""
