"""Great Expectations suites as code, and running them against warehouse relations."""
from .suites import Suite, suites
from .validate import Failure, SuiteOutcome, preload, validate

__all__ = ["Failure", "Suite", "SuiteOutcome", "preload", "suites", "validate"]
