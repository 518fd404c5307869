"""Record schema, normalizers, rules and the cross-check against the registry. No Prefect, no storage."""
