"""The public site's views, by concern: the documents, the records they are
filed under, the site's own pages, downloads of the data, and operations."""
