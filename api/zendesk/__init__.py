"""Moving a help center between Zendesk Guide and kb: ``import_zendesk`` reads one
(``importer``, from a folder or the live API: ``sources``), ``export_help_center`` writes
kb's in the same shape (``exporter``). See the README, "Moving from Zendesk"."""
