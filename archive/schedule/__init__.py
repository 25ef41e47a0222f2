"""What to fetch and when: seed lists, the revisit policy (pure functions of a page's history
and a clock) and each run's plan. Imports `index` (rows, read only), `net`, `limits`,
`timeutil` and `exceptions`."""
