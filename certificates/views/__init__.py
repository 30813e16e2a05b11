"""The certificate pages: verification and download by code (`verify`), the Office's bulk issue (`bulk`)."""
