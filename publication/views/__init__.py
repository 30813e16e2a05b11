"""The Office's publication page (`office`) and the public indicators (`public`)."""
