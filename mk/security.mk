# Security evaluation (issue 12): Tables 1-2 measured, coverage-guided
# fuzzing of the VMM core, the /dev/duvisor fuzzer, the Table 6 fault
# switches, and `make security` (results/security.md).
.PHONY: security-tables

# Tables 1 and 2: host-kernel LoC by subsystem and entry points (cloc).
security-tables: deps platform
	@scripts/security/tables.sh
