"""Resource-shift scenarios (context.md §3 (d); docs/scenarios.md): the scenario file schema, its
storage as raw rows, and the `ascw scenario` commands' report."""
