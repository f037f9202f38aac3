# The ledger fixtures (a village with its users, the county's household ledger) serve the matrix too.
from luoshi.ledgers.tests.conftest import poverty, village_users  # noqa: F401
