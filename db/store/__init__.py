"""Storage: the models, opening a file, ids, the injected clock, the hash chain, the audit trail
and the schema's migrations. Imports only `catalog` (for messages) among the project's packages."""
