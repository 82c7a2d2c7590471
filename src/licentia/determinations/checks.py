"""System check: an operator's national measures file must load before the site serves."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from licentia.determinations import services


@register()
def national_measures_file(**kwargs: Any) -> list[CheckMessage]:
    try:
        services.national_measures()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="licentia.determinations.E001")]
    return []
