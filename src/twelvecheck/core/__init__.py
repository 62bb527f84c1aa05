"""The data every layer exchanges: findings and fixes, rule documents, deferred imports."""
