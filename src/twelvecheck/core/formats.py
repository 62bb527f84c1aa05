"""The report formats, named once: ``--format``, ``--output-format``, the configuration's
``format`` and ``output-format`` keys, and the renderers (reports/__init__.py) read this."""

REPORT_FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit", "html", "markdown")
