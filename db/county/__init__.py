"""The county office: its database, enrolling stations, writing their setup and update files,
merging their monthly files, and the county report. Imports `db.exchange` and below."""
