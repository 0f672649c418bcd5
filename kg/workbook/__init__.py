"""The publisher's workbook: spec, template, export, read, check and import (issue 13)."""
