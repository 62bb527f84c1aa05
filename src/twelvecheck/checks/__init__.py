"""Every rule module; importing this package registers them all."""

from twelvecheck.checks import (  # noqa: F401
    basicconfig_filename,
    file_log_handler,
    logging_config_file_handler,
    meta,
    stdio_to_file,
)
