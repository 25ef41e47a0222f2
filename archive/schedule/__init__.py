"""What to fetch and when: seed lists, the revisit policy (pure functions of a page's history
and a clock), each run's plan, and the crontab line that starts runs. Imports `index` (rows,
read only), `net`, `limits`, `timeutil` and `exceptions`."""
