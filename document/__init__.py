"""The customer document: its JSON Schema and the catalogue of its fields derived from it."""

from creditfile.document.fields import (
    CATALOGUE_FORMATS,
    Choice,
    CustomerField,
    FieldCatalogue,
    Label,
    field_catalogue,
)
from creditfile.document.personal import has_personal, personal_sections, without_personal
from creditfile.document.schema import customer_schema

__all__ = [
    "CATALOGUE_FORMATS",
    "Choice",
    "CustomerField",
    "FieldCatalogue",
    "Label",
    "customer_schema",
    "field_catalogue",
    "has_personal",
    "personal_sections",
    "without_personal",
]
