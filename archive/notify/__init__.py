"""Notifications: after a run's captures are committed, tell the people who asked what changed,
through Apprise (e-mail, Slack, Matrix, Telegram, webhooks, ...). Events are read from the index
(`sources`), turned into messages a person reads on a phone (`message`), and sent once per
channel through the index's delivery log (`deliver`). Imports `index`, `versions`, `diff`,
`report` (its escaping and its terminal diff form), `replay.urls`, `exceptions`, `timeutil`."""
