"""Analysis over the database: search, quote finding, comparison, keyness and tone."""
