"""Privacy (POPIA s23-s25): data-subject requests and their access bundles, the processing
register, the data inventory and data-flow diagram, the PAIA manual."""
