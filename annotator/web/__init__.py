"""The web layer: thin Flask blueprints over the storage, import and model layers."""
