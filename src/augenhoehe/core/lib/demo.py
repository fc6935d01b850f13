"""Demo data steps, registered by each app (in AppConfig.ready) and run by ``augenhoehe demo``."""

from __future__ import annotations

from collections.abc import Callable

DemoStep = Callable[[Callable[[str], None]], None]
_STEPS: list[tuple[int, str, DemoStep]] = []


def register_demo_step(order: int, name: str, step: DemoStep) -> None:
    if all(existing != name for _, existing, _ in _STEPS):
        _STEPS.append((order, name, step))


def demo_steps() -> list[tuple[int, str, DemoStep]]:
    return sorted(_STEPS, key=lambda item: item[0])
