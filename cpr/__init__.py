"""The CPR register: who a person is (name, address, birth date), behind a small interface."""
